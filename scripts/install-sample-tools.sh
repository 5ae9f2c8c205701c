#!/usr/bin/env bash
# Installs the tools the sample generators (scripts/samples/*) and scripts/make-golden.mjs use, on Debian 12.
# Not run by CI: the samples are committed, tests need no network and no root. Run as root.
# nghttp2-proxy (nghttpx) is only needed by scripts/samples/h2/curl-upgrade.mjs (h2c upgrade server).
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive
apt-get update
apt-get install -y tcpdump tshark nghttp2-client nghttp2-server python3-grpcio curl
apt-get install -y nghttp2-proxy gzip

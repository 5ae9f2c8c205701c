#!/usr/bin/env bash
# Installs the tools the sample generators (scripts/samples/*) and scripts/make-golden.mjs use, on Debian 12.
# Not run by CI: the samples are committed, tests need no network and no root. Run as root.
# nghttp2-proxy (nghttpx) is the h2c upgrade server of scripts/samples/h2/curl-upgrade.mjs (nghttpd cannot
# upgrade); gzip makes samples/derived-h2c-gz.pcap.gz. Everything: bash scripts/make-samples.sh.
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive
apt-get update
apt-get install -y tcpdump tshark nghttp2-client nghttp2-server nghttp2-proxy python3-grpcio curl gzip openssl gcc libssl-dev

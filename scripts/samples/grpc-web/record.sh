#!/usr/bin/env bash
# Records samples/h1-grpc-web: gRPC-Web over HTTP/1.1 between real implementations (scenario.ts). The npm
# packages in package.json are installed into a temporary directory, not into the repository; the lab server
# is the grpc-js one of scripts/samples/grpc/. Needs root (tcpdump on lo), tshark, and npm install done.
set -euo pipefail
cd "$(dirname "$0")/../../.."
SAMPLES_DIR=samples
# shellcheck source=../grpc/record.sh
source scripts/samples/grpc/record.sh
need_tool tcpdump tcpdump
need_tool tshark tshark
modules=$(mktemp -d)
trap 'rm -rf "$modules"' EXIT
cp scripts/samples/grpc-web/package.json "$modules/"
(cd "$modules" && npm install --no-audit --no-fund --silent)
export GRPC_WEB_MODULES=$modules
record h1-grpc-web 50125,50126 node --import tsx scripts/samples/grpc-web/scenario.ts
node scripts/make-golden.mjs h1-grpc-web

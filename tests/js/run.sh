#!/usr/bin/env bash
# Runs the AWS SDK for JavaScript v3 (its default client, which speaks
# HTTP/2) against `bedrock-harness serve`. Needs `npm ci` in this folder.
# Usage: tests/js/run.sh PATH_TO_BINARY
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
# shellcheck source=../start_serve.sh
. "$here/../start_serve.sh"
start_serve "$1" --as-of 2026-12-02
AWS_ENDPOINT_URL_BEDROCK_RUNTIME="$url" AWS_REGION=us-east-1 \
  AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test \
  node --no-warnings "$here/smoke.mjs"
AWS_ENDPOINT_URL_BEDROCK_RUNTIME="$url" AWS_REGION=us-east-1 \
  AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test \
  node --no-warnings "$here/sonic.mjs"

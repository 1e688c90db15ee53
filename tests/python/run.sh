#!/usr/bin/env bash
# Runs the boto3 tests (bedrock-runtime and the bedrock control plane)
# against `bedrock-harness serve`.
# Usage: tests/python/run.sh PATH_TO_BINARY
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
# shellcheck source=../start_serve.sh
. "$here/../start_serve.sh"
start_serve "$1" --as-of 2026-12-02
AWS_ENDPOINT_URL_BEDROCK_RUNTIME="$url" python3 "$here/boto3_smoke.py"
AWS_ENDPOINT_URL_BEDROCK="$url" python3 "$here/boto3_control_plane.py"

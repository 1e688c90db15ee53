#!/usr/bin/env bash
# Runs the boto3 tests (bedrock-runtime and the bedrock control plane)
# against `bedrock-harness serve`.
# Usage: tests/python/run.sh PATH_TO_BINARY
set -euo pipefail
bin="$1"
here="$(cd "$(dirname "$0")" && pwd)"
log="$(mktemp)"
"$bin" serve --port 0 --as-of 2026-12-02 >"$log" 2>&1 &
pid=$!
trap 'kill "$pid" 2>/dev/null || true; rm -f "$log"' EXIT
for _ in $(seq 1 100); do
  grep -q '^export AWS_ENDPOINT_URL_BEDROCK_RUNTIME=' "$log" && break
  sleep 0.1
done
url="$(sed -n 's/^export AWS_ENDPOINT_URL_BEDROCK_RUNTIME=//p' "$log")"
if [ -z "$url" ]; then
  echo "serve did not start:" >&2
  cat "$log" >&2
  exit 1
fi
AWS_ENDPOINT_URL_BEDROCK_RUNTIME="$url" python3 "$here/boto3_smoke.py"
AWS_ENDPOINT_URL_BEDROCK="$url" python3 "$here/boto3_control_plane.py"

#!/usr/bin/env bash
# Runs the boto3, anthropic and openai SDK tests (bedrock-runtime, the bedrock control plane,
# bedrock-mantle, SigV4 checked, and an API key over TLS) against `bedrock-harness serve`.
# Usage: tests/python/run.sh PATH_TO_BINARY
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
# shellcheck source=../start_serve.sh
. "$here/../start_serve.sh"
s3_dir="$(mktemp -d)"
trap 'rm -rf "$s3_dir"' EXIT
(
  start_serve "$1" --as-of 2026-12-02 --scenario "$here/scenario.json" \
    --s3-dir "$s3_dir" --async-seconds 0.3
  AWS_ENDPOINT_URL_BEDROCK_RUNTIME="$url" python3 "$here/boto3_smoke.py"
  AWS_ENDPOINT_URL_BEDROCK_RUNTIME="$url" python3 "$here/boto3_media.py"
  AWS_ENDPOINT_URL_BEDROCK_RUNTIME="$url" BEDROCK_HARNESS_S3_DIR="$s3_dir" \
    python3 "$here/boto3_operations.py"
  AWS_ENDPOINT_URL_BEDROCK="$url" python3 "$here/boto3_control_plane.py"
  AWS_ENDPOINT_URL_BEDROCK_RUNTIME="$url" python3 "$here/anthropic_sdk.py"
  OPENAI_BASE_URL="$url/openai/v1" python3 "$here/openai_sdk.py"
  ANTHROPIC_BEDROCK_MANTLE_BASE_URL="$url/anthropic" python3 "$here/anthropic_mantle.py"
)
# SigV4 checked: boto3's signatures, presigned URLs, the control token.
(
  start_serve "$1" --as-of 2026-12-02 --verify-sigv4 AKIDHARNESS:harness-secret
  AWS_ENDPOINT_URL_BEDROCK_RUNTIME="$url" AWS_ENDPOINT_URL_BEDROCK="$url" \
    BEDROCK_HARNESS_CONTROL_TOKEN="$control_token" python3 "$here/boto3_sigv4.py"
)
# bedrock-mantle: the openai SDK with an API key, the anthropic SDK's Mantle
# client with SigV4 for bedrock-mantle.
(
  start_serve "$1" --as-of 2026-12-02 --mantle --verify-sigv4 AKIDHARNESS:harness-secret \
    --api-key ABSKYmVkcm9jay1oYXJuZXNzLXRlc3Q=
  OPENAI_BASE_URL="$url/v1" ANTHROPIC_BEDROCK_MANTLE_BASE_URL="$url/anthropic" \
    python3 "$here/mantle_sdks.py"
)
# A Bedrock API key over HTTPS, the only way boto3 sends one.
key="ABSKYmVkcm9jay1oYXJuZXNzLXRlc3Q="
(
  start_serve "$1" --as-of 2026-12-02 --tls --api-key "$key"
  env -u AWS_ACCESS_KEY_ID -u AWS_SECRET_ACCESS_KEY -u AWS_SESSION_TOKEN \
    AWS_ENDPOINT_URL_BEDROCK_RUNTIME="$url" AWS_CA_BUNDLE="$ca_bundle" \
    AWS_BEARER_TOKEN_BEDROCK="$key" python3 "$here/boto3_api_key.py"
)

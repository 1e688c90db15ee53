# Sourced by the client test runners: `start_serve BIN [ARGS...]` starts
# `BIN serve --port 0 ARGS...` in the background, waits for its export
# lines, sets `url` to its endpoint (and `ca_bundle` to the CA file of a
# `--tls` fake, and `control_token` to the control token it printed, if
# any) and stops it when the shell exits. Call it once per shell.
start_serve() {
  local bin="$1"
  shift
  serve_log="$(mktemp)"
  "$bin" serve --port 0 "$@" >"$serve_log" 2>&1 &
  serve_pid=$!
  trap 'kill "$serve_pid" 2>/dev/null || true; rm -f "$serve_log"' EXIT
  # The lifecycle line comes after the export lines (a made control token's
  # line follows it).
  for _ in $(seq 1 100); do
    grep -q '^bedrock-harness: model lifecycle read' "$serve_log" && break
    sleep 0.1
  done
  for _ in $(seq 1 10); do
    grep -q 'control API needs this token' "$serve_log" || break
    grep -q '^export BEDROCK_HARNESS_CONTROL_TOKEN=' "$serve_log" && break
    sleep 0.1
  done
  # bedrock-runtime and bedrock-mantle both print the Mantle base URL.
  url="$(sed -n 's|^export ANTHROPIC_BEDROCK_MANTLE_BASE_URL=\(.*\)/anthropic$|\1|p' "$serve_log")"
  ca_bundle="$(sed -n 's/^export AWS_CA_BUNDLE=//p' "$serve_log")"
  control_token="$(sed -n 's/^export BEDROCK_HARNESS_CONTROL_TOKEN=//p' "$serve_log")"
  if [ -z "$url" ]; then
    echo "serve did not start:" >&2
    cat "$serve_log" >&2
    exit 1
  fi
}

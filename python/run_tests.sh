#!/usr/bin/env bash
# Builds the wheel (maturin, release profile), installs it in a fresh
# virtual environment with pytest, pytest-xdist, boto3 and the anthropic
# SDK, and runs the package's suite (two workers) and its doctests; ruff
# checks the Python code first.
# Usage: python/run_tests.sh
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
pip_install() {
  "$1/bin/python" -m pip install --quiet --disable-pip-version-check \
    --root-user-action=ignore "${@:2}"
}

python3 -m venv "$work/build"
pip_install "$work/build" 'maturin>=1.9,<2' ruff
"$work/build/bin/ruff" check "$root/python"
"$work/build/bin/ruff" format --check "$root/python"
started=$SECONDS
(cd "$root" && "$work/build/bin/maturin" build --release --locked --out "$work/wheels")
echo "python/run_tests.sh: the wheel took $((SECONDS - started)) s to build"

python3 -m venv "$work/venv"
pip_install "$work/venv" "$work"/wheels/bedrock_harness-*.whl pytest pytest-xdist boto3 'anthropic[bedrock]'
# shellcheck source=/dev/null
. "$work/venv/bin/activate"
command -v bedrock-harness >/dev/null || { echo "the wheel put no bedrock-harness on PATH" >&2; exit 1; }
cd "$root"
python -m pytest -n 2 python/tests
python -m pytest -p no:xdist --doctest-modules --pyargs bedrock_harness

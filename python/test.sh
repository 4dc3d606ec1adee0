#!/usr/bin/env bash
# Builds and installs the Python package into python/.venv (a fresh
# virtualenv, as a user would: `pip install ./python`), then runs its
# tests. The build shares the repository's cargo target folder, so after
# `cargo test --release` only the binding itself compiles.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
venv="$here/.venv"
if [ ! -x "$venv/bin/python" ]; then
    python3 -m venv "$venv"
fi
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check "$here[test]"
export PROVERSIM_BIN="${PROVERSIM_BIN:-$root/target/release/proversim}"
cd "$root"
"$venv/bin/python" -m pytest -q "$here/tests"

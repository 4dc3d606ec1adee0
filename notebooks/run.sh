#!/usr/bin/env bash
# Creates notebooks/.venv, installs notebooks/requirements.txt, produces the
# outputs the notebooks read (a shortened baseline run and a small sweep),
# and executes every notebook headless, failing on any error.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
venv="$here/.venv"

if [ ! -x "$venv/bin/python" ]; then
    python3 -m venv "$venv"
fi
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check -r "$here/requirements.txt"

bin=${PROVERSIM_BIN:-}
if [ -z "$bin" ]; then
    (cd "$root" && cargo build --release --quiet)
    bin="$root/target/release/proversim"
fi

out="$root/outputs/notebooks"
rm -rf "$out"
mkdir -p "$out"
"$bin" run "$root/scenarios/baseline.toml" --set epochs=400 --out "$out/run" --quiet
"$bin" sweep "$here/streak-decay-small.toml" --out "$out/sweep" --quiet

export PROVERSIM_RUN="$out/run"
export PROVERSIM_SWEEP="$out/sweep"
"$venv/bin/python" "$here/execute.py" "$out/executed" \
    "$here/explore-run.ipynb" "$here/streak-decay.ipynb"
echo "notebooks: 2 passed, 0 failed"

#!/usr/bin/env bash
# Creates notebooks/.venv, installs notebooks/requirements.txt and the
# proversim Python package (python/, built with the repository's own cargo
# target folder), and executes every notebook headless, failing on any
# error. The notebooks run their scenario and sweep through the package.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
venv="$here/.venv"

if [ ! -x "$venv/bin/python" ]; then
    python3 -m venv "$venv"
fi
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check -r "$here/requirements.txt"
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check "$root/python"

out="$root/outputs/notebooks"
rm -rf "$out"
mkdir -p "$out"
"$venv/bin/python" "$here/execute.py" "$out/executed" \
    "$here/explore-run.ipynb" "$here/streak-decay.ipynb"
echo "notebooks: 2 passed, 0 failed"

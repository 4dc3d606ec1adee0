#!/usr/bin/env bash
# Creates notebooks/.venv, installs notebooks/requirements.txt and the
# proversim Python package (python/, built with the repository's own cargo
# target folder), and executes every notebook headless, failing on any
# error: the two Jupyter notebooks through nbclient, the marimo notebook
# (explore.py) as the script it also is. The notebooks run their
# scenarios, sweep and comparison through the package.
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
# The marimo notebook, every cell at its controls' starting values (a
# short comparison: 3 replicates of 5 days).
MPLBACKEND=Agg PROVERSIM_REPLICATES=3 PROVERSIM_DAYS=5 \
    "$venv/bin/python" "$here/explore.py" > "$out/explore.log" 2>&1 || {
    cat "$out/explore.log"
    echo "notebooks: explore.py failed" >&2
    exit 1
}
echo "notebooks: 3 passed, 0 failed"

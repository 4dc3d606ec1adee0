"""Executes notebooks headless and fails on the first error.

Usage: python execute.py OUT_DIR NOTEBOOK...
Each executed notebook is written to OUT_DIR (the sources stay clean).
"""
import os
import sys

import nbformat
from nbclient import NotebookClient


def main() -> int:
    out_dir = sys.argv[1]
    os.makedirs(out_dir, exist_ok=True)
    for path in sys.argv[2:]:
        nb = nbformat.read(path, as_version=4)
        here = os.path.dirname(os.path.abspath(path))
        client = NotebookClient(
            nb, timeout=600, kernel_name="python3", resources={"metadata": {"path": here}}
        )
        client.execute()
        target = os.path.join(out_dir, os.path.basename(path))
        nbformat.write(nb, target)
        print(f"executed {path} -> {target}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

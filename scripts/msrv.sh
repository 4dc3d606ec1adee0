#!/usr/bin/env bash
# Checks the minimum Rust version the project states (Cargo.toml's
# rust-version) against every dependency's own declared rust-version:
# none may need a newer compiler. Exits 1 and names those that do.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo metadata --format-version 1 --locked | python3 -c '
import json, sys
meta = json.load(sys.stdin)
def v(s):
    return tuple(int(x) for x in (s.split(".") + ["0", "0"])[:3])
root = next(p for p in meta["packages"] if p["name"] == "proversim")
stated = root["rust_version"]
newer = [(p["name"], p["version"], p["rust_version"]) for p in meta["packages"]
         if p.get("rust_version") and v(p["rust_version"]) > v(stated)]
need = max((p["rust_version"] for p in meta["packages"] if p.get("rust_version")), key=v)
if newer:
    for n in newer:
        print("%s %s needs Rust %s, newer than the stated %s" % (*n, stated))
    sys.exit(1)
print("rust-version %s: every dependency builds with it (the newest any declares: %s)" % (stated, need))
'

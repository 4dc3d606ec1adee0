#!/usr/bin/env bash
# Every scenario and sweep file checked against the JSON Schema its
# `#:schema` directive names, by a standard validator (check-jsonschema,
# installed into scripts/.venv), and a file with a misspelt key refused.
# That the shipped schemas are the binary's own (`proversim schema`) is a
# Rust test (tests/schema.rs).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
venv="$root/scripts/.venv"
if [ ! -x "$venv/bin/python" ]; then
    python3 -m venv "$venv"
fi
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check \
    -r "$root/scripts/requirements.txt"
check() { "$venv/bin/check-jsonschema" --schemafile "$@"; }
cd "$root"

scenarios=() sweeps=()
for f in scenarios/*.toml notebooks/*.toml; do
    directive=$(head -n 1 "$f")
    case "$directive" in
        "#:schema ../schemas/scenario.json") scenarios+=("$f") ;;
        "#:schema ../schemas/sweep.json") sweeps+=("$f") ;;
        *) echo "$f: its first line names no schema (#:schema ../schemas/...)" >&2; exit 1 ;;
    esac
done
check schemas/scenario.json "${scenarios[@]}"
check schemas/sweep.json "${sweeps[@]}"

# Misspelt keys: at the top, in a table, and a strategy's own key.
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mutate() { # file, sed expression, name
    sed "$2" "$1" > "$tmp/$3.toml"
    if cmp -s "$1" "$tmp/$3.toml"; then
        echo "$1: the mutation $2 changed nothing" >&2
        exit 1
    fi
    if check "$4" "$tmp/$3.toml" > "$tmp/$3.out" 2>&1; then
        echo "the schema accepted $3 ($1 with $2)" >&2
        exit 1
    fi
    echo "refused, as it should be: $3"
}
mutate scenarios/baseline.toml 's/^epochs = /epocs = /' top-key schemas/scenario.json
mutate scenarios/baseline.toml 's/^mana_shape = /mana_shap = /' table-key schemas/scenario.json
mutate scenarios/sniping.toml '0,/^prefix_every_slots = /s//prefix_every_slot = /' strategy-key \
    schemas/scenario.json
mutate scenarios/reward-sweep.toml 's/^replicates = /replicate = /' sweep-key schemas/sweep.json
echo "schemas: ${#scenarios[@]} scenarios and ${#sweeps[@]} sweeps valid, 4 misspelt files refused"

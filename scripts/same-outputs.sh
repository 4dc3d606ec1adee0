#!/usr/bin/env bash
# Proves that two builds of proversim give byte-identical outputs: every
# shipped scenario run (all Parquet and CSV tables, summary.json,
# scenario.toml), every shipped sweep (sweep.parquet, sweep.json, the
# journal), `settle` in both formats on every trace under tests/data/golden/
# and examples/, and `settle` on the trace each scenario run writes.
#
#   scripts/same-outputs.sh OLD_BIN NEW_BIN [WORK_DIR]
#
# OLD_BIN is a build from before a change (for example from a worktree:
# `git worktree add /tmp/old REF && cargo build --release
# --manifest-path /tmp/old/Cargo.toml`), NEW_BIN one from after it.
# Charts and reports are not compared (their captions may change on
# purpose); every other file the commands write is. A sweep's sweep.json
# written before the mechanism was typed names it as "Permissionless" or
# "BondedQuotes"; an old binary's files are read with the new names (the
# one intended difference in the files compared). Exits 1 and lists the
# files that differ, 0 when none does. EPOCHS=N runs each scenario for N
# epochs instead of its own count (a quicker check). OLD_TREE=DIR runs the
# old build on the scenarios and traces of another checkout (a change that
# edits the shipped files themselves); IGNORE="a b" leaves files of those
# names out of the comparison (what such a change means to alter).
set -euo pipefail
old=$(realpath "$1")
new=$(realpath "$2")
work=$(realpath -m "${3:-$(mktemp -d)}")
cd "$(dirname "$0")/.."
here=$(pwd)
old_tree=$(realpath "${OLD_TREE:-$here}")
mkdir -p "$work"
set_epochs=()
if [[ -n "${EPOCHS:-}" ]]; then set_epochs=(--set "epochs=$EPOCHS"); fi

outputs() {
  local bin=$1 dest=$2
  rm -rf "$dest"
  mkdir -p "$dest"
  pushd "$3" >/dev/null
  for f in scenarios/*.toml; do
    name=$(basename "$f" .toml)
    if grep -q '^\[sweep\]' "$f"; then
      "$bin" sweep "$f" --out "$dest/$name" --threads 2 --quiet >/dev/null
    else
      "$bin" run "$f" --out "$dest/$name" --csv --no-charts --quiet \
        "${set_epochs[@]}" --trace "$dest/$name.trace.toml" >/dev/null 2>"$dest/$name.stderr" ||
        "$bin" run "$f" --out "$dest/$name" --csv --no-charts --quiet "${set_epochs[@]}" >/dev/null
      if [[ -f "$dest/$name.trace.toml" ]]; then
        "$bin" settle "$dest/$name.trace.toml" --format json >"$dest/$name.settle.json"
        rm "$dest/$name.trace.toml"
      fi
      rm -f "$dest/$name.stderr"
    fi
    rm -rf "$dest/$name/charts" "$dest/$name/report.md"
    # A sweep's journal lists runs as they finish, in whichever order the
    # threads end them: its lines are compared as a set.
    if [[ -f "$dest/$name/runs.jsonl" ]]; then
      sort "$dest/$name/runs.jsonl" >"$dest/$name/runs.sorted.jsonl"
      rm "$dest/$name/runs.jsonl"
    fi
  done
  for t in tests/data/golden/*.toml examples/*.toml; do
    stem=$(echo "$t" | tr '/' '_')
    "$bin" settle "$t" --format json >"$dest/settle_$stem.json"
    "$bin" settle "$t" --format table >"$dest/settle_$stem.txt"
  done
  popd >/dev/null
}

echo "old: $old" >&2
outputs "$old" "$work/old" "$old_tree"
for f in "$work"/old/*/sweep.json; do
  [[ -f "$f" ]] || continue
  sed -i -e 's/"mechanism": *"Permissionless"/"mechanism": "permissionless"/' \
    -e 's/"mechanism": *"BondedQuotes"/"mechanism": "bonded_quotes"/' "$f"
done
echo "new: $new" >&2
outputs "$new" "$work/new" "$here"
# Lock files and timings are not outputs.
excludes=(-x '.proversim.lock')
for name in ${IGNORE:-}; do excludes+=(-x "$name"); done
if diff -rq "${excludes[@]}" "$work/old" "$work/new"; then
  echo "same outputs: $(find "$work/new" -type f | wc -l) files identical" >&2
else
  echo "outputs differ (above)" >&2
  exit 1
fi

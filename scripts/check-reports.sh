#!/usr/bin/env bash
# report.html of a run, a sweep and a comparison, opened in headless
# Chromium at a phone's width: each page loads without error, every image
# loads (the charts are inlined), it has its tables, nothing is wider than
# the screen, and its screenshot is not blank. Installs Debian's chromium
# when it is missing, and playwright-core (to drive it) into
# scripts/.node.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
bin=${PROVERSIM_BIN:-$root/target/release/proversim}
if ! command -v chromium > /dev/null; then
    echo "installing Debian's chromium"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium > /dev/null
fi
node_dir="$root/scripts/.node"
if [ ! -d "$node_dir/node_modules/playwright-core" ]; then
    npm install --silent --no-audit --no-fund --prefix "$node_dir" playwright-core@1.64.1
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$root"
"$bin" run scenarios/baseline.toml --set epochs=200 --out "$tmp/run" -q
"$bin" report "$tmp/run" > /dev/null
"$bin" sweep notebooks/streak-decay-small.toml --set epochs=30 --out "$tmp/sweep" -q
"$bin" report "$tmp/sweep" > /dev/null
"$bin" compare scenarios/baseline.toml scenarios/azip5.toml --replicates 3 --set epochs=100 \
    --out "$tmp/compare" -q > /dev/null
NODE_PATH="$node_dir/node_modules" node "$root/scripts/check-reports.cjs" \
    "$tmp/run/report.html" "$tmp/sweep/report.html" "$tmp/compare/report.html"

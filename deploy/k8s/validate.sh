#!/usr/bin/env bash
# Checks the Kubernetes manifests against the Kubernetes API schemas
# (kubernetes-validate from PyPI, strict: unknown fields are errors), that
# the shard count agrees everywhere, and that the scripts parse. Then plays
# the recipe without a cluster: the shards' and the merge's own command
# lines, taken from the manifests, run with the ConfigMap, the image's
# /work/scenarios and the volume as local folders, on a sweep whose `base`
# is relative; the merged table must equal the same sweep run at once.
# Installs the validator into a private virtualenv under target/ on first
# use.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
venv="$root/target/k8s-validate-venv"
if [ ! -x "$venv/bin/kubernetes-validate" ]; then
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet --disable-pip-version-check "kubernetes-validate==1.37.0"
fi
"$venv/bin/kubernetes-validate" --strict --quiet \
    "$here/volume.yaml" "$here/shards-job.yaml" "$here/merge/merge-job.yaml" \
    "$here/fetch-pod.yaml"
for script in "$here"/*.sh; do
    bash -n "$script"
done
# completions, parallelism and both SHARDS values must be one number.
counts=$(
    {
        grep -E '^\s+(completions|parallelism):' "$here/shards-job.yaml" | grep -oE '[0-9]+'
        grep -A1 'name: SHARDS' "$here/shards-job.yaml" "$here/merge/merge-job.yaml" | grep -oE '"[0-9]+"' | tr -d '"'
    } | sort -u
)
if [ "$(echo "$counts" | wc -l)" -ne 1 ]; then
    echo "the shard counts differ: $(echo $counts)" >&2
    exit 1
fi

# The recipe, played locally.
bin=${PROVERSIM_BIN:-$root/target/release/proversim}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/config" "$work/results" "$work/bin"
# The image's /work: the shipped scenarios and the calibration they read.
cp -r "$root/scenarios" "$root/calibrations" "$work/"
ln -s "$bin" "$work/bin/proversim"
cat > "$work/config/sweep.toml" <<'SWEEP'
epochs = 20

[sweep]
base = "baseline.toml"
replicates = 2

[[sweep.parameter]]
key = "booster.increment"
values = [100000, 200000, 300000]
SWEEP
printf 'recipe-test' > "$work/config/run"
# A job's shell command, its paths moved into the work folder.
command_of() {
    "$venv/bin/python" - "$1" "$work" <<'PY'
import sys, yaml
doc = yaml.safe_load(open(sys.argv[1]))
work = sys.argv[2]
cmd = doc["spec"]["template"]["spec"]["containers"][0]["args"][0]
for path in ("/config", "/work/scenarios", "/results"):
    cmd = cmd.replace(path, work + path.replace("/work/", "/"))
print(cmd)
PY
}
shards_cmd=$(command_of "$here/shards-job.yaml")
for ((i = 0; i < counts; i++)); do
    PATH="$work/bin:$PATH" JOB_COMPLETION_INDEX=$i SHARDS=$counts THREADS=1 \
        sh -c "$shards_cmd" > "$work/shard-$i.log" 2>&1 || { cat "$work/shard-$i.log" >&2; echo "shard $i failed: $shards_cmd" >&2; exit 1; }
done
PATH="$work/bin:$PATH" SHARDS=$counts sh -c "$(command_of "$here/merge/merge-job.yaml")" > /dev/null 2>&1
"$bin" sweep "$work/scenarios/sweep.toml" --quiet --out "$work/whole"
cmp "$work/whole/sweep.parquet" "$work/results/recipe-test/sweep.parquet"
echo "k8s: manifests valid, $counts shards; the recipe's commands merge to the one-machine table"

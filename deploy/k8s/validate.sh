#!/usr/bin/env bash
# Checks the Kubernetes manifests against the Kubernetes API schemas
# (kubernetes-validate from PyPI, strict: unknown fields are errors), and
# that the shard count agrees everywhere. Installs the validator into a
# private virtualenv under target/ on first use.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
venv="$root/target/k8s-validate-venv"
if [ ! -x "$venv/bin/kubernetes-validate" ]; then
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet --disable-pip-version-check "kubernetes-validate==1.37.0"
fi
"$venv/bin/kubernetes-validate" --strict --quiet \
    "$here/volume.yaml" "$here/shards-job.yaml" "$here/merge/merge-job.yaml"
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
echo "k8s: manifests valid, $counts shards"

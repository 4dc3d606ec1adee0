#!/usr/bin/env bash
# Runs a sweep on Kubernetes: applies the volume and the shards Job, waits
# until the shards Job completes (or stops at once if it fails), then
# applies the merge Job and waits for it. The image is PROVERSIM_IMAGE
# (e.g. REGISTRY/proversim:0.1.0, built from the repository's Dockerfile).
#
#   PROVERSIM_IMAGE=registry.example.com/proversim:0.1.0 deploy/k8s/run-sweep.sh [TIMEOUT_S]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
image=${PROVERSIM_IMAGE:?set PROVERSIM_IMAGE to the proversim image (see the Dockerfile)}
timeout=${1:-86400}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp -r "$here/." "$work/"
(cd "$work" && kubectl kustomize . > /dev/null) # fails early on a bad kustomization
for k in "$work" "$work/merge"; do
    sed -i "s|newName: proversim|newName: ${image%:*}|; s|newTag: \"0.1.0\"|newTag: \"${image##*:}\"|" "$k/kustomization.yaml"
done
kubectl apply -k "$work"
# Complete or Failed, whichever comes first; a failed shard stops the sweep.
end=$((SECONDS + timeout))
while :; do
    state=$(kubectl get job proversim-sweep -o jsonpath='{range .status.conditions[?(@.status=="True")]}{.type}{" "}{end}')
    case $state in
        *Complete*) break ;;
        *Failed*)
            echo "the shards Job failed; no merge (kubectl logs job/proversim-sweep)" >&2
            exit 1
            ;;
    esac
    if [ $SECONDS -ge $end ]; then
        echo "the shards Job did not complete within ${timeout}s" >&2
        exit 1
    fi
    sleep 30
done
kubectl apply -k "$work/merge"
kubectl wait --for=condition=complete job/proversim-sweep-merge --timeout=1h
echo "merged: /results/sweep.parquet on the proversim-results volume"

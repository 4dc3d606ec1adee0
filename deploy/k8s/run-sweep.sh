#!/usr/bin/env bash
# Runs a sweep on Kubernetes. The image (PROVERSIM_IMAGE, built from the
# repository's Dockerfile) holds the binary and the shipped scenarios; the
# sweep travels in a ConfigMap, so a new sweep needs no new image:
#
#   PROVERSIM_IMAGE=registry.example.com/proversim:0.1.0 \
#       deploy/k8s/run-sweep.sh SWEEP.toml [SCENARIO.toml...] [--name RUN] [--timeout S]
#
# 1. Makes the ConfigMap proversim-sweep: SWEEP.toml (as sweep.toml), any
#    scenario files of your own it reads (its `base`, under their own
#    names: each pod copies them beside the shipped scenarios, so relative
#    paths resolve as in the repository's scenarios/), and the run's name
#    (default: the sweep file's stem).
# 2. Deletes the Jobs of an earlier run (a Job's pod template cannot be
#    changed; results on the volume stay), applies the volume and the
#    shards Job, waits until it completes (or stops at once if it fails).
# 3. Applies the merge Job and waits for it: the merged table is
#    /results/RUN/sweep.parquet on the volume.
#
# Re-running with the same RUN resumes: finished cells are kept, each shard
# runs only what is missing (`--resume`; a changed sweep is refused for
# that folder, so give it a new --name). Fetch the results with
# deploy/k8s/fetch.sh RUN DEST; remove them and the Jobs with clean.sh.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
image=${PROVERSIM_IMAGE:?set PROVERSIM_IMAGE to the proversim image (see the Dockerfile)}
usage="usage: $0 SWEEP.toml [SCENARIO.toml...] [--name RUN] [--timeout SECONDS]"
files=() name="" timeout=86400
while [ $# -gt 0 ]; do
    case $1 in
        --name) name=${2:?$usage}; shift 2 ;;
        --timeout) timeout=${2:?$usage}; shift 2 ;;
        -*) echo "$usage" >&2; exit 2 ;;
        *) files+=("$1"); shift ;;
    esac
done
[ ${#files[@]} -ge 1 ] || { echo "$usage" >&2; exit 2; }
for f in "${files[@]}"; do
    [ -f "$f" ] || { echo "$0: $f: no such file" >&2; exit 2; }
done
sweep=${files[0]}
name=${name:-$(basename "$sweep" .toml)}
case $name in
    '' | *[!A-Za-z0-9._-]*) echo "$0: --name must be letters, digits, '.', '_' or '-': '$name'" >&2; exit 2 ;;
esac

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp -r "$here/." "$work/"
for k in "$work" "$work/merge"; do
    sed -i "s|newName: proversim|newName: ${image%:*}|; s|newTag: \"0.1.0\"|newTag: \"${image##*:}\"|" "$k/kustomization.yaml"
done
(cd "$work" && kubectl kustomize . > /dev/null) # fails early on a bad kustomization

from=(--from-file=sweep.toml="$sweep" --from-literal=run="$name")
for f in "${files[@]:1}"; do
    from+=(--from-file="$(basename "$f")"="$f")
done
kubectl create configmap proversim-sweep "${from[@]}" --dry-run=client -o yaml | kubectl apply -f -
kubectl delete job proversim-sweep proversim-sweep-merge --ignore-not-found --wait=true
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
echo "merged: /results/$name/sweep.parquet on the proversim-results volume"
echo "fetch it: deploy/k8s/fetch.sh $name DEST"

#!/usr/bin/env bash
# Copies a run's merged results (sweep.parquet, sweep.json and the other
# files of /results/RUN, without the shard folders) from the results volume
# into DEST, through a short-lived pod that mounts the volume
# (fetch-pod.yaml), deleted afterwards.
#
#   PROVERSIM_IMAGE=registry.example.com/proversim:0.1.0 deploy/k8s/fetch.sh RUN DEST
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source "$here/volume-pod.sh"
if [ $# -ne 2 ]; then
    echo "usage: $0 RUN DEST" >&2
    exit 2
fi
run=$1 dest=$2
start_volume_pod
mkdir -p "$dest"
if ! kubectl exec proversim-fetch -- test -f "/results/$run/sweep.parquet"; then
    echo "$0: /results/$run/sweep.parquet is not there (is the merge done? kubectl get jobs)" >&2
    exit 1
fi
kubectl exec proversim-fetch -- tar -C "/results/$run" --exclude='./shard-*' -cf - . | tar -C "$dest" -xf -
echo "fetched: $dest/sweep.parquet"

#!/usr/bin/env bash
# Removes what run-sweep.sh leaves behind: the two Jobs and the ConfigMap;
# with --results RUN also that run's folder on the volume (through the
# volume pod, fetch-pod.yaml); with --volume the whole results volume.
#
#   deploy/k8s/clean.sh [--results RUN] [--volume]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source "$here/volume-pod.sh"
results="" volume=0
while [ $# -gt 0 ]; do
    case $1 in
        --results) results=${2:?usage: $0 [--results RUN] [--volume]}; shift 2 ;;
        --volume) volume=1; shift ;;
        *) echo "usage: $0 [--results RUN] [--volume]" >&2; exit 2 ;;
    esac
done
kubectl delete job proversim-sweep proversim-sweep-merge --ignore-not-found --wait=true
kubectl delete configmap proversim-sweep --ignore-not-found
if [ -n "$results" ]; then
    case $results in
        *[!A-Za-z0-9._-]* | . | ..) echo "$0: not a run name: '$results'" >&2; exit 2 ;;
    esac
    start_volume_pod
    kubectl exec proversim-fetch -- rm -rf "/results/$results"
    echo "removed /results/$results"
fi
if [ "$volume" = 1 ]; then
    kubectl delete pvc proversim-results --ignore-not-found
fi

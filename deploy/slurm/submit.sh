#!/usr/bin/env bash
# Submits a sweep to Slurm: an array of N shard tasks, then a merge job that
# runs only if every shard succeeded. Prints the two job ids.
#
#   deploy/slurm/submit.sh SWEEP.toml OUT N [extra sbatch options...]
set -euo pipefail
if [ $# -lt 3 ]; then
    echo "usage: $0 SWEEP.toml OUT N [sbatch options...]" >&2
    exit 2
fi
sweep=$1
out=$2
n=$3
shift 3
here=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$out"
array=$(sbatch --parsable "$@" --array=0-$((n - 1)) "$here/sweep.sbatch" "$sweep" "$out" "$n")
merge=$(sbatch --parsable "$@" --dependency=afterok:"$array" "$here/sweep.sbatch" "$sweep" "$out" "$n")
echo "shards: job $array (array 0-$((n - 1))); merge: job $merge"

#!/usr/bin/env bash
# Submits a sweep to Slurm: an array of N shard tasks, then a merge job that
# runs only if every shard succeeded, and is cancelled (not left pending
# forever) if one failed, whatever the cluster's DependencyParameters.
# Prints the two job ids. Each task uses --cpus-per-task threads
# (sweep.sbatch passes SLURM_CPUS_PER_TASK as --threads).
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
case $n in
    '' | *[!0-9]* | 0)
        echo "$0: N must be a positive number of shards, found '$n'" >&2
        exit 2
        ;;
esac
here=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$out"
# --parsable prints "id" or, on a federated site, "id;cluster".
array=$(sbatch --parsable "$@" --array=0-$((n - 1)) "$here/sweep.sbatch" "$sweep" "$out" "$n")
array=${array%%;*}
merge=$(sbatch --parsable "$@" --kill-on-invalid-dep=yes --dependency=afterok:"$array" \
    "$here/sweep.sbatch" "$sweep" "$out" "$n")
merge=${merge%%;*}
echo "shards: job $array (array 0-$((n - 1))); merge: job $merge"

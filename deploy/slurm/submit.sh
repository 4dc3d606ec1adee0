#!/usr/bin/env bash
# Submits a sweep to Slurm: an array of N shard tasks, then a merge job that
# runs only if every shard succeeded, and is cancelled (not left pending
# forever) if one failed, whatever the cluster's DependencyParameters.
# Prints the job ids. Each task uses --cpus-per-task threads (sweep.sbatch
# passes SLURM_CPUS_PER_TASK as --threads).
#
#   deploy/slurm/submit.sh SWEEP.toml OUT N [extra sbatch options...]
#
# How the files reach the nodes: run it from a checkout of the repository
# on a file system every node mounts (a home or project folder over NFS,
# Lustre, GPFS...). SWEEP.toml and OUT are made absolute, so the tasks read
# the sweep (and its base and calibration, by their relative paths) and
# write OUT/shard-I where you named them. The binary is PROVERSIM_BIN, else
# the checkout's target/release/proversim; if that is missing, a build job
# (`cargo build --release --locked` in the checkout, on a compute node) runs
# first and the shards wait for it. How results come back: the merged table
# is OUT/sweep.parquet (with OUT/sweep.json) on that same file system;
# copy it off the cluster with `rsync -a LOGIN:OUT/sweep.parquet .`.
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
if [ ! -f "$sweep" ]; then
    echo "$0: $sweep: no such file" >&2
    exit 2
fi
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
mkdir -p "$out"
sweep=$(cd "$(dirname "$sweep")" && pwd)/$(basename "$sweep")
out=$(cd "$out" && pwd)
after=()
if [ -z "${PROVERSIM_BIN:-}" ]; then
    export PROVERSIM_BIN="$root/target/release/proversim"
    if [ ! -x "$PROVERSIM_BIN" ]; then
        build=$(sbatch --parsable "$@" --job-name=proversim-build --output="$out/build-%j.out" \
            --chdir="$root" --wrap "cargo build --release --locked --bin proversim")
        build=${build%%;*}
        after=(--kill-on-invalid-dep=yes --dependency=afterok:"$build")
        echo "build: job $build (log: $out/build-$build.out)"
    fi
fi
# --parsable prints "id" or, on a federated site, "id;cluster".
array=$(sbatch --parsable "$@" "${after[@]}" --array=0-$((n - 1)) \
    "$here/sweep.sbatch" "$sweep" "$out" "$n")
array=${array%%;*}
merge=$(sbatch --parsable "$@" --kill-on-invalid-dep=yes --dependency=afterok:"$array" \
    "$here/sweep.sbatch" "$sweep" "$out" "$n")
merge=${merge%%;*}
echo "shards: job $array (array 0-$((n - 1))); merge: job $merge"
echo "results: $out/sweep.parquet once job $merge ends (sacct -j $array,$merge)"

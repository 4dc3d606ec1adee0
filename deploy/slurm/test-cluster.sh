#!/usr/bin/env bash
# Proves the cluster path on a real Slurm: submits deploy/slurm/sweep.sbatch
# on a small sweep as a job array with a dependent merge job, waits, and
# checks that the merged sweep.parquet is byte-identical to the same sweep
# run locally. Then checks that a failing array task makes the wait fail
# instead of hanging. Runs everything inside local-cluster.sh.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)

bin=${PROVERSIM_BIN:-}
if [ -z "$bin" ]; then
    (cd "$root" && cargo build --release --quiet)
    bin="$root/target/release/proversim"
fi
export PROVERSIM_BIN="$bin"

work=$(mktemp -d /tmp/proversim-slurm-test.XXXXXX)
trap 'rm -rf "$work"' EXIT
cat > "$work/sweep.toml" <<SWEEP
epochs = 20

[[provers]]
name = "honest"
count = 4

[sweep]
base = "$root/scenarios/baseline.toml"
replicates = 2
seed = 77

[[sweep.parameter]]
key = "booster.increment"
values = [100000, 200000]

[[sweep.parameter]]
key = "rewards.sequencer_bps"
values = [5000, 7000, 9000]
SWEEP

"$bin" sweep "$work/sweep.toml" --quiet --out "$work/local"

# Runs inside the cluster: submit.sh (the array and the merge), and a wait
# with a deadline.
cat > "$work/on-cluster.sh" <<'INNER'
#!/usr/bin/env bash
set -uo pipefail
submit=$1 sweep=$2 out=$3 shards=$4 deadline=$5
mkdir -p "$out/logs"
ids=$("$submit" "$sweep" "$out" "$shards" --output="$out/logs/%x-%A_%a.out") || exit 1
echo "$ids" >&2
array=$(echo "$ids" | sed -nE 's/^shards: job ([0-9]+).*/\1/p')
merge=$(echo "$ids" | sed -nE 's/.*merge: job ([0-9]+)$/\1/p')
end=$((SECONDS + deadline))
while [ -n "$(squeue -h -j "$array,$merge" 2> /dev/null)" ]; do
    if [ $SECONDS -ge $end ]; then
        echo "jobs still queued after ${deadline}s" >&2
        exit 3
    fi
    sleep 1
done
# A failed task cancels the merge: no table.
[ -f "$out/sweep.parquet" ] || { echo "no merged table" >&2; cat "$out"/logs/* >&2 2> /dev/null; exit 1; }
INNER
chmod +x "$work/on-cluster.sh"

failing_shard_fails_the_merge='
    # A failing array task: the merge is cancelled and the wait fails, not hangs.
    # Exit 1: the jobs left the queue without a table; 3 would be a merge
    # left pending until the deadline.
    code=0
    PROVERSIM_BIN=/bin/false "$work/on-cluster.sh" "$here/submit.sh" "$work/sweep.toml" "$work/broken-$1" 3 60 || code=$?
    if [ "$code" -ne 1 ]; then
        echo "a failing array task went unnoticed or left the merge pending (exit $code)" >&2
        exit 1
    fi
    echo "a failing array task fails the merge ($2)" >&2
'
export work here
start=$SECONDS
"$here/local-cluster.sh" -- bash -c "
    set -e
    '$work/on-cluster.sh' '$here/submit.sh' '$work/sweep.toml' '$work/cluster' 3 90
    cmp '$work/local/sweep.parquet' '$work/cluster/sweep.parquet'
    echo 'merged sweep.parquet is byte-identical to the local sweep' >&2
    bash -c '$failing_shard_fails_the_merge' _ on 'kill_invalid_depend set'
"
# Without kill_invalid_depend in the cluster's configuration, the merge job's
# own --kill-on-invalid-dep=yes must still cancel it.
PROVERSIM_SLURM_KILL_INVALID_DEPEND=0 "$here/local-cluster.sh" -- \
    bash -c "$failing_shard_fails_the_merge" _ off 'kill_invalid_depend not set'
echo "slurm: 3 passed, 0 failed ($((SECONDS - start)) s)"

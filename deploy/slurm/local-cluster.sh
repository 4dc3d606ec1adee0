#!/usr/bin/env bash
# Runs a command against a throw-away single-node Slurm cluster:
#
#   deploy/slurm/local-cluster.sh -- CMD [ARGS...]
#
# munge, slurmctld and slurmd (Debian packages, installed when missing) run
# from a private directory with their own configuration, which CMD finds
# through SLURM_CONF. The cluster is always torn down afterwards (jobs
# cancelled, daemons stopped by their PIDs, state removed), and the script
# exits with CMD's exit code. Needs root (as on CI).
set -uo pipefail

if [ "${1:-}" = "--" ]; then
    shift
fi
if [ $# -eq 0 ]; then
    echo "usage: $0 -- CMD [ARGS...]" >&2
    exit 2
fi

log() { echo "local-cluster: $*" >&2; }

install_slurm() {
    local created=""
    if [ ! -e /usr/sbin/policy-rc.d ]; then
        # Keep the packages' post-install scripts from starting services.
        printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d
        chmod +x /usr/sbin/policy-rc.d
        created=1
    fi
    local pkgs="slurmctld slurmd slurm-client munge"
    export DEBIAN_FRONTEND=noninteractive
    if ! apt-get install -y -qq --no-install-recommends $pkgs > /dev/null 2>&1; then
        apt-get update -qq > /dev/null 2>&1
        apt-get install -y -qq --no-install-recommends $pkgs > /dev/null 2>&1
    fi
    local rc=$?
    [ -n "$created" ] && rm -f /usr/sbin/policy-rc.d
    return $rc
}

for tool in munged slurmctld slurmd sbatch squeue sinfo scancel; do
    if ! command -v "$tool" > /dev/null 2>&1; then
        log "installing slurm and munge from Debian's packages"
        install_slurm || { log "could not install slurm"; exit 1; }
        break
    fi
done

dir=$(mktemp -d /tmp/proversim-slurm.XXXXXX)
chmod 0755 "$dir"
mkdir -p "$dir/state" "$dir/spool" "$dir/log" "$dir/munge-key" "$dir/munge-sock"
chmod 0700 "$dir/munge-key"
chmod 0755 "$dir/munge-sock"
head -c 1024 /dev/urandom > "$dir/munge-key/munge.key"
chmod 0400 "$dir/munge-key/munge.key"

host=$(hostname -s)
cpus=$(nproc)
mem=$(( $(free -m | awk '/^Mem:/ {print $2}') * 9 / 10 ))
# PROVERSIM_SLURM_KILL_INVALID_DEPEND=0 leaves out kill_invalid_depend, as
# on clusters that do not set it: jobs must ask for it themselves.
dependency_parameters="DependencyParameters=kill_invalid_depend"
if [ "${PROVERSIM_SLURM_KILL_INVALID_DEPEND:-1}" = 0 ]; then
    dependency_parameters="# DependencyParameters left unset"
fi
cat > "$dir/slurm.conf" <<CONF
ClusterName=proversim
SlurmctldHost=$host(127.0.0.1)
SlurmUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$dir/munge-sock/munge.socket
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
MpiDefault=none
$dependency_parameters
MinJobAge=5
ReturnToService=2
StateSaveLocation=$dir/state
SlurmdSpoolDir=$dir/spool
SlurmctldPidFile=$dir/slurmctld.pid
SlurmdPidFile=$dir/slurmd.pid
SlurmctldLogFile=$dir/log/slurmctld.log
SlurmdLogFile=$dir/log/slurmd.log
NodeName=$host NodeAddr=127.0.0.1 CPUs=$cpus RealMemory=$mem State=UNKNOWN
PartitionName=debug Nodes=ALL Default=YES State=UP MaxTime=INFINITE
CONF
export SLURM_CONF="$dir/slurm.conf"

munge_pid=""
ctld_pid=""
slurmd_pid=""
cmd_pid=""

stop() {
    local pid=$1
    [ -n "$pid" ] || return 0
    kill -TERM "$pid" 2> /dev/null || return 0
    for _ in $(seq 50); do
        kill -0 "$pid" 2> /dev/null || return 0
        sleep 0.2
    done
    kill -KILL "$pid" 2> /dev/null
    wait "$pid" 2> /dev/null
}

teardown() {
    trap - EXIT INT TERM
    [ -n "$cmd_pid" ] && stop "$cmd_pid"
    if [ -n "$ctld_pid" ]; then
        scancel --quiet --user="$(id -un)" 2> /dev/null
        for _ in $(seq 40); do
            [ -z "$(squeue -h 2> /dev/null)" ] && break
            sleep 0.5
        done
    fi
    stop "$slurmd_pid"
    stop "$ctld_pid"
    stop "$munge_pid"
    rm -rf "$dir"
}
trap 'teardown; exit 130' INT TERM
trap teardown EXIT

munged -F --key-file="$dir/munge-key/munge.key" --socket="$dir/munge-sock/munge.socket" \
    --pid-file="$dir/munged.pid" --log-file="$dir/log/munged.log" \
    --seed-file="$dir/munged.seed" > /dev/null 2>&1 &
munge_pid=$!
for _ in $(seq 50); do
    [ -S "$dir/munge-sock/munge.socket" ] && break
    sleep 0.1
done
slurmctld -D > "$dir/log/slurmctld.out" 2>&1 &
ctld_pid=$!
slurmd -D -N "$host" > "$dir/log/slurmd.out" 2>&1 &
slurmd_pid=$!

ready=""
for _ in $(seq 150); do
    if [ "$(sinfo -h -N -o %t 2> /dev/null | head -n 1)" = "idle" ]; then
        ready=1
        break
    fi
    sleep 0.2
done
if [ -z "$ready" ]; then
    log "the node did not come up; logs:"
    tail -n 20 "$dir"/log/*.log "$dir"/log/*.out >&2 2> /dev/null
    exit 1
fi
log "cluster up (SLURM_CONF=$SLURM_CONF)"

# The command in the background, so that a signal reaches the trap at once.
"$@" &
cmd_pid=$!
wait "$cmd_pid"
rc=$?
cmd_pid=""
exit $rc

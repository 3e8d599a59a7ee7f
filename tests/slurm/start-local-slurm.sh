#!/usr/bin/env bash
# Starts a single-node Slurm cluster on this machine (munged, slurmctld, slurmd), for RLMix's Slurm
# integration test or to try `rlmix compare --slurm` by hand. Everything lives under DIR: the
# configuration, the munge key and socket, state, spool, logs and pid files; nothing in /etc is
# changed and no system daemon is touched. Needs root and Debian's `slurm-wlm` and `munge` packages.
#
#   tests/slurm/start-local-slurm.sh DIR     # prints SLURM_CONF=DIR/slurm.conf on its last line
#   export SLURM_CONF=DIR/slurm.conf; sbatch ...; squeue
#   tests/slurm/stop-local-slurm.sh DIR      # stops exactly the daemons this script started
set -euo pipefail

if [ $# -ne 1 ]; then echo "usage: $0 DIR" >&2; exit 2; fi
for tool in munged slurmctld slurmd sinfo runuser ss flock; do
  if ! command -v "$tool" >/dev/null 2>&1 && [ ! -x "/usr/sbin/$tool" ]; then
    echo "error: '$tool' not found; install the packages with: apt-get install -y slurm-wlm munge" >&2
    exit 3
  fi
done
if [ "$(id -u)" -ne 0 ]; then echo "error: the local cluster runs slurmd, which needs root" >&2; exit 2; fi
export PATH="$PATH:/usr/sbin"

mkdir -p "$1"
dir="$(cd "$1" && pwd)"
if [ -e "$dir/slurmctld.pid" ] || [ -e "$dir/slurmd.pid" ] || [ -e "$dir/munge/munged.pid" ]; then
  echo "error: $dir already holds a cluster's pid files; stop it first: $(dirname "$0")/stop-local-slurm.sh $dir" >&2
  exit 2
fi
# munged runs as the munge user and refuses directories others can write to.
chmod 755 "$dir"
if ! runuser -u munge -- test -x "$dir"; then
  echo "error: the munge user cannot reach $dir (a parent directory is private); choose a directory under a path others can traverse" >&2
  exit 2
fi
mkdir -p "$dir/munge" "$dir/state" "$dir/spool" "$dir/log"
chown munge:munge "$dir/munge"
chmod 755 "$dir/munge"

# Our own key and socket, so that a munged of the machine (if any) is neither needed nor disturbed.
head -c 1024 /dev/urandom > "$dir/munge/munge.key"
chown munge:munge "$dir/munge/munge.key"
chmod 400 "$dir/munge/munge.key"
runuser -u munge -- munged --socket="$dir/munge/munge.socket" --key-file="$dir/munge/munge.key" \
  --pid-file="$dir/munge/munged.pid" --log-file="$dir/munge/munged.log" --seed-file="$dir/munge/munged.seed"

# Two free TCP ports (slurmctld, slurmd), so that another cluster on this machine does not collide. Choosing them
# and starting the daemons that listen on them happen under a machine-wide lock: two clusters started at the
# same moment would otherwise both find the same pair free. The daemons do not inherit the lock's descriptor.
lockdir=/run/lock; [ -d "$lockdir" ] || lockdir=/tmp
exec 9>>"$lockdir/rlmix-local-slurm-ports.lock"
if ! flock -w 120 9; then echo "error: another start-local-slurm.sh held the port lock for 2 minutes" >&2; exit 1; fi
port_free() { ! ss -Htln "sport = :$1" | grep -q .; }
ctld_port=""
for p in $(seq 16817 2 16997); do
  if port_free "$p" && port_free "$((p + 1))"; then ctld_port=$p; break; fi
done
if [ -z "$ctld_port" ]; then echo "error: no free port pair in 16817-16998" >&2; exit 1; fi

cat > "$dir/slurm.conf" <<CONF
ClusterName=rlmix-local
SlurmctldHost=localhost(127.0.0.1)
SlurmctldPort=$ctld_port
SlurmdPort=$((ctld_port + 1))
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
# cred_expire: a requeued job waits this long (default 120 s) before it starts again; any sooner and slurmd
# refuses to launch it ("Job credential revoked": it still holds the killed run's revocation).
AuthInfo=socket=$dir/munge/munge.socket,cred_expire=10
CredType=cred/munge
StateSaveLocation=$dir/state
SlurmdSpoolDir=$dir/spool
SlurmctldPidFile=$dir/slurmctld.pid
SlurmdPidFile=$dir/slurmd.pid
SlurmctldLogFile=$dir/log/slurmctld.log
SlurmdLogFile=$dir/log/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
MpiDefault=none
ReturnToService=2
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
# A cancelled or timed-out task gets SIGKILL this many seconds after SIGTERM.
KillWait=30
# Finished jobs stay visible to squeue/scontrol for this long.
MinJobAge=600
NodeName=localhost NodeAddr=127.0.0.1 CPUs=$(nproc) State=UNKNOWN
PartitionName=local Nodes=localhost Default=YES MaxTime=INFINITE State=UP
CONF

export SLURM_CONF="$dir/slurm.conf"
slurmctld -f "$SLURM_CONF" 9>&-
slurmd -f "$SLURM_CONF" -N localhost 9>&-

# Up when the node reports idle (usually within seconds).
for _ in $(seq 1 60); do
  if sinfo -h -n localhost -o %T 2>/dev/null | grep -qx idle; then
    echo "Local Slurm cluster is up (node localhost, $(nproc) CPUs, ports $ctld_port-$((ctld_port + 1)))."
    echo "SLURM_CONF=$SLURM_CONF"
    exit 0
  fi
  sleep 0.5
done
echo "error: the node did not become idle within 30 s; see $dir/log/slurmctld.log and $dir/log/slurmd.log" >&2
sinfo >&2 || true
exit 1

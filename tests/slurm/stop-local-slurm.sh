#!/usr/bin/env bash
# Stops the cluster that start-local-slurm.sh started in DIR: cancels its jobs, then ends exactly the
# daemons named by the pid files in DIR (slurmd, slurmctld, munged), each only if that pid still runs
# that program. Other daemons on the machine are left alone. Safe to run twice.
set -uo pipefail

if [ $# -ne 1 ]; then echo "usage: $0 DIR" >&2; exit 2; fi
dir="$(cd "$1" 2>/dev/null && pwd)" || { echo "nothing to stop: no directory $1"; exit 0; }
export PATH="$PATH:/usr/sbin"

# stop PIDFILE PROGRAM: SIGTERM, then SIGKILL after 10 s; the pid file is removed.
stop() {
  local file=$1 program=$2 pid
  [ -f "$file" ] || return 0
  pid=$(tr -dc 0-9 < "$file")
  if [ -n "$pid" ] && [ "$(cat "/proc/$pid/comm" 2>/dev/null)" = "$program" ]; then
    kill -TERM "$pid" 2>/dev/null
    for _ in $(seq 1 100); do [ -d "/proc/$pid" ] || break; sleep 0.1; done
    if [ -d "/proc/$pid" ]; then kill -KILL "$pid" 2>/dev/null; fi
  fi
  rm -f "$file"
}

if [ -f "$dir/slurm.conf" ] && [ -f "$dir/slurmctld.pid" ]; then
  export SLURM_CONF="$dir/slurm.conf"
  # Jobs first (every job of this private cluster, whoever submitted it), so that no task outlives it.
  jobs=$(squeue -h -o %A 2>/dev/null | sort -u | tr '\n' ' ')
  if [ -n "${jobs// /}" ]; then
    scancel --full --signal=KILL $jobs 2>/dev/null
    scancel $jobs 2>/dev/null
  fi
  for _ in $(seq 1 50); do
    [ -z "$(squeue -h 2>/dev/null)" ] && break
    sleep 0.2
  done
fi
stop "$dir/slurmd.pid" slurmd
stop "$dir/slurmctld.pid" slurmctld
stop "$dir/munge/munged.pid" munged
echo "Stopped the local Slurm cluster in $dir."

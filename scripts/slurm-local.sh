#!/usr/bin/env bash
# A one-node Slurm cluster on this machine, for tests and for trying `lottery experiment submit --engine slurm`.
#
#   scripts/slurm-local.sh start    install (apt, as root) if needed, write the config, start munged/slurmctld/slurmd
#   scripts/slurm-local.sh stop     stop the daemons this script started (by their recorded pids)
#   scripts/slurm-local.sh status   print whether the cluster answers
#   scripts/slurm-local.sh env      print the `export SLURM_CONF=...` line clients need
#
# Everything Slurm writes lives in one state directory ($LOTTERY_SLURM_DIR, default /tmp/lottery-slurm-$(id -u)), and
# the config is passed by SLURM_CONF rather than written to /etc/slurm, so the machine's own setup is left alone.
# munged uses Debian's default key and socket (its permission checks reject keys and sockets in world-writable
# trees such as /tmp); an already running munged is reused and then left running.
#
# `start` prints "SLURM_CONF=<path>" as its last stdout line; exit status 3 means slurm cannot be set up here
# (no packages and no way to install them), anything else non-zero is a real failure.
# Recipe: /work/shared/notes/local-slurm.md, docs/slurm.md.
set -euo pipefail

STATE="${LOTTERY_SLURM_DIR:-/tmp/lottery-slurm-$(id -u)}"
CONF="$STATE/slurm.conf"
CTLD_PORT="${LOTTERY_SLURMCTLD_PORT:-6817}"
SLURMD_PORT="${LOTTERY_SLURMD_PORT:-6818}"
NODE="$(hostname -s)"

log() { echo "slurm-local: $*" >&2; }

install_packages() {
  if command -v slurmctld >/dev/null 2>&1 && command -v slurmd >/dev/null 2>&1 \
      && command -v sbatch >/dev/null 2>&1 && command -v munged >/dev/null 2>&1; then
    return 0
  fi
  if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
    log "slurm-wlm/munge are not installed and cannot be installed here (needs root and apt-get)"
    exit 3
  fi
  log "installing slurm-wlm and munge with apt-get"
  if ! { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq slurm-wlm munge; } >"$STATE/apt.log" 2>&1; then
    log "apt-get install slurm-wlm munge failed (see $STATE/apt.log)"
    exit 3
  fi
}

munge_works() { munge -n 2>/dev/null | unmunge >/dev/null 2>&1; }

start_munge() {
  if munge_works; then
    log "munged already running; reusing it"
    return 0
  fi
  if [ ! -s /etc/munge/munge.key ]; then
    dd if=/dev/urandom bs=1 count=1024 of=/etc/munge/munge.key status=none
  fi
  chown munge:munge /etc/munge/munge.key && chmod 400 /etc/munge/munge.key
  mkdir -p /run/munge /var/log/munge /var/lib/munge
  chown munge:munge /run/munge /var/log/munge /var/lib/munge
  chmod 755 /run/munge
  # munged refuses to run as root; Debian's init does the same `runuser`.
  runuser -u munge -- /usr/sbin/munged
  for _ in $(seq 50); do munge_works && break; sleep 0.1; done
  munge_works || { log "munged did not come up (see /var/log/munge/munged.log)"; exit 1; }
  cat /run/munge/munged.pid > "$STATE/munged.pid"
}

write_config() {
  local cpus mem
  cpus="$(nproc)"
  # Leave the OS some room: RealMemory must not exceed what slurmd measures or the node is drained.
  mem="$(free -m | awk '/^Mem:/ { m = int($2 * 0.8); if (m < 500) m = 500; print m }')"
  mkdir -p "$STATE/state" "$STATE/spool" "$STATE/log"
  cat > "$CONF" <<EOF
# Written by scripts/slurm-local.sh: a one-node cluster on $NODE.
ClusterName=lottery-local
SlurmctldHost=$NODE
SlurmUser=root
SlurmctldPort=$CTLD_PORT
SlurmdPort=$SLURMD_PORT
AuthType=auth/munge
CredType=cred/munge
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
ReturnToService=2
MpiDefault=none
StateSaveLocation=$STATE/state
SlurmdSpoolDir=$STATE/spool
SlurmctldPidFile=$STATE/slurmctld.pid
SlurmdPidFile=$STATE/slurmd.pid
SlurmctldLogFile=$STATE/log/slurmctld.log
SlurmdLogFile=$STATE/log/slurmd.log
JobCompType=jobcomp/none
# No accounting daemon: sacct is unavailable, so the lottery reads unit state from the results directory.
AccountingStorageType=accounting_storage/none
JobAcctGatherType=jobacct_gather/none
# Fast turnaround for tests: finished jobs leave squeue after 30 s, the scheduler looks often.
MinJobAge=30
SchedulerParameters=sched_interval=2
KillWait=5
InactiveLimit=0
SlurmctldTimeout=30
SlurmdTimeout=60
NodeName=$NODE CPUs=$cpus RealMemory=$mem State=UNKNOWN
PartitionName=debug Nodes=$NODE Default=YES MaxTime=INFINITE State=UP
EOF
}

pid_alive() { [ -s "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }

start() {
  mkdir -p "$STATE"
  install_packages
  if pid_alive "$STATE/slurmctld.pid" && SLURM_CONF="$CONF" sinfo -h >/dev/null 2>&1; then
    log "already running ($STATE)"
    echo "SLURM_CONF=$CONF"
    return 0
  fi
  start_munge
  write_config
  export SLURM_CONF="$CONF"
  # -c: a fresh controller state every start (no jobs from an earlier run come back).
  /usr/sbin/slurmctld -c -f "$CONF"
  for _ in $(seq 100); do scontrol ping >/dev/null 2>&1 && break; sleep 0.2; done
  scontrol ping >/dev/null 2>&1 || { log "slurmctld did not answer (see $STATE/log/slurmctld.log)"; exit 1; }
  /usr/sbin/slurmd -f "$CONF"
  for _ in $(seq 150); do
    state="$(sinfo -h -n "$NODE" -o %T 2>/dev/null || true)"
    case "$state" in idle|mixed|allocated) break ;; esac
    sleep 0.2
  done
  case "$state" in
    idle|mixed|allocated) ;;
    *) log "node $NODE is '$state', not idle (see $STATE/log/slurmd.log)"; exit 1 ;;
  esac
  log "cluster up: node $NODE ($state), state in $STATE"
  echo "SLURM_CONF=$CONF"
}

stop_pidfile() {
  local file="$1" name="$2"
  if pid_alive "$file"; then
    local pid
    pid="$(cat "$file")"
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -0 "$pid" 2>/dev/null && kill -9 "$pid" 2>/dev/null || true
    log "stopped $name ($pid)"
  fi
  rm -f "$file"
}

stop() {
  stop_pidfile "$STATE/slurmd.pid" slurmd
  stop_pidfile "$STATE/slurmctld.pid" slurmctld
  # Only a munged this script started (its pid recorded here) is stopped.
  stop_pidfile "$STATE/munged.pid" munged
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status)
    if pid_alive "$STATE/slurmctld.pid" && SLURM_CONF="$CONF" sinfo; then exit 0; fi
    echo "not running ($STATE)"; exit 1 ;;
  env) echo "export SLURM_CONF=$CONF" ;;
  *) echo "usage: $0 start|stop|status|env" >&2; exit 2 ;;
esac

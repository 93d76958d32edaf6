#!/usr/bin/env bash
# A private one-node Slurm cluster for tests, entirely under one directory:
#
#   scripts/slurm/cluster.sh start DIR    # installs slurmctld/slurmd/slurm-client/munge if missing, starts
#                                         # munged, slurmctld and slurmd, waits until the node is idle, and
#                                         # prints `export SLURM_CONF=DIR/slurm.conf` on stdout (progress on stderr):
#                                         #   eval "$(scripts/slurm/cluster.sh start /tmp/c)"; sbatch --wrap hostname
#   scripts/slurm/cluster.sh status DIR   # daemons, sinfo, squeue; exits 0 only if all three daemons run
#   scripts/slurm/cluster.sh stop DIR     # cancels its jobs, stops its daemons (also after a half-failed start)
#
# It never reads or writes /etc/slurm or the system's munge: DIR holds slurm.conf, a munge key and socket, the
# state, spool, log and pid files. Ports are the first free pair from 16817/16818 up, so it runs beside a real
# cluster or another test cluster. It needs root (slurmd runs jobs as their submitter; munged runs as munge).
# Only processes it started are stopped: the pids in DIR's pid files (checked against their names), and what
# still carries the marker W2S_SLURM_CLUSTER=DIR in its environment (the daemons, slurmstepd, their jobs).
set -euo pipefail

usage() { echo "usage: $0 start|stop|status DIR" >&2; exit 2; }
[ $# -eq 2 ] || usage
cmd=$1
case "$cmd" in start|stop|status) ;; *) usage ;; esac
[ "$(id -u)" -eq 0 ] || { echo "cluster: needs root (slurmd and munged run as root and munge)" >&2; exit 2; }
mkdir -p "$2"
dir=$(cd "$2" && pwd)
conf=$dir/slurm.conf
marker="W2S_SLURM_CLUSTER=$dir"

say() { echo "cluster: $*" >&2; }

# pid_of NAME: the live pid of daemon NAME (slurmctld, slurmd, munged) from DIR's pid files, or nothing.
pid_of() {
  local name=$1 f pid
  for f in "$dir/run/$name.pid" "$dir/munge/$name.pid" "$dir/run/$name.launched"; do
    [ -s "$f" ] || continue
    pid=$(tr -dc '0-9' <"$f")
    [ -n "$pid" ] && [ -r "/proc/$pid/comm" ] && [ "$(cat "/proc/$pid/comm" 2>/dev/null)" = "$name" ] \
      && { echo "$pid"; return 0; }
  done
  return 0
}

# marked_pids: processes (other than this script) whose environment carries this cluster's marker, jobs of this
# cluster (SLURM_JOB_ID and SLURM_CONF=DIR/slurm.conf), and its slurmstepd/slurmscriptd (which write DIR/log).
marked_pids() {
  local p env comm
  for p in /proc/[0-9]*; do
    p=${p#/proc/}
    [ "$p" = "$$" ] && continue
    comm=$(cat "/proc/$p/comm" 2>/dev/null) || continue
    if [ "$comm" = slurmstepd ] || [ "$comm" = slurmscriptd ]; then
      if find "/proc/$p/fd" -maxdepth 1 -lname "$dir/log/*" 2>/dev/null | grep -q .; then echo "$p"; continue; fi
    fi
    env=$({ tr '\0' '\n' <"/proc/$p/environ"; } 2>/dev/null) || continue
    if grep -qxF "$marker" <<<"$env" \
      || { grep -qxF "SLURM_CONF=$conf" <<<"$env" && grep -q '^SLURM_JOB_ID=' <<<"$env"; }; then
      echo "$p"
    fi
  done
}

# stop_pid PID…: SIGTERM, up to 10 s, then SIGKILL.
stop_pids() {
  [ $# -gt 0 ] || return 0
  kill -TERM "$@" 2>/dev/null || true
  local i p alive
  for i in $(seq 1 50); do
    alive=()
    for p in "$@"; do kill -0 "$p" 2>/dev/null && alive+=("$p"); done
    [ ${#alive[@]} -eq 0 ] && return 0
    sleep 0.2
  done
  kill -KILL "${alive[@]}" 2>/dev/null || true
}

show_logs() {
  local f
  for f in "$dir"/log/* "$dir/munge/munged.log"; do
    [ -s "$f" ] || continue
    echo "---- $f (last 30 lines)" >&2
    tail -n 30 "$f" >&2
  done
}

do_stop() {
  local ctld jobs pid
  ctld=$(pid_of slurmctld)
  if [ -n "$ctld" ] && [ -f "$conf" ]; then
    # Cancel the jobs through Slurm first, so their steps end cleanly, then wait for them (at most 15 s).
    jobs=$(SLURM_CONF=$conf timeout 10 squeue -h -o %A 2>/dev/null | sort -u | tr '\n' ' ' || true)
    if [ -n "${jobs// /}" ]; then
      say "cancelling jobs $jobs"
      # shellcheck disable=SC2086
      SLURM_CONF=$conf timeout 10 scancel $jobs 2>/dev/null || true
      for _ in $(seq 1 30); do
        [ -z "$(SLURM_CONF=$conf timeout 5 squeue -h -o %A 2>/dev/null || true)" ] && break
        sleep 0.5
      done
    fi
  fi
  for name in slurmd slurmctld munged; do
    pid=$(pid_of "$name")
    if [ -n "$pid" ]; then say "stopping $name (pid $pid)"; stop_pids "$pid"; fi
  done
  # Whatever is left of this cluster: slurmstepd and job processes whose daemons are gone.
  # shellcheck disable=SC2046
  local left
  left=$(marked_pids | tr '\n' ' ')
  if [ -n "${left// /}" ]; then
    say "stopping leftover processes $left"
    # shellcheck disable=SC2086
    stop_pids $left
  fi
  rm -f "$dir"/run/*.pid "$dir"/run/*.launched "$dir/munge/munged.pid"
}

do_status() {
  local ok=0 name pid
  for name in munged slurmctld slurmd; do
    pid=$(pid_of "$name")
    if [ -n "$pid" ]; then echo "$name: running (pid $pid)"; else echo "$name: not running"; ok=1; fi
  done
  if [ -f "$conf" ]; then
    echo "export SLURM_CONF=$conf"
    if [ "$ok" -eq 0 ]; then
      SLURM_CONF=$conf timeout 10 sinfo || true
      SLURM_CONF=$conf timeout 10 squeue || true
    fi
  else
    echo "no cluster in $dir"
  fi
  return $ok
}

install_packages() {
  local need=() pkg
  for pkg in slurmctld slurmd slurm-client munge; do
    dpkg -s "$pkg" >/dev/null 2>&1 || need+=("$pkg")
  done
  [ ${#need[@]} -eq 0 ] && return 0
  say "installing ${need[*]}"
  apt-get update -qq
  # Debian's packages try to start the system's munge/slurm services; without systemd that fails harmlessly,
  # with it they run on their own defaults, which this cluster does not use.
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
}

port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

write_conf() {
  local host=$1 ctld_port=$2 slurmd_port=$3 cpus mem
  cpus=$(nproc)
  # 90% of the memory available now: slurmd drains a node that has less than its RealMemory.
  mem=$(free -m | awk '/^Mem:/ { print int($7 * 0.9) }')
  cat >"$conf" <<EOF
# Written by scripts/slurm/cluster.sh: a private one-node test cluster; nothing here is read from /etc/slurm.
ClusterName=w2stest
SlurmctldHost=$host(127.0.0.1)
SlurmctldPort=$ctld_port
SlurmdPort=$slurmd_port
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$dir/munge/munge.socket
StateSaveLocation=$dir/state
SlurmdSpoolDir=$dir/spool
SlurmctldPidFile=$dir/run/slurmctld.pid
SlurmdPidFile=$dir/run/slurmd.pid
SlurmctldLogFile=$dir/log/slurmctld.log
SlurmdLogFile=$dir/log/slurmd.log
SlurmctldDebug=info
SlurmdDebug=info
# No cgroups, no accounting daemon: runs in a container or VM as it is.
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
MpiDefault=none
SwitchType=switch/none
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU_Memory
DefMemPerCPU=1024
SchedulerType=sched/backfill
ReturnToService=2
# Finished jobs stay visible to scontrol for 10 minutes (there is no sacct without slurmdbd).
MinJobAge=600
KillWait=5
InactiveLimit=0
MailProg=/bin/true
NodeName=$host NodeAddr=127.0.0.1 CPUs=$cpus RealMemory=$mem State=UNKNOWN
PartitionName=test Nodes=$host Default=YES MaxTime=INFINITE State=UP
EOF
}

# wait_for SECONDS WHAT COMMAND…: polls COMMAND every 0.5 s until it succeeds.
wait_for() {
  local secs=$1 what=$2; shift 2
  local end=$((SECONDS + secs))
  until "$@" >/dev/null 2>&1; do
    if [ "$SECONDS" -ge "$end" ]; then
      say "timed out after ${secs}s waiting for $what"
      show_logs
      return 1
    fi
    sleep 0.5
  done
}

node_idle() {
  local state
  state=$(SLURM_CONF=$conf timeout 5 sinfo -h -n "$host" -o %T 2>/dev/null) || return 1
  [ "$state" = "idle" ]
}

do_start() {
  if [ -n "$(pid_of slurmctld)" ] && [ -n "$(pid_of slurmd)" ] && [ -n "$(pid_of munged)" ]; then
    say "already running in $dir"
    echo "export SLURM_CONF=$conf"
    return 0
  fi
  do_stop 2>/dev/null || true # the remains of an earlier, half-started cluster in DIR
  install_packages
  id munge >/dev/null 2>&1 || { say "no user munge (is the munge package installed?)"; return 1; }
  host=$(hostname -s)

  rm -rf "$dir/state" "$dir/spool" "$dir/log" "$dir/run" "$dir/munge"
  mkdir -p "$dir/state" "$dir/spool" "$dir/log" "$dir/run"
  chmod 0755 "$dir"
  # munged runs as munge: it must reach DIR, and refuses a socket directory others cannot enter; its log is
  # there too (it cannot write DIR/log).
  install -d -o munge -g munge -m 0755 "$dir/munge"
  if ! runuser -u munge -- test -x "$dir/munge"; then
    say "user munge cannot enter $dir (a parent directory is closed to others?): choose a DIR under /tmp"
    return 1
  fi
  if command -v mungekey >/dev/null; then
    runuser -u munge -- mungekey --create --keyfile="$dir/munge/munge.key"
  else
    dd if=/dev/urandom of="$dir/munge/munge.key" bs=1 count=1024 status=none
    chown munge:munge "$dir/munge/munge.key"
  fi
  chmod 0400 "$dir/munge/munge.key"

  local ctld_port=16817
  until port_free "$ctld_port" && port_free $((ctld_port + 1)); do
    ctld_port=$((ctld_port + 2))
    [ "$ctld_port" -lt 17017 ] || { say "no free port pair in 16817-17017"; return 1; }
  done
  write_conf "$host" "$ctld_port" $((ctld_port + 1))

  say "starting munged"
  env "$marker" runuser -u munge -- munged --socket="$dir/munge/munge.socket" \
    --key-file="$dir/munge/munge.key" --pid-file="$dir/munge/munged.pid" \
    --log-file="$dir/munge/munged.log" --seed-file="$dir/munge/munged.seed" 2>>"$dir/log/munged.stderr"
  wait_for 10 "munged" munge -n -S "$dir/munge/munge.socket" || return 1

  say "starting slurmctld on port $ctld_port"
  env "$marker" SLURM_CONF="$conf" setsid slurmctld -D -i -f "$conf" </dev/null >>"$dir/log/slurmctld.stderr" 2>&1 &
  echo $! >"$dir/run/slurmctld.launched"
  wait_for 30 "slurmctld to answer" env SLURM_CONF="$conf" timeout 5 scontrol ping || return 1

  say "starting slurmd on port $((ctld_port + 1))"
  env "$marker" SLURM_CONF="$conf" setsid slurmd -D -N "$host" -f "$conf" </dev/null >>"$dir/log/slurmd.stderr" 2>&1 &
  echo $! >"$dir/run/slurmd.launched"
  wait_for 60 "node $host to be idle" node_idle || return 1
  say "node $host idle ($(nproc) CPUs); logs in $dir/log"
  echo "export SLURM_CONF=$conf"
}

case "$cmd" in
  start)
    if ! do_start; then
      say "start failed; stopping what was started"
      do_stop || true
      exit 1
    fi
    ;;
  stop) do_stop ;;
  status) do_status ;;
esac

#!/usr/bin/env bash
# End-to-end test of `w2s sweep submit --slurm` on a real one-node Slurm cluster (scripts/slurm/cluster.sh), on the
# built binary (it builds nothing):
#
#   swift build -c release --product w2s && scripts/check-slurm.sh [path/to/w2s]
#
# 1. A sweep of 2 datasets × 2 seeds, submitted as one job array: every task completes, `w2s sweep status` says
#    4 finished, and every run is in `w2s results`.
# 2. A second sweep of 4 runs, one task at a time (--parallel 1): one running task is cancelled (scancel JOB_TASK);
#    its run reads as interrupted and only it is unfinished; resubmitting submits only its index; then all 4 are
#    finished, the other three untouched, no run or metric is in the results twice, and the rerun's metrics equal
#    those of an uninterrupted run of the same index (run here in a fresh runs directory).
#
# Needs root (the cluster's daemons), the models (`w2s models install`, or $W2S_MODELS) and the datasets
# (../shared/datasets from the repository, or $W2S_DATA). W2S_SLURM_TIMEOUT (seconds, default 1200) bounds each
# wait for a job. Ends with "slurm: N passed, N failed"; exits non-zero if any check failed; prints the cluster's
# logs and the jobs' output when one did.
set -uo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd)

w2s=${1:-.build/release/w2s}
if [ ! -x "$w2s" ]; then
  echo "check-slurm: no binary at $w2s: run swift build -c release --product w2s first" >&2
  exit 2
fi
w2s="$(cd "$(dirname "$w2s")" && pwd)/$(basename "$w2s")"

if [ "$(id -u)" -ne 0 ]; then
  echo "check-slurm: skipped: the test cluster's daemons need root (run: sudo $0)"
  exit 0
fi
if [ -d "$repo/../shared/datasets" ]; then data=$(cd "$repo/../shared/datasets" && pwd)
elif [ -n "${W2S_DATA:-}" ] && [ -d "$W2S_DATA" ]; then data=$(cd "$W2S_DATA" && pwd)
else echo "check-slurm: no datasets (../shared/datasets or \$W2S_DATA)" >&2; exit 2
fi
export W2S_DATA=$data
timeout_s=${W2S_SLURM_TIMEOUT:-1200}
started=$SECONDS

work=$(mktemp -d /tmp/w2s-check-slurm.XXXXXX)
chmod 0755 "$work" # the cluster's munged runs as munge and must reach its socket in here
cluster=$work/cluster
runs=$work/runs
out=$work/out
mkdir -p "$out"
cleanup() {
  "$repo/scripts/slurm/cluster.sh" stop "$cluster" >/dev/null 2>&1
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

passed=0
failed=0
pass() { passed=$((passed + 1)); echo "ok: $1"; }
fail() { failed=$((failed + 1)); printf 'FAIL: %s\n%s\n' "$1" "${2:-}" | sed '2,$s/^/    /' >&2; }
# check "what" command…: passes when the command succeeds.
check() { local what=$1; shift; if "$@"; then pass "$what"; else fail "$what"; fi; }

finish() {
  if [ "$failed" -gt 0 ]; then
    echo "---- cluster logs" >&2
    for f in "$cluster"/log/*.log "$cluster"/log/*.stderr "$cluster/munge/munged.log"; do
      [ -s "$f" ] && { echo "-- $f (last 40 lines)" >&2; tail -n 40 "$f" >&2; }
    done
    for f in "$runs"/sweeps/logs/*; do
      [ -s "$f" ] && { echo "-- job output $f (last 20 lines)" >&2; tail -n 20 "$f" >&2; }
    done
  fi
  echo "check-slurm took $((SECONDS - started)) s"
  echo "slurm: $passed passed, $failed failed"
  [ "$failed" -eq 0 ]
  exit $?
}

# w2s_ok LABEL args…: runs w2s, output in $out/LABEL; records a failed check (with the output) if it exits non-zero.
w2s_ok() {
  local label=$1; shift
  if "$w2s" "$@" >"$out/$label" 2>&1 </dev/null; then
    pass "w2s $*"
    return 0
  fi
  fail "w2s $* (exit $?)" "$(tail -n 20 "$out/$label")"
  return 1
}

# expand "0-2,5%1" → 0 1 2 5 (one a line)
expand() {
  local spec=${1%%\%*} part
  for part in ${spec//,/ }; do
    if [[ $part =~ ^([0-9]+)-([0-9]+)$ ]]; then seq "${BASH_REMATCH[1]}" "${BASH_REMATCH[2]}"
    elif [[ $part =~ ^[0-9]+$ ]]; then echo "$part"
    else echo "bad:$part"
    fi
  done
}

# submitted LABEL: parses "submitted job JOBID: array INDICES" (the output's last line) into $job and $indices.
submitted() {
  local line
  line=$(tail -n 1 "$out/$1")
  if [[ $line =~ ^submitted\ job\ ([0-9]+):\ array\ ([0-9,%-]+)$ ]]; then
    job=${BASH_REMATCH[1]}
    indices=$(expand "${BASH_REMATCH[2]}" | sort -n | tr '\n' ' ')
    pass "submit printed: $line"
    return 0
  fi
  fail "submit's last line is not 'submitted job JOBID: array INDICES'" "$(tail -n 5 "$out/$1")"
  return 1
}

# wait_gone JOBID: until squeue no longer lists the job's tasks as pending/running (at most $timeout_s).
wait_gone() {
  local end=$((SECONDS + timeout_s))
  while [ -n "$(squeue -h -j "$1" -o %i 2>/dev/null)" ]; do
    if [ "$SECONDS" -ge "$end" ]; then
      fail "job $1 still queued after ${timeout_s}s" "$(squeue -j "$1" 2>&1)"
      return 1
    fi
    sleep 2
  done
  pass "job $1 left the queue"
}

# task_states JOBID: "INDEX STATE" per array task, sorted (finished jobs stay listed for MinJobAge=600 s).
task_states() { squeue -h -j "$1" -t all -o '%K %T' 2>/dev/null | sort -n; }

status_line() { "$w2s" sweep status --name "$1" --runs-dir "$runs" 2>&1 </dev/null | tail -n 1; }

# record FIELD RUN: a field of RUN's record.json.
record() {
  python3 -c 'import json,sys; print(json.load(open(sys.argv[1])).get(sys.argv[2], ""))' "$runs/$2/record.json" "$1" 2>/dev/null
}
# run_ids: the runs in the runs directory (folders with a record.json), sorted.
run_ids() { for f in "$runs"/*/record.json; do [ -f "$f" ] && basename "$(dirname "$f")"; done | sort; }
# metric_rows RUN: lines of `w2s results` for RUN.
metric_rows() { awk -F'\t' -v r="$1" '$1 == r' "$out/results" | wc -l; }

echo "check-slurm: starting a test cluster in $cluster"
if ! conf_line=$("$repo/scripts/slurm/cluster.sh" start "$cluster" 2>"$out/cluster-start"); then
  fail "the test cluster starts" "$(cat "$out/cluster-start")"
  finish
fi
eval "$conf_line" # export SLURM_CONF=…
pass "the test cluster starts (node idle)"

common=(--sizes 40,40,20,40 --weak all-MiniLM-L6-v2@1 --strong all-MiniLM-L6-v2@2 --max-length 32 --loss xent
  --data-dir "$data" --runs-dir "$runs")

# ---- 1. A whole sweep on the cluster.
w2s_ok plan1 sweep plan --name s1 --dataset sst2,twitter_sentiment --seeds 0,1 "${common[@]}" || finish
check "the plan is saved as sweeps/s1.json" test -s "$runs/sweeps/s1.json"
w2s_ok submit1 sweep submit --name s1 --runs-dir "$runs" --slurm --time 00:30:00 --mem 2G --cpus-per-task 1 || finish
submitted submit1 || finish
check "the first submission's array is 0 1 2 3" test "$indices" = "0 1 2 3 "
sbatch1=$(ls "$runs"/sweeps/s1-*.sbatch 2>/dev/null | head -n 1)
check "the batch script is written (sweeps/s1-<stamp>.sbatch)" test -n "$sbatch1"
settings=$(scontrol show job "$job" 2>&1)
check "sbatch got --time 00:30:00" grep -q 'TimeLimit=00:30:00' <<<"$settings"
check "sbatch got --cpus-per-task 1" grep -q 'MinCPUsNode=1' <<<"$settings"
check "sbatch got --mem 2G" grep -q 'MinMemoryNode=2G' <<<"$settings"
wait_gone "$job"
states=$(task_states "$job")
check "every task of job $job completed" test "$states" = "$(printf '0 COMPLETED\n1 COMPLETED\n2 COMPLETED\n3 COMPLETED')"
[ "$states" = "$(printf '0 COMPLETED\n1 COMPLETED\n2 COMPLETED\n3 COMPLETED')" ] || echo "$states" >&2
logs=$(ls "$runs/sweeps/logs" 2>/dev/null | grep -cE "^s1-${job}_[0-9]+\.out$")
check "each task wrote its log sweeps/logs/s1-${job}_<task>.out (found $logs)" test "$logs" -eq 4
line=$(status_line s1)
check "sweep status: $line" test "$line" = "sweep s1: 4 finished, 0 running, 0 interrupted, 0 failed, 0 pending (of 4)"
s1_runs=$(run_ids)
check "4 run folders with a record.json ($(echo $s1_runs))" test "$(wc -w <<<"$s1_runs")" -eq 4
"$w2s" results --runs-dir "$runs" >"$out/results" 2>&1 </dev/null
for r in $s1_runs; do
  check "$r is finished in record.json and has metrics in w2s results" \
    test "$(record status "$r")" = finished -a "$(metric_rows "$r")" -gt 0
done
count=$("$w2s" results --runs-dir "$runs" --sql "SELECT count(*) FROM runs WHERE status='finished'" 2>&1 </dev/null | tail -n 1)
check "w2s results --sql counts 4 finished runs (got $count)" test "$count" = 4

# ---- 2. Cancel one running task, resubmit: only it runs again.
w2s_ok plan2 sweep plan --name s2 --dataset sst2,twitter_sentiment --seeds 0,1 \
  "${common[@]/40,40,20,40/200,200,60,200}" || finish
w2s_ok submit2 sweep submit --name s2 --runs-dir "$runs" --slurm --parallel 1 --time 00:30:00 --mem 2G \
  --cpus-per-task 1 || finish
submitted submit2 || finish
job2=$job
check "the second submission's array is 0 1 2 3" test "$indices" = "0 1 2 3 "
check "--parallel 1 throttles the array to one task (ArrayTaskThrottle=1)" \
  grep -q 'ArrayTaskThrottle=1' <<<"$(scontrol show job "$job2" 2>&1)"

# Wait for a running task whose run has recorded itself as running, then cancel that task.
victim_task="" victim_run=""
end=$((SECONDS + timeout_s))
while [ -z "$victim_run" ] && [ "$SECONDS" -lt "$end" ]; do
  task=$(squeue -h -j "$job2" -t RUNNING -o %K 2>/dev/null | head -n 1)
  if [ -n "$task" ]; then
    for r in $(run_ids); do
      grep -qxF "$r" <<<"$s1_runs" && continue
      if [ "$(record status "$r")" = running ]; then victim_task=$task; victim_run=$r; fi
    done
  fi
  [ -n "$victim_run" ] || sleep 0.5
done
if [ -z "$victim_run" ]; then
  fail "a task of job $job2 runs and its run records itself as running" "$(squeue -j "$job2" -t all 2>&1)"
  finish
fi
pass "task $victim_task of job $job2 runs $victim_run"
check "scancel ${job2}_$victim_task" scancel "${job2}_$victim_task"
wait_gone "$job2"
states=$(task_states "$job2")
check "task $victim_task was cancelled and the other three completed ($(echo $states))" test "$(
  awk -v t="$victim_task" '($1 == t && $2 == "CANCELLED") || ($1 != t && $2 == "COMPLETED")' <<<"$states" | wc -l)" -eq 4
line=$(status_line s2)
check "sweep status: $line" test "$line" = "sweep s2: 3 finished, 0 running, 1 interrupted, 0 failed, 0 pending (of 4)"
s2_runs=$(run_ids | grep -vxF -f <(echo "$s1_runs"))
check "4 runs of s2 ($(echo $s2_runs))" test "$(wc -w <<<"$s2_runs")" -eq 4
for r in $s2_runs; do
  if [ "$r" = "$victim_run" ]; then
    st=$(record status "$r")
    check "the cancelled run $r is not finished (record.json: $st)" test "$st" != finished
  else
    check "$r finished" test "$(record status "$r")" = finished
  fi
done
before=$(for r in $s2_runs; do echo "$r $(record created "$r") $(record finished "$r")"; done)
# Seen from another node (a login node), the cancelled run's pid means nothing and it reads "running"; its Slurm
# task id, gone from the queue, is what tells the resubmission it is lost.
check "the cancelled run records its Slurm task ${job2}_$victim_task" test "$(record slurmJob "$victim_run")" = "${job2}_$victim_task"
python3 - "$runs/$victim_run/record.json" <<'PY'
import json, sys
path = sys.argv[1]
record = json.load(open(path)); record["host"] = "another-node"
json.dump(record, open(path, "w"))
PY
line=$(status_line s2)
check "from another node it reads running: $line" test "$line" = "sweep s2: 3 finished, 1 running, 0 interrupted, 0 failed, 0 pending (of 4)"

w2s_ok resubmit2 sweep submit --name s2 --runs-dir "$runs" --slurm --parallel 1 --time 00:30:00 --mem 2G \
  --cpus-per-task 1 || finish
submitted resubmit2 || finish
job3=$job
check "the resubmission names the run lost from the queue" grep -q "resubmitting 1 runs whose Slurm task is gone from the queue: $victim_task" "$out/resubmit2"
check "the resubmission's array is only the cancelled index $victim_task (got ${indices% })" test "$indices" = "$victim_task "
check "the resubmission is a new job ($job3 after $job2)" test "$job3" -gt "$job2"
wait_gone "$job3"
check "task $victim_task of job $job3 completed" test "$(task_states "$job3")" = "$victim_task COMPLETED"
line=$(status_line s2)
check "sweep status: $line" test "$line" = "sweep s2: 4 finished, 0 running, 0 interrupted, 0 failed, 0 pending (of 4)"
line=$(status_line s1)
check "s1 untouched: $line" test "$line" = "sweep s1: 4 finished, 0 running, 0 interrupted, 0 failed, 0 pending (of 4)"
after=$(for r in $s2_runs; do echo "$r $(record created "$r") $(record finished "$r")"; done)
check "the three finished runs of s2 did not run again (same created/finished times)" \
  test "$(grep -vF "$victim_run " <<<"$before")" = "$(grep -vF "$victim_run " <<<"$after")"

# No duplicates: each run once in the store, each metric once, and the rerun gives what one uninterrupted run gives.
"$w2s" results --runs-dir "$runs" --sql "SELECT id, count(*) FROM runs GROUP BY id" >"$out/sql-ids" 2>&1 </dev/null
rows=$(tail -n +2 "$out/sql-ids" | grep -c . || true)
ones=$(tail -n +2 "$out/sql-ids" | awk '$NF == 1' | wc -l)
check "each of the 8 runs is in the store once (SELECT id, count(*): $rows rows, $ones of count 1)" \
  test "$rows" -eq 8 -a "$ones" -eq 8
"$w2s" results --runs-dir "$runs" >"$out/results" 2>&1 </dev/null
for r in $s2_runs; do
  n=$(metric_rows "$r")
  want=$(python3 -c 'import json,sys; print(sum(len(m) for m in json.load(open(sys.argv[1]))["metrics"].values()))' \
    "$runs/$r/record.json" 2>/dev/null)
  check "w2s results lists each metric of $r once ($n rows, $want in its record.json)" test "$n" -gt 0 -a "$n" = "$want"
done
# What a single, uninterrupted run of the cancelled index gives: the same plan run here in a fresh runs directory.
# (The count of metrics differs between runs: a PGR is left out where the ceiling does not beat the weak model.)
mkdir -p "$work/ref/sweeps" && cp "$runs/sweeps/s2.json" "$work/ref/sweeps/"
if OPENBLAS_NUM_THREADS=1 "$w2s" sweep run --name s2 --runs-dir "$work/ref" --index "$victim_task" --data-dir "$data" \
  --quiet >"$out/ref" 2>&1 </dev/null; then
  "$w2s" results --runs-dir "$work/ref" >"$out/ref-results" 2>&1 </dev/null
  awk -F'\t' -v r="$victim_run" '$1 == r' "$out/ref-results" >"$out/ref-rows"
  awk -F'\t' -v r="$victim_run" '$1 == r' "$out/results" >"$out/rerun-rows"
  check "the cancelled and resubmitted run has the rows of one uninterrupted run ($(wc -l <"$out/rerun-rows") and $(wc -l <"$out/ref-rows"))" \
    test "$(wc -l <"$out/rerun-rows")" -eq "$(wc -l <"$out/ref-rows")" -a "$(wc -l <"$out/ref-rows")" -gt 0
  if cmp -s "$out/rerun-rows" "$out/ref-rows"; then pass "… and the same metric values"
  else fail "the resubmitted run's metrics differ from an uninterrupted run's" "$(diff "$out/rerun-rows" "$out/ref-rows")"
  fi
else
  fail "w2s sweep run --index $victim_task in a fresh runs directory (the reference run)" "$(tail -n 20 "$out/ref")"
fi

finish

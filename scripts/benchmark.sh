#!/usr/bin/env bash
# The cross-dataset benchmark (RESULTS.md, docs/benchmark/): plan it, run it (resumable, across sessions and
# machines), export its compact results into docs/benchmark/runs, and rebuild the report from them.
#
#   scripts/benchmark.sh plan   [RUNS]   write the sweep plans (head, lora) into RUNS (default: runs-benchmark)
#   scripts/benchmark.sh run    [RUNS]   run every unfinished run here, after importing the committed finished ones
#                                        from docs/benchmark/runs (or: w2s sweep submit --name … --slurm)
#   scripts/benchmark.sh export [RUNS]   copy each finished run's record, config, metrics, curves, predictions and
#                                        results.md (not caches, splits or stage files) into docs/benchmark/runs
#   scripts/benchmark.sh report          docs/benchmark/report.html from docs/benchmark/runs (no rerun needed)
set -euo pipefail
cd "$(dirname "$0")/.."
w2s=${W2S:-.build/release/w2s}
. scripts/bench/compact-runs.sh
runs=${2:-runs-benchmark}
# Every registered task, as `w2s datasets list` names them.
datasets=$($w2s datasets list | awk '$1 ~ /^[a-z0-9_]+$/ && $2 ~ /^[0-9–-]+$/ { print $1 }' | paste -sd, -)
case "${1:-}" in
  plan)
    # Head mode: every task, the four losses, every intervention, three seeds, 1000/1000/300/1000 where the
    # pool allows (the split sizes are capped by the data; the report states the sizes each run used).
    $w2s sweep plan --name head --append --dataset "$datasets" --mode head --loss xent,logconf,entropy,window --methods all \
      --seeds 0,1,2 --sizes 1000,1000,300,1000 --runs-dir "$runs"
    # Finetuned: LoRA on the default top K layers, the xent and logconf students, the same seeds and sizes (per task
    # and seed on 2 cores: a few minutes on short-text tasks such as SST-2, ~16 min on 128-token tasks; RESULTS.md).
    $w2s sweep plan --name lora --append --dataset "$datasets" --mode lora --loss xent,logconf \
      --seeds 0,1,2 --sizes 1000,1000,300,1000 --runs-dir "$runs"
    ;;
  run)
    import_compact_runs docs/benchmark/runs "$runs"   # what finished elsewhere (committed) is not run again
    for plan in head lora; do $w2s sweep run --name "$plan" --runs-dir "$runs" --quiet; done
    ;;
  export)
    export_compact_runs "$runs" docs/benchmark/runs
    ;;
  report)
    $w2s report --runs-dir docs/benchmark/runs --output docs/benchmark/report.html
    ;;
  *) sed -n '2,11p' "$0"; exit 2 ;;
esac

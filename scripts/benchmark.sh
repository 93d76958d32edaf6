#!/usr/bin/env bash
# The cross-dataset benchmark (RESULTS.md, docs/benchmark/): plan it, run it (resumable, across sessions and
# machines), export its compact results into docs/benchmark/runs, and rebuild the report from them.
#
#   scripts/benchmark.sh plan   [RUNS]   write the sweep plans into RUNS (default: runs-benchmark)
#   scripts/benchmark.sh run    [RUNS]   run every unfinished run here (or: w2s sweep submit --name … --slurm)
#   scripts/benchmark.sh export [RUNS]   copy each finished run's record, config, metrics, curves and predictions
#                                        (not caches, splits or stage files) into docs/benchmark/runs
#   scripts/benchmark.sh report          docs/benchmark/report.html from docs/benchmark/runs (no rerun needed)
set -euo pipefail
cd "$(dirname "$0")/.."
w2s=${W2S:-.build/release/w2s}
runs=${2:-runs-benchmark}
# Every registered task, as `w2s datasets list` names them.
datasets=$($w2s datasets list | awk '$1 ~ /^[a-z0-9_]+$/ && $2 ~ /^[0-9–-]+$/ { print $1 }' | paste -sd, -)
case "${1:-}" in
  plan)
    # Head mode: every task, the four losses, every intervention, three seeds, 1000/1000/300/1000 where the
    # pool allows (the split sizes are capped by the data; the report states the sizes each run used).
    $w2s sweep plan --name head --dataset "$datasets" --mode head --loss xent,logconf,entropy,window --methods all \
      --seeds 0,1,2 --sizes 1000,1000,300,1000 --runs-dir "$runs"
    ;;
  run)
    for plan in head; do $w2s sweep run --name "$plan" --runs-dir "$runs" --quiet; done
    ;;
  export)
    out=docs/benchmark/runs
    mkdir -p "$out"
    for dir in "$runs"/*/; do
      name=$(basename "$dir")
      [ -f "$dir/record.json" ] && grep -q '"finished"' "$dir/record.json" || continue
      mkdir -p "$out/$name"
      for f in record.json config.json metrics.json curves.csv predictions.csv; do
        [ -f "$dir/$f" ] && cp "$dir/$f" "$out/$name/$f"
      done
    done
    echo "exported $(ls "$out" | wc -l) finished runs to $out"
    ;;
  report)
    $w2s report --runs-dir docs/benchmark/runs --output docs/benchmark/report.html
    ;;
  *) sed -n '2,11p' "$0"; exit 2 ;;
esac

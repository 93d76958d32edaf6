#!/usr/bin/env bash
# Which registry tasks become informative when the strong model is finetuned (issue 11, item 5; RESULTS.md):
# every task at 400/400/150/400, seed 0, the xent student only, in head mode and with top-K-layer LoRA (K = 1,
# the default), then per task weak AUC, ceiling AUC and ceiling − weak with its 95% paired bootstrap interval, side by
# side. Resumable: rerun to continue (finished runs are skipped).
#
#   scripts/bench/informative.sh plan|run|table|export [RUNS_DIR] [K] [HEAD_INPUT]
#   (default runs-informative, K = 1, the LoRA head reading standardised features; `table … 1 raw` shows the LoRA
#   runs of 2026-12-05 morning, whose head read raw features)
#   run imports the committed finished runs of docs/benchmark/informative/runs first; export copies the finished
#   runs there (compact: no caches); table docs/benchmark/informative/runs rebuilds the table from them.
#   W2S=path/to/w2s to choose the binary.
set -euo pipefail
cd "$(dirname "$0")/../.."
w2s=${W2S:-.build/release/w2s}
. scripts/bench/compact-runs.sh
committed=docs/benchmark/informative/runs
runs=${2:-runs-informative}
k=${3:-1}
head_input=${4:-standardised}
sizes=400,400,150,400
datasets=$($w2s datasets list | awk '$1 ~ /^[a-z0-9_]+$/ && $2 ~ /^[0-9–-]+$/ { print $1 }' | paste -sd, -)
case "${1:-}" in
  plan)
    # --append: planning again after the registry grew (e.g. the question-first variants) adds only the new tasks.
    $w2s sweep plan --name informative-head --append --dataset "$datasets" --mode head --loss xent --sizes $sizes --runs-dir "$runs"
    $w2s sweep plan --name "informative-lora-top$k" --append --dataset "$datasets" --mode lora --train-layers "$k" --loss xent \
      --head-input "$head_input" --sizes $sizes --runs-dir "$runs"
    ;;
  run)
    import_compact_runs $committed "$runs"
    # Head mode first (minutes for the whole registry), then LoRA.
    $w2s sweep run --name informative-head --runs-dir "$runs" --quiet
    $w2s sweep run --name "informative-lora-top$k" --runs-dir "$runs" --quiet
    ;;
  table)
    # One row per task: head mode's and LoRA's weak AUC, ceiling AUC, ceiling − weak with its 95% paired bootstrap
    # interval, whether the gap is informative (interval above 0 and gap ≥ 0.05), and LoRA's seconds (all stages,
    # frozen states included).
    $w2s results --runs-dir "$runs" --sql "
      WITH g AS (
        SELECT r.dataset, r.mode, w.value AS weak, c.value AS ceiling, lo.value AS lo, hi.value AS hi,
               (SELECT sum(seconds) FROM stage_timings t WHERE t.run_id = r.id) AS seconds
        FROM runs r
        JOIN metrics w ON w.run_id = r.id AND w.stage = 'weak' AND w.name = 'test_auc'
        JOIN metrics c ON c.run_id = r.id AND c.stage = 'ceiling' AND c.name = 'test_auc'
        LEFT JOIN metrics lo ON lo.run_id = r.id AND lo.stage = 'ceiling' AND lo.name = 'gap_auc_ci_low'
        LEFT JOIN metrics hi ON hi.run_id = r.id AND hi.stage = 'ceiling' AND hi.name = 'gap_auc_ci_high'
        WHERE r.status = 'finished' AND (r.mode = 'head' OR (r.train_layers = '$k' AND r.head_input = '$head_input')))
      SELECT d.dataset,
             printf('%.3f / %.3f', h.weak, h.ceiling) AS head_weak_ceiling,
             printf('%+.3f [%.3f, %.3f]', h.ceiling - h.weak, h.lo, h.hi) AS head_gap,
             CASE WHEN h.dataset IS NULL THEN '' WHEN h.lo > 0 AND h.ceiling - h.weak >= 0.05 THEN 'yes' ELSE 'no' END AS head_informative,
             CASE WHEN l.dataset IS NOT NULL THEN printf('%.3f / %.3f', l.weak, l.ceiling) END AS lora_weak_ceiling,
             CASE WHEN l.dataset IS NOT NULL THEN printf('%+.3f [%.3f, %.3f]', l.ceiling - l.weak, l.lo, l.hi) END AS lora_gap,
             CASE WHEN l.dataset IS NULL THEN '' WHEN l.lo > 0 AND l.ceiling - l.weak >= 0.05 THEN 'yes' ELSE 'no' END AS lora_informative,
             CASE WHEN l.dataset IS NOT NULL THEN printf('%.0f', l.seconds) END AS lora_seconds
      FROM (SELECT DISTINCT dataset FROM g) d
      LEFT JOIN g h ON h.dataset = d.dataset AND h.mode = 'head'
      LEFT JOIN g l ON l.dataset = d.dataset AND l.mode = 'lora'
      ORDER BY d.dataset"
    ;;
  export) export_compact_runs "$runs" $committed ;;
  *) sed -n '2,9p' "$0"; exit 2 ;;
esac

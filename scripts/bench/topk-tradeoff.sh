#!/usr/bin/env bash
# The top-K-layer trade-off of issue 11 (RESULTS.md, "Top-K-layer LoRA"): lora, xent student, seed 0, the finetuned
# head reading standardised features (the default since 2026-12-05):
#   standardised-sst2  SST-2, K = 1 against all 12 layers, at 300/300/150/300 and 1000/1000/300/1000 (an MPNet stage
#                      through all layers costs ~12× a top-1 stage: ~20 min at 1,000 examples on 2 cores)
#   standardised-qa    SciQ and BoolQ, where one layer stays at chance, K = 1 against K = 4 at 400/400/150/400
#   standardised-fp16  the frozen token states stored in fp16 against fp32: SST-2 at 1000, SciQ at 400, K = 1
# Rerun it to resume (finished runs are skipped). The rows with the raw head input (K = 1, 2 and all, 2026-11-29 to
# 12-05) came from earlier versions of this script (git history); their runs are committed and stay in the table.
#   scripts/bench/topk-tradeoff.sh [RUNS_DIR]         (default runs-topk; W2S=path/to/w2s to choose the binary)
#   scripts/bench/topk-tradeoff.sh export [RUNS_DIR]  copy the finished runs into docs/benchmark/topk-tradeoff/runs
#                                                    (compact: no caches); a run imports them first, so the sweep
#                                                    resumes on a fresh machine
#   scripts/bench/topk-tradeoff.sh table [RUNS_DIR]   the table: per run K, test AUCs and each stage's seconds (wall;
#                                                    CPU seconds too, which other work on the machine barely changes)
set -euo pipefail
cd "$(dirname "$0")/../.."
w2s=${W2S:-.build/release/w2s}
. scripts/bench/compact-runs.sh
committed=docs/benchmark/topk-tradeoff/runs
if [ "${1:-}" = export ]; then export_compact_runs "${2:-runs-topk}" $committed; exit; fi
if [ "${1:-}" = table ]; then
  $w2s results --runs-dir "${2:-runs-topk}" --sql "
    SELECT r.dataset, r.sizes, r.train_layers AS k, r.frozen_precision AS states, r.head_input,
           (SELECT max(value) FROM metrics m WHERE m.run_id = r.id AND m.stage = 'weak' AND m.name = 'test_auc') AS weak_auc,
           (SELECT max(value) FROM metrics m WHERE m.run_id = r.id AND m.stage = 'ceiling' AND m.name = 'test_auc') AS ceiling_auc,
           (SELECT max(value) FROM metrics m WHERE m.run_id = r.id AND m.stage = 'student-xent' AND m.name = 'test_auc') AS student_auc,
           (SELECT max(value) FROM metrics m WHERE m.run_id = r.id AND m.stage = 'student-xent' AND m.name = 'pgr_auc') AS pgr,
           (SELECT printf('%.0f', sum(seconds)) FROM stage_timings t WHERE t.run_id = r.id AND t.stage LIKE 'weak%') AS weak_s,
           (SELECT printf('%.0f', sum(seconds)) FROM stage_timings t WHERE t.run_id = r.id AND t.stage LIKE 'ceiling%') AS ceiling_s,
           (SELECT printf('%.0f', sum(seconds)) FROM stage_timings t WHERE t.run_id = r.id AND t.stage LIKE 'student%') AS student_s,
           (SELECT printf('%.0f', sum(seconds)) FROM stage_timings t WHERE t.run_id = r.id AND t.stage LIKE 'activations%') AS frozen_s,
           (SELECT CASE WHEN count(cpu_seconds) > 0 THEN printf('%.0f', sum(cpu_seconds)) END FROM stage_timings t WHERE t.run_id = r.id AND t.stage LIKE 'ceiling%') AS ceiling_cpu_s,
           (SELECT CASE WHEN count(cpu_seconds) > 0 THEN printf('%.0f', sum(cpu_seconds)) END FROM stage_timings t WHERE t.run_id = r.id AND t.stage LIKE 'student%') AS student_cpu_s,
           (SELECT CASE WHEN count(cpu_seconds) > 0 THEN printf('%.0f', sum(cpu_seconds)) END FROM stage_timings t WHERE t.run_id = r.id AND t.stage LIKE 'activations%') AS frozen_cpu_s,
           (SELECT group_concat(stage, '; ') FROM stage_timings t WHERE t.run_id = r.id AND t.cached = 1) AS cached
    FROM runs r WHERE r.status = 'finished' ORDER BY r.head_input, r.dataset, r.sizes, r.train_layers, r.frozen_precision"
  exit
fi
runs=${1:-runs-topk}
import_compact_runs $committed "$runs"
if [ ! -f "$runs/sweeps/standardised-sst2.json" ]; then
  for sizes_k in "300,300,150,300 1" "300,300,150,300 all" "1000,1000,300,1000 1" "1000,1000,300,1000 all"; do
    set -- $sizes_k
    $w2s sweep plan --name standardised-sst2 --append --dataset sst2 --mode lora --train-layers $2 --head-input standardised \
      --loss xent --sizes $1 --runs-dir "$runs"
  done
fi
if [ ! -f "$runs/sweeps/standardised-qa.json" ]; then
  for k in 1 4; do
    $w2s sweep plan --name standardised-qa --append --dataset sciq,boolq --mode lora --train-layers $k --head-input standardised \
      --loss xent --sizes 400,400,150,400 --runs-dir "$runs"
  done
fi
if [ ! -f "$runs/sweeps/standardised-fp16.json" ]; then
  for dataset_sizes in "sst2 1000,1000,300,1000" "sciq 400,400,150,400"; do
    set -- $dataset_sizes
    $w2s sweep plan --name standardised-fp16 --append --dataset $1 --mode lora --train-layers 1 --frozen-precision fp16 \
      --head-input standardised --loss xent --sizes $2 --runs-dir "$runs"
  done
fi
# The cheap rows first: the 300-example pair, the fp16 rows, the QA rows, then full depth at 1,000.
for i in 0 1; do $w2s sweep run --name standardised-sst2 --index $i --runs-dir "$runs" --quiet; done
$w2s sweep run --name standardised-fp16 --runs-dir "$runs" --quiet
$w2s sweep run --name standardised-qa --runs-dir "$runs" --quiet
$w2s sweep run --name standardised-sst2 --runs-dir "$runs" --quiet

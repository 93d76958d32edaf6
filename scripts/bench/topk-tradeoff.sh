#!/usr/bin/env bash
# The top-K-layer trade-off of issue 11 (RESULTS.md): lora, xent student, seed 0; K ∈ {1, 2, 4, all} on SST-2, SciQ
# and BoolQ at 1000/1000/300/1000 (K = all only on SST-2 at that size: an MPNet stage through all 12 layers costs
# ~12× a top-1 stage, ~14 min there), SST-2 at 300/300/150/300 with K = 1 and all, the same K on SciQ and BoolQ at
# 300/300/150/300 to compare with full depth, and fp16 frozen states once. Plans once, then runs the cheap rows
# first; rerun it to resume (finished runs are skipped).
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
sizes=1000,1000,300,1000
import_compact_runs $committed "$runs"
if [ ! -f "$runs/sweeps/tradeoff.json" ]; then
  $w2s sweep plan --name tradeoff --dataset sst2,sciq,boolq --mode lora --train-layers 1 --loss xent --sizes $sizes --runs-dir "$runs"
  for k in 2 4; do
    $w2s sweep plan --name tradeoff --append --dataset sst2,sciq,boolq --mode lora --train-layers $k --loss xent --sizes $sizes --runs-dir "$runs"
  done
  $w2s sweep plan --name tradeoff --append --dataset sst2 --mode lora --train-layers 2 --frozen-precision fp16 --loss xent --sizes $sizes --runs-dir "$runs"
  $w2s sweep plan --name tradeoff --append --dataset sst2,sciq,boolq --mode lora --train-layers all --loss xent --sizes $sizes --runs-dir "$runs"
fi
if [ ! -f "$runs/sweeps/tradeoff-small.json" ]; then
  for k in 1 2 4 all; do
    $w2s sweep plan --name tradeoff-small $([ $k != 1 ] && echo --append) --dataset sciq,boolq --mode lora --train-layers $k \
      --loss xent --sizes 300,300,150,300 --runs-dir "$runs"
  done
fi
# SST-2 at 300/300/150/300, K = 1 against all layers: full depth at a size where it costs minutes, not an hour.
if [ ! -f "$runs/sweeps/tradeoff-sst2-300.json" ]; then
  for k in 1 all; do
    $w2s sweep plan --name tradeoff-sst2-300 --append --dataset sst2 --mode lora --train-layers $k --loss xent \
      --sizes 300,300,150,300 --runs-dir "$runs"
  done
fi
# The same pair and K = 1 against all layers at 1000/1000/300/1000, with the finetuned head reading standardised
# features (the default since 2026-12-05; every plan above was made before, so its runs read raw features).
if [ ! -f "$runs/sweeps/standardised-sst2.json" ]; then
  for sizes_k in "300,300,150,300 1" "300,300,150,300 all" "$sizes 1" "$sizes all"; do
    set -- $sizes_k
    $w2s sweep plan --name standardised-sst2 --append --dataset sst2 --mode lora --train-layers $2 --head-input standardised \
      --loss xent --sizes $1 --runs-dir "$runs"
  done
fi
# K = 4 against K = 1 where one layer stays at chance (SciQ, BoolQ), standardised, at the informative table's sizes.
if [ ! -f "$runs/sweeps/standardised-qa.json" ]; then
  for k in 1 4; do
    $w2s sweep plan --name standardised-qa --append --dataset sciq,boolq --mode lora --train-layers $k --head-input standardised \
      --loss xent --sizes 400,400,150,400 --runs-dir "$runs"
  done
fi
$w2s sweep run --name standardised-sst2 --index 0 --runs-dir "$runs" --quiet
$w2s sweep run --name standardised-sst2 --index 1 --runs-dir "$runs" --quiet
$w2s sweep run --name standardised-qa --runs-dir "$runs" --quiet
$w2s sweep run --name standardised-sst2 --runs-dir "$runs" --quiet
$w2s sweep run --name tradeoff-sst2-300 --runs-dir "$runs" --quiet
# Plan indices 0–10: K = 1, 2, 4 on the three tasks, fp16, K = all on SST-2; then the small plan; then K = all at
# 1000 on SciQ and BoolQ (indices 11, 12), hours each on 2 cores.
for i in 0 1 2 3 4 5 6 7 8 9 10; do $w2s sweep run --name tradeoff --index $i --runs-dir "$runs" --quiet; done
$w2s sweep run --name tradeoff-small --runs-dir "$runs" --quiet
for i in 11 12; do $w2s sweep run --name tradeoff --index $i --runs-dir "$runs" --quiet; done

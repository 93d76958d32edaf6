#!/usr/bin/env bash
# End-to-end checks of the w2s command line, on the built binary: every bad flag is refused before any work, with
# its reason; a run on your own file needs no dataset folder; --help shows the defaults.
#
#   swift build -c release --product w2s && scripts/check-cli.sh [path/to/w2s]
#
# Runs in an empty temporary directory with W2S_MODELS and HOME pointing at empty folders and W2S_DATA unset, so a
# flag that slips through validation fails on the missing dataset or models (not the expected message) instead
# of training. The directory sits 7 levels below the temporary folder: w2s looks for a shared/datasets up to 6
# levels above the working directory, and a machine may well hold one beside /tmp's entries (CI puts the
# repository's ../shared at /tmp/shared). Ends with "N passed, N failed"; exits non-zero if any check failed.
set -uo pipefail
cd "$(dirname "$0")/.."

w2s=${1:-.build/release/w2s}
if [ ! -x "$w2s" ]; then
  echo "check-cli: no binary at $w2s: run swift build -c release --product w2s first" >&2
  exit 2
fi
w2s="$(cd "$(dirname "$w2s")" && pwd)/$(basename "$w2s")"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/no-models" "$work/home" "$work/1/2/3/4/5/6/7"
cd "$work/1/2/3/4/5/6/7"
export W2S_MODELS="$work/no-models" HOME="$work/home"
unset W2S_DATA W2S_DATA_MIRROR OPENBLAS_CORETYPE OPENBLAS_THREAD_TIMEOUT

passed=0
failed=0
fail() { failed=$((failed + 1)); printf 'FAIL: %s\n%s\n\n' "$1" "$2" | sed 's/^/  /' >&2; }

# refuse "expected message" w2s-arguments…: a clean error exit (not 0, not a timeout, not a signal) saying so.
refuse() {
  local want=$1; shift
  local out rc
  out=$(timeout 30 "$w2s" "$@" 2>&1 </dev/null); rc=$?
  if [ "$rc" -eq 0 ] || [ "$rc" -eq 124 ] || [ "$rc" -ge 128 ]; then
    fail "w2s $* (exit $rc, wanted an error saying: $want)" "$out"
  elif ! grep -qF -- "$want" <<<"$out"; then
    fail "w2s $* (exit $rc, message lacks: $want)" "$out"
  else
    passed=$((passed + 1))
  fi
}

# shows "expected text" w2s-arguments…: exit 0 and the text in the output, line breaks and runs of spaces as one.
shows() {
  local want=$1; shift
  local out rc
  out=$(timeout 30 "$w2s" "$@" 2>&1 </dev/null); rc=$?
  local flat
  flat=$(tr -s ' \n' '  ' <<<"$out" | tr -s ' ')
  if [ "$rc" -ne 0 ] || ! grep -qF -- "$want" <<<"$flat"; then
    fail "w2s $* (exit $rc, output lacks: $want)" "$out"
  else
    passed=$((passed + 1))
  fi
}

# Training: counts, learning rates, losses, α.
refuse "--epochs must be ≥ 1" run --dataset sst2 --epochs=-1
refuse "--epochs must be ≥ 1" run --dataset sst2 --epochs 0
refuse "--lr-strong must be a finite number > 0" run --dataset sst2 --lr-strong=-1
refuse "--lr-strong must be a finite number > 0" run --dataset sst2 --lr-strong nan
refuse "--lr-strong must be a finite number > 0" run --dataset sst2 --lr-strong inf
refuse "--lr-weak must be a finite number > 0" run --dataset sst2 --lr-weak 0
refuse "--lora-rank must be ≥ 1" run --dataset sst2 --mode lora --lora-rank 0
refuse "--train-layers must be ≥ 1" run --dataset sst2 --mode lora --train-layers 0
refuse "--train-layers applies to --mode lora and full" run --dataset sst2 --train-layers 2
refuse "--frozen-precision applies only with --train-layers K" run --dataset sst2 --mode lora --train-layers all --frozen-precision fp16
refuse "--train-layers applies to --mode lora and full" run --dataset sst2 --train-layers 1
refuse "--head-input applies to --mode lora and full" run --dataset sst2 --head-input raw
refuse "--max-size: write a size like 20G" cache prune --max-size lots
refuse "--batch-size must be ≥ 1" run --dataset sst2 --batch-size 0
refuse "--micro-batch-size must be ≥ 1" run --dataset sst2 --micro-batch-size 0
refuse "--eval-every must be ≥ 1" run --dataset sst2 --eval-every 0
refuse "--alpha and --alpha-warmup must lie in [0, 1]" run --dataset sst2 --alpha 1.5
refuse "--alpha and --alpha-warmup must lie in [0, 1]" run --dataset sst2 --alpha-warmup=-0.1
refuse "--alpha and --alpha-warmup must lie in [0, 1]" run --dataset sst2 --alpha nan
refuse "--loss needs at least one loss" run --dataset sst2 --loss ""
refuse "--loss needs at least one loss" run --dataset sst2 --loss "" --methods probe
refuse "is invalid for '--loss" run --dataset sst2 --loss xent,,logconf
refuse "is invalid for '--loss" run --dataset sst2 --loss xent,fancy
refuse "--loss lists 'xent' more than once" run --dataset sst2 --loss xent,ce
refuse "--gce-q must lie in (0, 1]" run --dataset sst2 --loss gce --gce-q 0
refuse "--gce-q must lie in (0, 1]" run --dataset sst2 --gce-q 1.5
refuse "--sce-alpha and --sce-beta must be finite numbers ≥ 0, not both 0" run --dataset sst2 --sce-alpha 0 --sce-beta 0
refuse "--sce-alpha and --sce-beta must be finite numbers ≥ 0, not both 0" run --dataset sst2 --sce-beta=-1
refuse "--confident-fraction must lie in (0, 1]" run --dataset sst2 --methods confident --confident-fraction 0
refuse "--confident-fraction must lie in (0, 1]" run --dataset sst2 --confident-fraction 1.5
refuse "--seeds needs at least one seed" run --dataset sst2 --seeds ""
refuse "is invalid for '--seeds" run --dataset sst2 --seeds 0,abc
refuse "is invalid for '--seeds" run --dataset sst2 --seeds 0,,1
refuse "--seeds lists '1' more than once" run --dataset sst2 --seeds 1,2,1
refuse "is invalid for '--mode" run --dataset sst2 --mode fast

# Models.
refuse "--max-length must lie in 8…512" run --dataset sst2 --max-length 100000
refuse "position limit of the installed BERT/MPNet models" run --dataset sst2 --max-length 513
refuse "--max-length must lie in 8…512" run --dataset sst2 --max-length 0
refuse "--weak: cannot read model name" run --dataset sst2 --weak all-MiniLM-L6-v2@0
refuse "--weak: cannot read model name" run --dataset sst2 --weak paraphrase-MiniLM-L3-v2,
refuse "--weak lists 'all-MiniLM-L6-v2' more than once" run --dataset sst2 --weak all-MiniLM-L6-v2,all-MiniLM-L6-v2
refuse "--weak-ensemble combines several weak models" run --dataset sst2 --weak-ensemble boost
refuse "is invalid for '--weak-ensemble" run --dataset sst2 --weak paraphrase-MiniLM-L3-v2,all-MiniLM-L6-v2 --weak-ensemble vote
refuse "--bootstrap-pretrained-via: cannot read model name" run --dataset sst2 --bootstrap-pretrained-via x@0
refuse "--strong: cannot read model name" run --dataset sst2 --strong ""

# Data.
refuse "is invalid for '--sizes" run --dataset sst2 --sizes 40,40,abc,20,40
refuse "--sizes takes exactly four numbers ≥ 4" run --dataset sst2 --sizes 40,40,20,40,40
refuse "--sizes takes exactly four numbers ≥ 4" run --dataset sst2 --sizes 40,40,20
refuse "--sizes takes exactly four numbers ≥ 4" run --dataset sst2 --sizes 40,40,0,40
refuse "--dataset needs at least one dataset" run --dataset ""
refuse "--dataset lists 'sst2' more than once" run --dataset sst2,sst2
refuse "unknown dataset 'sst3'" run --dataset sst3
refuse "is invalid for '--dataset" run --dataset sst2,

# Interventions.
refuse "is invalid for '--methods" run --dataset sst2 --methods probe,fancy
refuse "is invalid for '--methods" run --dataset sst2 --methods all,probe
refuse "--methods lists 'probe' more than once" run --dataset sst2 --methods probe,filter,probe
refuse "--knn-k must be ≥ 1" run --dataset sst2 --knn-k 0
refuse "--topo-k must be ≥ 1" run --dataset sst2 --topo-k 0
refuse "--strong-to-strong-iterations must be ≥ 1" run --dataset sst2 --strong-to-strong-iterations 0
refuse "--filter-fraction must lie strictly between 0 and 1" run --dataset sst2 --filter-fraction 0
refuse "--filter-fraction must lie strictly between 0 and 1" run --dataset sst2 --filter-fraction 1
refuse "--logistic-penalty must be a finite number ≥ 0" run --dataset sst2 --logistic-penalty=-1
refuse "--logistic-penalty must be a finite number ≥ 0" run --dataset sst2 --logistic-penalty nan
refuse "--probe-layer must be ≥ 0" run --dataset sst2 --probe-layer=-1
refuse "--bootstrap-via needs at least one model" run --dataset sst2 --bootstrap-via ""
refuse "--bootstrap-via: cannot read model name" run --dataset sst2 --bootstrap-via all-mpnet-base-v2@x

# demo shares the checks and has its own data options.
refuse "--epochs must be ≥ 1" demo --epochs=-1
refuse "--demo-sizes takes exactly four numbers ≥ 4" demo --demo-sizes 500,500,200
refuse "--datasets lists 'sst2' more than once" demo --datasets sst2,ag_news,sst2
refuse "Unknown option '--sizes'" demo --sizes 100,100,50,100

# Your own file needs no dataset folder (there is none here): the run gets as far as loading the (absent) models.
printf '{"text": "good", "label": 1}\n{"text": "bad", "label": 0}\n' > mine.jsonl
refuse "is not installed" run --dataset mine.jsonl --quiet --runs-dir "$work/runs"
# A registered dataset still needs one, and says how to download it, before any run starts.
refuse "Download it, pinned and verified: \`w2s datasets download sst2\`" run --dataset sst2 --quiet --runs-dir "$work/runs"
refuse "w2s datasets download sst2 --data-dir $work/elsewhere" run --dataset sst2 --data-dir "$work/elsewhere" --quiet --runs-dir "$work/runs"

# Downloads: names and mirrors are checked before anything is fetched.
refuse "unknown dataset 'sst3'" datasets download sst3
refuse "--mirror: mirror 'ftp://example.invalid/d': only http://, https:// and file://" datasets download --mirror ftp://example.invalid/d sst2
refuse "--mirror: mirror '$work/no-such-mirror': there is no such folder" demo --mirror "$work/no-such-mirror"
W2S_DATA_MIRROR=gopher://x refuse "mirror 'gopher://x': only http://" datasets download sst2

# --help shows each default, from ExperimentDefaults and InterventionSettings().
shows "--epochs <epochs> Epochs. (default: 3)" run --help
shows "(values: head, lora, full; default: head)" run --help
shows "(values: xent, logconf, logconf-balanced, entropy, window, gce, sce; default: xent,logconf)" run --help
shows "(default: Zhang & Sabuncu 2018's). On soft labels its optimum is the weak label's log-odds scaled by 1/(1 − q). (default: 0.7)" run --help
shows "(default: Wang et al. 2019's for CIFAR-10). (default: 0.1)" run --help
shows "--confident-fraction <confident-fraction>" run --help
shows "--lr-weak <lr-weak> Learning rate of the weak model (default: 1e-3 head, 5e-4 lora/full)." run --help
shows "--lr-strong <lr-strong> Learning rate of the strong model (default: 1e-3 head, 5e-4 lora, 8e-5 full)." run --help
shows "(default: 32 head, 8 lora/full)" run --help
shows "Learning rates (weak/strong): 1e-3/1e-3 head, 5e-4/5e-4 lora, 5e-4/8e-5 full" run --help
shows "3 epochs, effective batch 32 by gradient accumulation, cosine schedule with 40 warm-up steps" run --help
shows "(balanced; capped by the data). (default: 1000,1000,300,1000)" run --help
shows "measured against the ensemble. (default: all-MiniLM-L6-v2)" run --help
shows "Agrawal et al. 2024" run --help
shows "Strong student/ceiling model. (default: all-mpnet-base-v2)" run --help
shows "8…512. (default: 128)" run --help
shows "Rank of the LoRA adapters (lora mode). (default: 8)" run --help
shows "(a number, or all; default 1). The layers below are frozen; their output is computed once per text" run --help
shows "activation store" cache info --runs-dir empty-runs
shows "export OPENBLAS_THREAD_TIMEOUT=4" bench --openblas-environment
shows "--seeds <seeds> Seeds, comma separated (one run each). (default: 0)" run --help
shows "of steps). (default: 0.5)" run --help
shows "its own predictions. (default: 0.2)" run --help
shows "probe-sweep, all, none; default: none)" run --help
shows "of mean-pooled activations). (default: 50)" run --help
shows "standardised activations). (default: 0.01)" run --help
shows "filtering removes. (default: 0.1)" run --help
shows "Strong-to-strong relabeling iterations. (default: 2)" run --help
shows "(default: runs)" run --help
shows "students on sst2, twitter_sentiment and ag_news" demo --help
shows "(default: sst2,twitter_sentiment,ag_news)" demo --help
shows "(default: 500,500,200,500)" demo --help
shows "(default: 1e-3 head, 5e-4 lora, 8e-5 full)" demo --help
shows "(default: \$W2S_DATA_MIRROR)" demo --help
shows "(default: \$W2S_DATA_MIRROR)" datasets download --help
shows "missing: w2s datasets download sst2" datasets list

echo "check-cli: $passed passed, $failed failed"
[ "$failed" -eq 0 ]

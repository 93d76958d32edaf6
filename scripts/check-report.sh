#!/usr/bin/env bash
# The HTML report in a real browser. Builds a small real runs directory with the built binary (SST-2 and TweetEval
# sentiment, seeds 0 and 1, xent and logconf students, one- and two-layer MiniLM so each run takes seconds) plus one
# run that fails on purpose on a file named like an HTML tag; writes `w2s report`; renders it with headless Chromium
# to a PNG and to its DOM after the page's script ran; and checks what a reader would see: every section and table,
# the script sorting every table, no error text, the failed run listed with its error and its name escaped. It also
# reruns one run's "reproduce" command from the page (everything cached: it must name the same run) and checks the
# `w2s results --format csv|jsonl` exports.
#
#   swift build -c release --product w2s && scripts/check-report.sh [path/to/w2s]
#
# Needs Debian's chromium (apt-get install -y --no-install-recommends chromium), the installed models and the
# datasets (as for the demo). Ends with "N passed, N failed"; exits non-zero if any check failed. KEEP=1 keeps the
# temporary folder (report.html, report.png) and prints where it is.
set -uo pipefail
cd "$(dirname "$0")/.."

w2s=${1:-.build/release/w2s}
if [ ! -x "$w2s" ]; then
  echo "check-report: no binary at $w2s: run swift build -c release --product w2s first" >&2
  exit 2
fi
w2s="$(cd "$(dirname "$w2s")" && pwd)/$(basename "$w2s")"
if ! command -v chromium >/dev/null && ! command -v chromium-browser >/dev/null; then
  echo "check-report: installing Debian's chromium (headless, for rendering the report)"
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends chromium >/dev/null
fi
chromium=$(command -v chromium || command -v chromium-browser || true)
if [ -z "$chromium" ]; then
  echo "check-report: no chromium: apt-get install -y --no-install-recommends chromium" >&2
  exit 2
fi

work=$(mktemp -d)
if [ "${KEEP:-0}" = 1 ]; then echo "check-report: keeping $work"; else trap 'rm -rf "$work"' EXIT; fi
runs="$work/runs"

passed=0
failed=0
fail() { failed=$((failed + 1)); printf 'FAIL: %s\n%s\n\n' "$1" "${2:-}" | sed 's/^/  /' >&2; }
# check "what" command…: passes when the command succeeds.
check() {
  local what=$1; shift
  if "$@" >/dev/null 2>&1; then passed=$((passed + 1)); else fail "$what"; fi
}
# has "what" file text / lacks "what" file text: fixed-string search.
has() { check "$1: contains '$3'" grep -qF -- "$3" "$2"; }
lacks() { check "$1: does not contain '$3'" bash -c '! grep -qF -- "$1" "$2"' _ "$3" "$2"; }

browser() {
  timeout 120 "$chromium" --headless --no-sandbox --disable-gpu --hide-scrollbars --no-first-run \
    --user-data-dir="$work/chromium" --enable-logging=stderr --v=0 "$@"
}

# 1. A small real runs directory: four runs that finish, one that fails after it started (probe layer 9 of a
#    two-layer model), on a file whose name is an HTML tag with a script in it.
small=(--sizes 60,60,40,60 --weak all-MiniLM-L6-v2@1 --strong all-MiniLM-L6-v2@2 --max-length 32 --runs-dir "$runs" --quiet)
if "$w2s" run --dataset sst2,twitter_sentiment --seeds 0,1 --loss xent,logconf "${small[@]}" >"$work/run.log" 2>&1; then
  passed=$((passed + 1))
else
  fail "w2s run on sst2,twitter_sentiment" "$(tail -20 "$work/run.log")"
fi
evil='<img src=x onerror=alert(1)>'
{ echo "text,label"; for i in $(seq 1 20); do echo "good movie number $i,1"; echo "bad movie number $i,0"; done; } >"$work/$evil.csv"
"$w2s" run --dataset "$work/$evil.csv" --methods probe --probe-layer 9 "${small[@]}" --sizes 8,8,8,8 >"$work/fail.log" 2>&1
check "a run with a missing probe layer fails" test $? -ne 0

# 2. The report, the exports.
if "$w2s" report --runs-dir "$runs" --output "$work/report.html" >"$work/report.log" 2>&1; then
  passed=$((passed + 1))
else
  fail "w2s report" "$(cat "$work/report.log")"
fi
has "report summary line" "$work/report.log" "(5 runs, 4 finished)"
"$w2s" report --runs-dir "$runs" --dataset sst2 --output "$work/sst2.html" >/dev/null 2>&1
lacks "report --dataset sst2" "$work/sst2.html" "twitter_sentiment"
has "report --dataset sst2" "$work/sst2.html" "sst2-head-s1-"
check "report of a missing runs directory fails" bash -c '! "$1" report --runs-dir "$2/nowhere" --output "$2/x.html"' _ "$w2s" "$work"
check "no report written for a missing runs directory" test ! -e "$work/x.html"
check "report into a folder not made yet" bash -c '"$1" report --runs-dir "$2" --output "$3/new/folder/r.html" && test -s "$3/new/folder/r.html"' _ "$w2s" "$runs" "$work"
# PGR tests only where the ceiling − weak gap is established: the table says how many settings it kept, or the
# command says none qualifies (these small models may not separate).
"$w2s" compare --runs-dir "$runs" --metric pgr_auc --established-gap >"$work/gap.log" 2>&1
check "compare --established-gap: its table and how many settings it kept, or why none" \
  bash -c '{ [ "$1" = 0 ] && grep -qE "Only the [0-9]+ of 2 dataset settings whose ceiling − weak gap is established" "$2"; } || { [ "$1" != 0 ] && grep -qF "compare without --established-gap" "$2"; }' _ $? "$work/gap.log"

"$w2s" results --runs-dir "$runs" --format csv >"$work/results.csv" 2>/dev/null
"$w2s" results --runs-dir "$runs" --format jsonl >"$work/results.jsonl" 2>/dev/null
check "csv header" grep -qx 'run_id,dataset,seed,status,mode,weak_model,strong_model,weak_train,strong_train,validation,test,losses,methods,setting,lr_weak,lr_strong,epochs,max_length,lora_rank,train_layers,frozen_precision,head_input,created,error,stage,metric,value' "$work/results.csv"
has "csv rows" "$work/results.csv" ",student-logconf,pgr_auc,"
has "csv failed run" "$work/results.csv" ",failed,head,"
has "jsonl failed run" "$work/results.jsonl" '"status":"failed"'
check "--format with --sql is refused" bash -c '"$1" results --runs-dir "$2" --sql "SELECT 1" --format csv 2>&1 | grep -qF -- "--sql prints its rows tab-separated"' _ "$w2s" "$runs"
# Both streams into one file (stdout is a buffered file here, the note on stderr is not): the table's rows stay
# whole and the note comes last. The listing is several buffers long, so an unflushed stdout would split a row.
"$w2s" results --runs-dir "$runs" >"$work/results.both" 2>&1
check "results listing is longer than one stdio buffer" test "$(stat -c %s "$work/results.both")" -gt 8192
check "stderr's note is the last line of a combined listing" bash -c 'tail -n 1 "$1" | grep -q "^SQLite index of these runs: " && [ "$(grep -c "SQLite index" "$1")" = 1 ]' _ "$work/results.both"
check "jsonl and csv have as many rows" test "$(grep -c '"run_id"' "$work/results.jsonl")" -eq "$(($(grep -c '^' "$work/results.csv") - 1))"

# 3. The page in Chromium: a screenshot, and the DOM after the script ran (sorting every table, see ReportAssets).
browser --screenshot="$work/report.png" --window-size=1400,2400 "file://$work/report.html" >"$work/shot.log" 2>&1
check "screenshot written" test -s "$work/report.png"
check "screenshot is a PNG of some size" bash -c '[ "$(head -c 8 "$1" | od -An -tx1 | tr -d " \n")" = 89504e470d0a1a0a ] && [ "$(stat -c %s "$1")" -gt 20000 ]' _ "$work/report.png"
browser --dump-dom "file://$work/report.html#check-sort" >"$work/dom.html" 2>"$work/dom.log"
dom="$work/dom.html"
has "script ran" "$dom" 'data-report-script="ran"'
tables=$(grep -o '<table class="sortable"' "$dom" | wc -l)
ready=$(grep -o 'data-sortable="ready"' "$dom" | wc -l)
check "tables in the page ($tables)" test "$tables" -ge 6
check "every table sortable ($ready of $tables)" test "$ready" -eq "$tables"
check "tables sorted by the script" grep -q 'data-sort-check="ok"' "$dom"
lacks "no table left unordered" "$dom" 'data-sort-check="unordered"'
for section in unfinished overview pgr datasets comparison agreement runs; do has "section" "$dom" "<section id=\"$section\">"; done
for text in sst2 twitter_sentiment student-xent student-logconf "(supervisor, ground truth)" "PGR 95% CI" \
            "n = 2 dataset settings" "one-sided" "where supervisor wrong" "AUC during training" "<svg"; do
  has "page shows" "$dom" "$text"
done
sed '/<script>/,/<\/script>/d' "$dom" >"$work/text.html"   # the page without its script
for text in NaN undefined Infinity "[object" "could not be checked" "Not an exact reproduction"; do lacks "no error text" "$work/text.html" "$text"; done
lacks "no JavaScript error" "$work/dom.log" "Uncaught"
# The failed run: listed with its error, its HTML-like name shown as text, never as an element.
has "failed run listed" "$dom" 'status-failed'
has "failed run's error" "$dom" "--probe-layer 9 does not exist"
has "name escaped" "$dom" "&lt;img src=x onerror=alert(1)&gt;"
lacks "no injected element" "$dom" "<img"

# 4. A run's reproduce command, from the page, names the same run and recomputes nothing.
command=$(grep -o '<code class="command" data-run="sst2-head-s1-[^"]*">[^<]*' "$dom" | head -1 | sed -e 's/^<code[^>]*>//' \
  -e 's/&lt;/</g; s/&gt;/>/g; s/&quot;/"/g; s/&#39;/'"'"'/g; s/&amp;/\&/g')
run_id=$(grep -o '<code class="command" data-run="sst2-head-s1-[^"]*"' "$dom" | head -1 | sed 's/.*data-run="//; s/"$//')
check "reproduce command on the page" test -n "$command"
if [ -n "$command" ]; then
  eval "set -- $command"
  shift   # "w2s"
  "$w2s" "$@" --quiet >"$work/rerun.log" 2>&1
  check "reproduce command runs" test $? -eq 0
  line=$(grep "^$run_id:" "$work/rerun.log")
  check "reproduce command makes run $run_id" test -n "$line"
  computed=$(sed 's/^[^;]*; //' <<<"$line" | tr ',' '\n' | grep -vc '(cached)$')
  check "reproduce command recomputes nothing" test "$computed" -eq 0
fi

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]

#!/usr/bin/env bash
# The README's demo on a machine without ../shared: a copy of the built w2s in an empty temporary folder, HOME and
# W2S_DATA pointing at empty folders, and the datasets coming from a mirror given by one environment variable
# (W2S_DATA_MIRROR, a loopback HTTP server over shared/datasets with byte ranges: scripts/mirror-server.py, bound
# to 127.0.0.1, stopped on exit and after 10 minutes at most). The demo downloads and verifies its three datasets,
# then runs end to end with tiny sizes.
#
#   swift build -c release --product w2s && scripts/check-download.sh [path/to/w2s]
#
# Needs the models installed (W2S_MODELS or ~/.cache/w2s/models; `w2s models install`). Ends with
# "N passed, N failed"; exits non-zero if any check failed.
set -uo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd)

w2s=${1:-.build/release/w2s}
if [ ! -x "$w2s" ]; then
  echo "check-download: no binary at $w2s: run swift build -c release --product w2s first" >&2
  exit 2
fi
shared=""
for candidate in "$repo/../shared/datasets" "$repo/shared/datasets"; do
  [ -d "$candidate/sst2" ] && shared=$(cd "$candidate" && pwd) && break
done
if [ -z "$shared" ]; then
  echo "check-download: no shared/datasets beside the repository to serve as the mirror" >&2
  exit 2
fi
models=${W2S_MODELS:-$HOME/.cache/w2s/models}

work=$(mktemp -d)
server=""
cleanup() {
  [ -n "$server" ] && kill "$server" 2>/dev/null && wait "$server" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT
cp "$w2s" "$work/w2s"
mkdir -p "$work/home" "$work/data" "$work/run"
python3 "$repo/scripts/mirror-server.py" --root "$shared" --port-file "$work/port" --log "$work/requests.log" --lifetime 600 &
server=$!
for _ in $(seq 1 300); do [ -s "$work/port" ] && break; sleep 0.1; done
if [ ! -s "$work/port" ]; then echo "check-download: the mirror server did not start" >&2; exit 2; fi

cd "$work/run"
export HOME="$work/home" W2S_DATA="$work/data" W2S_MODELS="$models"
export W2S_DATA_MIRROR="http://127.0.0.1:$(cat "$work/port")"

passed=0
failed=0
check() {  # check "what" "expected text" command…: exit 0 and the text in the output
  local what=$1 want=$2; shift 2
  local out rc
  out=$(timeout 600 "$@" 2>&1 </dev/null); rc=$?
  if [ "$rc" -ne 0 ] || ! grep -qF -- "$want" <<<"$out"; then
    failed=$((failed + 1)); printf 'FAIL: %s (exit %s, output lacks: %s)\n%s\n\n' "$what" "$rc" "$want" "$out" | sed 's/^/  /' >&2
  else
    passed=$((passed + 1))
  fi
}
refuse() {  # refuse "what" "expected text" command…: a clean error exit with the text
  local what=$1 want=$2; shift 2
  local out rc
  out=$(timeout 60 "$@" 2>&1 </dev/null); rc=$?
  if [ "$rc" -eq 0 ] || [ "$rc" -ge 124 ] || ! grep -qF -- "$want" <<<"$out"; then
    failed=$((failed + 1)); printf 'FAIL: %s (exit %s, wanted an error saying: %s)\n%s\n\n' "$what" "$rc" "$want" "$out" | sed 's/^/  /' >&2
  else
    passed=$((passed + 1))
  fi
}

check "list before: nothing present" "missing: w2s datasets download sst2" ../w2s datasets list
refuse "run on a missing dataset names the download" "w2s datasets download sst2" ../w2s run --dataset sst2 --quiet
check "the demo downloads its datasets and runs" "PGR" ../w2s demo --demo-sizes 40,40,20,40 --epochs 1 --quiet
check "the demo's datasets were downloaded into \$W2S_DATA" "3 passed" bash -c '
  n=0; for f in sst2/train.tsv twitter_sentiment/test_text.txt ag_news/test.csv; do [ -f "$W2S_DATA/$f" ] && n=$((n+1)); done
  ls -a "$W2S_DATA"/*/ | grep -q "\.partial$" && n=0; echo "$n passed"'
check "list after: present and verified" "present in $work/data, verified" ../w2s datasets list
check "a second download is a no-op" "already present, verified" ../w2s datasets download sst2 twitter_sentiment ag_news
check "the mirror served each file once" "7 requests" bash -c "echo \$(grep -c ' 200$' '$work/requests.log') requests"
refuse "a bad mirror is refused with the fix" "W2S_DATA_MIRROR" env W2S_DATA_MIRROR=ftp://example.invalid ../w2s datasets download piqa

echo "check-download: $passed passed, $failed failed"
[ "$failed" -eq 0 ]

#!/usr/bin/env bash
# Writes the 4,000-row JSONL of the activation-store benchmark (BENCHMARKS.md): the first 4,000 sentences of SST-2's
# published train.tsv as {"text", "label"} lines. Usage: scripts/bench/user-file-4000.sh OUT.jsonl [DATA_DIR]
set -euo pipefail
out=${1:?usage: user-file-4000.sh OUT.jsonl [DATA_DIR]}
data=${2:-$(dirname "$0")/../../../shared/datasets}
python3 - "$data/sst2/train.tsv" "$out" <<'PY'
import csv, json, sys
rows = list(csv.DictReader(open(sys.argv[1], encoding="utf-8"), delimiter="\t", quoting=csv.QUOTE_NONE))[:4000]
with open(sys.argv[2], "w", encoding="utf-8") as f:
    for r in rows: f.write(json.dumps({"text": r["sentence"].strip(), "label": int(r["label"])}) + "\n")
PY
echo "wrote $(wc -l < "$out") rows to $out"

# Sourced by the sweep scripts: a sweep's finished runs kept in the repository in compact form (record, config,
# metrics, curves, predictions, results.md; no caches or stage files), so a sweep resumes on another machine or in a
# later session and its tables and report rebuild without rerunning anything.
#
#   export_compact_runs RUNS_DIR DEST   copy every finished run of RUNS_DIR into DEST (overwriting older copies)
#   import_compact_runs SOURCE RUNS_DIR copy into RUNS_DIR every run of SOURCE it lacks: `w2s sweep run` then skips them

export_compact_runs() {
  local runs=$1 dest=$2 dir name f n=0
  mkdir -p "$dest"
  for dir in "$runs"/*/; do
    name=$(basename "$dir")
    [ -f "$dir/record.json" ] && grep -q '"status" *: *"finished"' "$dir/record.json" || continue
    mkdir -p "$dest/$name"
    for f in record.json config.json metrics.json curves.csv predictions.csv results.md; do
      [ -f "$dir/$f" ] && cp "$dir/$f" "$dest/$name/$f.tmp" && mv -f "$dest/$name/$f.tmp" "$dest/$name/$f"
    done
    n=$((n + 1))
  done
  echo "exported $n finished runs from $runs to $dest"
}

import_compact_runs() {
  local source=$1 runs=$2 dir name n=0
  [ -d "$source" ] || return 0
  mkdir -p "$runs"
  for dir in "$source"/*/; do
    name=$(basename "$dir")
    [ -e "$runs/$name" ] && continue
    rm -rf "$runs/$name.importing"   # left by an import that was killed
    cp -r "$dir" "$runs/$name.importing" && mv "$runs/$name.importing" "$runs/$name"
    n=$((n + 1))
  done
  [ $n -eq 0 ] || echo "imported $n finished runs from $source into $runs"
}

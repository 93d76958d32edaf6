#!/usr/bin/env bash
# One command for a fresh machine: setup (OpenBLAS, build, models), then the built-in demo experiment.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh
.build/release/w2s demo "$@"

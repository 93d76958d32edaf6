#!/usr/bin/env bash
# One command for a fresh machine: setup (OpenBLAS, build, models), then the whole test suite.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh
./scripts/check-cli.sh
./scripts/check-download.sh
./scripts/check-slurm.sh
./scripts/check-report.sh
# The test process loads OpenBLAS before any of our code runs, so it cannot restart itself with the right kernels
# and thread timeout as w2s does (OpenBLASEnvironment): give it what w2s runs with here (a variable already set stays).
eval "$(.build/release/w2s bench --openblas-environment)"
swift test -c release "$@"

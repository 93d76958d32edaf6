#!/usr/bin/env bash
# One command for a fresh machine: setup (OpenBLAS, build, models), then the whole test suite.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh
./scripts/check-cli.sh
./scripts/check-download.sh
./scripts/check-slurm.sh
./scripts/check-report.sh
swift test -c release "$@"

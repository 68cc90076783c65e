#!/usr/bin/env bash
# Runs the parser benchmark (docs/performance.md) and prints the two throughputs; cargo's
# messages and the sizes of the generated inputs go to stderr.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo bench -p intent-syntax --bench parse "$@" | grep -E '^parse/|thrpt: +\[[0-9]'

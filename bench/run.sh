#!/usr/bin/env bash
# Benchmarks insight against SQLite FTS5 (see bench/bench.py --help).
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --quiet
exec python3 bench/bench.py "$@"

#!/usr/bin/env bash
# The speed state of each CPU, for benchmark records (docs/benchmarks.md, "The machine's two speeds").
# On the shared virtual machines this project is measured on, a CPU runs the same memory-touching
# code at one of two speeds for seconds to minutes (on the 2-core machine of 2026-12-07: 8.6-9.1
# and 11.1-12.3 ms per band, 1.3x), one CPU fast while the other is slow, with no steal time and
# nothing else running. probe.c is fixed work in C shaped like the stack's band pass, timed in
# thread CPU time, one copy pinned to each CPU at the same time: a benchmark run before and after
# it says which state its figures were taken in.
#
#   bench/machine/probe.sh [BLOCKS=20]     prints one line per CPU (CPUS, default: all)
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BIN="$ROOT/target/bench-machine/probe"
if [[ ! -x "$BIN" || "$ROOT/bench/machine/probe.c" -nt "$BIN" ]]; then
  command -v gcc >/dev/null || { echo "machine probe: no gcc (apt-get install gcc)" >&2; exit 1; }
  mkdir -p "$(dirname "$BIN")"
  gcc -O2 -o "$BIN" "$ROOT/bench/machine/probe.c"
fi
cpus=${CPUS:-$(nproc)}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for ((c = 0; c < cpus; c++)); do
  taskset -c "$c" "$BIN" "${1:-20}" > "$tmp/$c" &
done
wait
line="machine probe $(date -u +%H:%M:%S) UTC (C, fixed work, CPU ms per band, lower is faster):"
for ((c = 0; c < cpus; c++)); do
  line+=" cpu$c $(sed -n 's/^PROBE \([0-9.]*\) ms per band (median of [0-9]* blocks, \([0-9.-]*\);.*/\1 (\2)/p' "$tmp/$c")"
done
echo "$line"

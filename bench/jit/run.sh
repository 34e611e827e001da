#!/bin/bash
# The JIT's share of the end-to-end speed variance (docs/benchmarks.md, "The session of 2026-12-07
# (10:17 UTC)"): ROUNDS (8) fresh JVMs of SelectJitVariance, each after a C loop of fixed work
# (spin.c, gcc -O1) as the machine's control. The C loop's times stay within a few %; the JVMs'
# show two speeds when the compiled code differs between them.
# Usage, from the repository root, after `mvn -o -q -B test-compile`: bench/jit/run.sh [WARMUP]
set -euo pipefail
cd "$(dirname "$0")/../.."
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
gcc -O1 -o "$tmp/spin" bench/jit/spin.c
echo "== load $(cut -d' ' -f1-3 /proc/loadavg); $(date -u +%H:%M:%S) UTC"
for i in $(seq "${ROUNDS:-8}"); do
  "$tmp/spin"
  java -cp target/test-classes:target/classes org.tessera.bench.stack.SelectJitVariance "${1:-random}"
done

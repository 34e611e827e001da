#!/usr/bin/env bash
# Cost of taking a mosaic's output folder (pipeline.OutputLock.acquire + close) against the number
# of entries below it, this build and a peer build of OutputLock (PEER, a git revision: by default
# the one before the look at every depth below the folder), in the same run on the same trees.
# Not a test: it prints figures for docs/benchmarks.md.
#
#   bench/lock/run.sh
#   PEER=main ROUNDS=3 N=500 bench/lock/run.sh
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
cd "$ROOT"
PEER=${PEER:-bd7e435}
ROUNDS=${ROUNDS:-2}
N=${N:-500}
WORK=${WORK:-$ROOT/target/bench-lock}

echo "== build"
mvn -o -q -B test-compile
rm -rf "$WORK" && mkdir -p "$WORK/peer"
git show "$PEER:src/main/java/org/tessera/pipeline/OutputLock.java" > "$WORK/peer/OutputLock.java"
javac -nowarn -cp target/classes -d "$WORK/peer" "$WORK/peer/OutputLock.java"
CP="$ROOT/target/test-classes:$ROOT/target/classes"

echo "== machine: $(nproc) cores, $(uptime | sed 's/.*load/load/')"
# trees: none below; 20 folders x (1 + 95 files), 5 unheld lock files (~2,000 entries); 20 x (1 + 995) (~20,000)
for round in $(seq "$ROUNDS"); do
  for build in this peer; do
    cp="$CP"; [ "$build" = peer ] && cp="$WORK/peer:$CP"
    echo "-- round $round, $build"
    for spec in "t0 0 0 0" "t2k 95 20 5" "t20k 995 20 5"; do
      set -- $spec
      java -cp "$cp" org.tessera.bench.lock.LockBench "$WORK/$1" "$2" "$3" "$4" "$N"
    done
  done
done
echo "== machine: $(uptime | sed 's/.*load/load/')"

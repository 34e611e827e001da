#!/usr/bin/env bash
# Which speed each CPU runs at, and that Tessera's band pass follows it (docs/benchmarks.md, "The
# machine's two speeds"): ROUNDS (4) rounds of the C probe on every CPU at once (probe.sh), then
# the stack's band pass (org.tessera.bench.stack.BandPassBench, 50 frames, winsorized, mean) in a
# fresh JVM pinned to each CPU in turn. Where a CPU's probe is slow, so is the band pass on it.
# Usage, from the repository root: bench/machine/run.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
mvn -o -q -B test-compile dependency:build-classpath -Dmdep.outputFile=target/classpath.txt -Dcuda.skip=true
CP="target/test-classes:target/classes:$(cat target/classpath.txt)"
echo "== load $(cut -d' ' -f1-3 /proc/loadavg)"
for ((r = 0; r < ${ROUNDS:-4}; r++)); do
  bench/machine/probe.sh 10
  for ((c = 0; c < ${CPUS:-$(nproc)}; c++)); do
    echo "  cpu$c $(taskset -c "$c" java -cp "$CP" org.tessera.bench.stack.BandPassBench 50 16 30 | sed 's/.*\(CPU per band.*\); checksum.*/\1/')"
  done
done

#!/bin/bash
# Issue 15, small jobs: many of them in one JVM, as a Fiji session or a script runs them
# (scripts/Reproject_Coadd.py: MosaicPipeline.reproject, default config, a fresh output folder each),
# against SWarp as whole processes, alternating job by job. The first jobs pay the JVM's cold code;
# the median of the last half is what a session that runs many jobs gets.
# Usage, from the repository root, after `mvn -o -q -B package -DskipTests`:
#   bench/reproject/warm.sh [WORKDIR] [FILE...]   (default /tmp/tessera-bench-warm, the DSS pair)
# Environment: JOBS (30), SWARP_THREADS (nproc).
set -euo pipefail
cd "$(dirname "$0")/../.."
WORK=${1:-/tmp/tessera-bench-warm}
shift || true
[ $# -gt 0 ] || set -- ../shared/data/dss_pair/*.fits
SWARP=$(command -v SWarp || command -v swarp || true)
[ -n "$SWARP" ] || { echo "SWarp not found (Debian: apt-get install swarp)" >&2; exit 1; }
mkdir -p "$WORK"
mvn -o -q -B test-compile dependency:build-classpath -Dmdep.outputFile=target/classpath.txt >/dev/null
CP="target/test-classes:target/classes:$(cat target/classpath.txt)"
echo "== load $(cut -d' ' -f1-3 /proc/loadavg); $(date -u +%H:%M:%S) UTC"
# The launcher's heap settings, so that the JVM is sized as bin/tessera sizes it.
java -XX:+UseSerialGC -Xms64m -Xmx1024m -Djava.awt.headless=true -cp "$CP" org.tessera.bench.reproject.WarmJobsBench \
  "${JOBS:-30}" "$WORK" "$SWARP" "${SWARP_THREADS:-$(nproc)}" "$@" > "$WORK/log.txt" 2>&1
grep -E '^(job|first)' "$WORK/log.txt" | tee "$WORK/results.txt"
echo "== end (load $(cut -d' ' -f1-3 /proc/loadavg))"

#!/usr/bin/env bash
# End-to-end benchmark at Seestar scale (issue 15): N raw Seestar-like frames (Bayer GRBG
# 1080x1920 uint16, no WCS, only RA/DEC, FOCALLEN, XPIXSZ and DATE-OBS; alt-az field rotation;
# NIGHTS nights of 2x2 pointings over one synthetic sky) through the whole pipeline with
# `bin/tessera mosaic` defaults: grouping and one plate solve per session and pointing,
# registration of every other frame on its stars, hot pixels, debayer, master tiles, Phase 5, DBE,
# preview. Prints raw frames per second, peak RSS (/usr/bin/time -v) and the time per phase (from
# tessera.log). Not a test: figures for docs/benchmarks.md.
#
#   bench/e2e/run.sh            # N=2000 (about 8 GB of frames under target/bench-e2e)
#   bench/e2e/run.sh quick      # N=200
#   N=100 NIGHTS=2 CPUS=2 JAVA_OPTS=-Xmx1g bench/e2e/run.sh
#
# SOLVER=standin (default): the synthetic stars are not real stars, so solve-field cannot solve
# them; bench/e2e/standin-solve-field takes solve-field's place and hands back each reference
# frame's true WCS (what the generator drew it with). Only the solve itself is stood in (a real
# solve-field takes ~1-2 s per group on a Seestar frame with Tycho-2 indexes, docs/solving.md:
# add that per group); everything else runs for real. SOLVER=real uses solve-field from PATH
# (it will not solve synthetic frames). JAVA_OPTS is passed to bin/tessera as is; SETS adds keys,
# e.g. SETS="stacking_demosaic=bilinear" (space-separated key=value pairs, each given as --set).
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
cd "$ROOT"
N=${N:-2000}
[[ "${1:-}" == quick ]] && N=${N_QUICK:-200}
NIGHTS=${NIGHTS:-2}
CPUS=${CPUS:-2}
SOLVER=${SOLVER:-standin}
WORK=${WORK:-$ROOT/target/bench-e2e}
CORES="0-$((CPUS - 1))"

for tool in /usr/bin/time taskset; do
  command -v "$tool" >/dev/null || { echo "missing $tool" >&2; exit 1; }
done

echo "== build"
mvn -o -q -B package -DskipTests
mvn -o -q -B dependency:build-classpath -Dmdep.outputFile=target/classpath.txt
CP="$ROOT/target/test-classes:$ROOT/target/classes:$(cat target/classpath.txt)"

FRAMES="$WORK/frames_n${N}_k${NIGHTS}"
export E2E_TRUTH="$WORK/truth_n${N}_k${NIGHTS}"
if [[ ! -f "$FRAMES/.done" ]]; then
  echo "== frames ($N)"
  rm -rf "$FRAMES" "$E2E_TRUTH"
  taskset -c "$CORES" java -Xmx2g -cp "$CP" org.tessera.bench.e2e.E2eFrames "$FRAMES" "$E2E_TRUTH" "$N" "$NIGHTS"
  touch "$FRAMES/.done"
else
  echo "== frames: reusing $FRAMES"
fi

sets=()
if [[ "$SOLVER" == standin ]]; then
  sets=(--set solver_choice=astrometry --set "astrometry_net_path=$ROOT/bench/e2e/standin-solve-field")
fi
for kv in ${SETS:-}; do sets+=(--set "$kv"); done
OUT="$WORK/out_n${N}"
rm -rf "$OUT"
mkdir -p "$WORK"
load=$(cut -d' ' -f1-3 /proc/loadavg)
# The machine's CPU counters (/proc/stat: user nice system idle iowait irq softirq steal, in clock
# ticks) before and after: what else ran during the run, and what the hypervisor took (steal), so
# that a slow run can be told from a disturbed one.
# Each CPU's speed state before and after (bench/machine/probe.sh): these virtual CPUs run the same
# code at two speeds, 1.3x apart, for minutes at a time, which neither steal nor load shows.
probe0=$(CPUS=$CPUS "$ROOT/bench/machine/probe.sh" 10 || true)
stat0=$(head -1 /proc/stat)
echo "== mosaic ($N frames, $CPUS CPUs, JAVA_OPTS='${JAVA_OPTS:-}', SETS='${SETS:-}', solver $SOLVER, load before $load)"
/usr/bin/time -v taskset -c "$CORES" "$ROOT/bin/tessera" mosaic -q "${sets[@]}" -o "$OUT" "$FRAMES" \
  > "$WORK/mosaic.out" 2> "$WORK/mosaic.time" || { rc=$?; tail -30 "$WORK/mosaic.out" "$WORK/mosaic.time" >&2; [[ $rc == 1 ]] || exit $rc; }

stat1=$(head -1 /proc/stat)
probe1=$(CPUS=$CPUS "$ROOT/bench/machine/probe.sh" 10 || true)
wall=$(awk -F': ' '/Elapsed \(wall clock\)/ {n = split($2, t, ":"); s = 0; for (k = 1; k <= n; k++) s = s * 60 + t[k]; print s}' "$WORK/mosaic.time")
rss=$(awk -F': ' '/Maximum resident set size/ {printf "%.0f", $2 / 1024}' "$WORK/mosaic.time")
cpu=$(awk -F': ' '/User time/ {u = $2} /System time/ {s = $2} END {printf "%.1f", u + s}' "$WORK/mosaic.time")
LOG="$OUT/tessera.log"
echo
echo "== result"
grep -h -E '\[SOLVE\] [0-9]+ of [0-9]+ frame|\[P2\] [0-9]+ frame|\[P3\] [0-9]+ tile\(s\) done|\[P4\] final grid|\[P5\] matching|\[P5\] mosaic' "$LOG" | sed 's/^[0-9:]* INFO \[[a-z]*\] /  /' | cut -c1-150 | sort -u
awk -v n="$N" -v wall="$wall" -v rss="$rss" -v cpu="$cpu" -v load="$load" '
  function sec(t) { split(t, a, ":"); s = a[1] * 3600 + a[2] * 60 + a[3]; if (s < first) s += 86400; return s }
  /^[0-9][0-9]:[0-9][0-9]:[0-9][0-9] / {
    if (!started) { first = sec($1); started = 1 }
    t = sec($1) - first; last = t
    if ($0 ~ /\[READ\] [0-9]+ frames usable/ && !read) read = t
    if ($0 ~ /\[SOLVE\] [0-9]+ of [0-9]+ frame\(s\) placed/) solve = t
    if ($0 ~ /\[P2\] [0-9]+ frame/) p2 = t
    if ($0 ~ /\[P3\] [0-9]+ tile\(s\) done/) p3 = t
    if ($0 ~ /\[P4\] final grid/ && !p4) p4 = t
    if ($0 ~ /\[P5\] mosaic .* written/) p5 = t
  }
  END {
    if (!solve) solve = read
    printf "phases (s, from tessera.log, 1 s resolution): scan+solve+register %d, group %d, P3 master tiles %d, P4 grid %d, P5 coadd+DBE+preview %d, end %d\n",
      solve, p2 - solve, p3 - p2, p4 - p3, p5 - p4, last - p5
    printf "E2E N=%d wall %.1f s  %.2f raw frames/s  peak RSS %d MiB  CPU %.1f s  (load before: %s)\n", n, wall, n / wall, rss, cpu, load
  }' "$LOG"
hz=$(getconf CLK_TCK 2>/dev/null || echo 100)
awk -v a="$stat0" -v b="$stat1" -v hz="$hz" -v cpu="$cpu" -v wall="$wall" 'BEGIN {
  split(a, x, " "); split(b, y, " ")
  busy = 0; for (k = 2; k <= 8; k++) if (k != 5 && k != 6) busy += y[k] - x[k]
  steal = y[9] - x[9]
  printf "machine during the run: %.1f CPU-s busy (this run %.1f, everything else %.1f), steal %.1f CPU-s (%.1f %% of the wall time)\n",
    busy / hz, cpu, busy / hz - cpu, steal / hz, (wall > 0 ? 100 * steal / hz / wall : 0)
}'
echo "before: $probe0"
echo "after:  $probe1"
# The tiles' band passes (each on one worker; tiles of one size take about the same time): a spread
# of 1.2-1.4x between them is the CPUs changing speed during the run (docs/benchmarks.md, "The
# machine's two speeds"), which the probes before and after may not see.
grep -o '\[STACK\] .* bands [0-9.]* s)' "$LOG" | sed 's/.* bands \([0-9.]*\) s)/\1/' | sort -n | awk '
  { v[NR] = $1 } END { if (NR) printf "band pass per tile: min %.1f, median %.1f, max %.1f s (%d tiles; max/min %.2f)\n", v[1], v[int((NR + 1) / 2)], v[NR], NR, v[NR] / v[1] }'

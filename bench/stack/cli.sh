#!/usr/bin/env bash
# Issue 15, stack item: the command a user runs (`bin/tessera stack`, its launcher, its default heap)
# against the stack core's own benchmark and Siril, in one run, on the same FITS files and CPUs.
# Not a test: it prints figures for docs/benchmarks.md.
#
#   bench/stack/cli.sh                  # N=100 frames 1920x1080 RGB, ROUNDS=2, CPUS=2
#   N=20 ROUNDS=3 bench/stack/cli.sh
#
# Frames: StackBench generate (synthetic sky, cosmic rays, trails) with one TAN WCS shared by all
# (`tessera stack` needs a WCS; the frames are already aligned, so nothing is resampled).
# Jobs, each for kappa-sigma 3/3 and winsorized 3/3, mean, on the same CPUs (taskset):
#   cli   : bin/tessera stack OUT.fits DIR --set stacking_rejection_algorithm=...
#           --set stacking_normalize_method=none --set stacking_weighting_method=none
#           --set hot_pixel_correction=false      (launcher defaults otherwise: 1 GiB ceiling, serial
#           collector, CDS)
#   core  : StackBench stack (the stack core on the files, java -Xmx1g, the core's own benchmark)
#   siril : siril-cli -s: link + stack SEQ rej s|w 3 3 -nonorm (setcpu, set32bits)
# No normalisation and no weights in all three (Siril -nonorm), so the three compute the same
# stack; the hot-pixel pass is a Phase 1 step the other two do not have. Rounds interleave the
# three tools; the best wall time of each is kept (the machine is shared). Times are whole
# processes (start, reading, stacking, writing), from /usr/bin/time -v, as is the peak RSS.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
cd "$ROOT"
N=${N:-100}
W=${W:-1920}
H=${H:-1080}
CPUS=${CPUS:-2}
ROUNDS=${ROUNDS:-2}
WORK=${WORK:-$ROOT/target/bench-stack-cli}
CORES="0-$((CPUS - 1))"

for tool in siril-cli /usr/bin/time taskset; do
  command -v "$tool" >/dev/null || { echo "missing $tool" >&2; exit 1; }
done

echo "== build"
if [ "${BUILD:-1}" = 1 ]; then
  mvn -o -q -B package -DskipTests
  mvn -o -q -B dependency:build-classpath -Dmdep.outputFile=target/classpath.txt
fi
CP="$ROOT/target/test-classes:$ROOT/target/classes:$(cat target/classpath.txt)"
SYN="$WORK/synth"
OUT="$WORK/out"
mkdir -p "$OUT"

echo "== frames"
taskset -c "$CORES" java -Xmx2g -cp "$CP" org.tessera.bench.stack.StackBench generate "$SYN" "$N" "$W" "$H"

elapsed() { awk -F': ' '/Elapsed \(wall clock\)/ {n = split($2, t, ":"); s = 0; for (k = 1; k <= n; k++) s = s * 60 + t[k]; print s}' "$1"; }
rss_mib() { awk -F': ' '/Maximum resident set size/ {printf "%.0f", $2 / 1024}' "$1"; }
algo() { [ "$1" = kappa ] && echo kappa_sigma || echo winsorized_sigma_clip; }

# The launcher's class data archive, as a user has it from the second run on: two small runs record
# the class list and build the archive (in the background), then wait for it.
echo "== launcher warm-up (class data archive)"
WARM="$WORK/warm"
rm -rf "$WARM"; mkdir -p "$WARM"
for f in 1 2 3; do ln -sf "$SYN/$(printf 'synth_%04d.fit' $f)" "$WARM/"; done
for k in 1 2; do
  bin/tessera stack "$WORK/warm_out/w.fits" "$WARM" -q --set stacking_rejection_algorithm=kappa_sigma \
    --set stacking_normalize_method=none --set stacking_weighting_method=none --set hot_pixel_correction=false > /dev/null
done
JAR=$(ls -t target/tessera-*.jar | grep -v -e sources -e tests -e javadoc | head -1)
for _ in $(seq 90); do [ -n "$(find target/cds -name '*.jsa' -newer "$JAR" 2>/dev/null)" ] && break; sleep 1; done
find target/cds -name '*.jsa' -newer "$JAR" | grep . || echo "(no class data archive for this build: timed runs start without it)"

RESULTS="$OUT/results.txt"
: > "$RESULTS"

run_cli() { # rej round
  local log="$OUT/cli_$1_$2"
  /usr/bin/time -v taskset -c "$CORES" bin/tessera stack "$OUT/cli_$1.fits" "$SYN" \
    --set stacking_rejection_algorithm="$(algo "$1")" --set stacking_normalize_method=none \
    --set stacking_weighting_method=none --set hot_pixel_correction=false > "$log.out" 2> "$log.time" || {
      tail -20 "$log.out" "$log.time" >&2; exit 1; }
  echo "$1 cli $(elapsed "$log.time") $(rss_mib "$log.time")" >> "$RESULTS"
  echo "  cli   $1: $(elapsed "$log.time") s, $(rss_mib "$log.time") MiB; $(grep -h -o 'frames stacked.*' "$OUT/tessera.log" | tail -1)"
}

run_core() { # rej round
  local log="$OUT/core_$1_$2"
  /usr/bin/time -v taskset -c "$CORES" java -Xmx1g -XX:ActiveProcessorCount="$CPUS" -cp "$CP" \
    org.tessera.bench.stack.StackBench stack "$OUT/core_$1.fit" "$1" none none "$SYN" > "$log.out" 2> "$log.time" || {
      tail -20 "$log.out" "$log.time" >&2; exit 1; }
  echo "$1 core $(elapsed "$log.time") $(rss_mib "$log.time")" >> "$RESULTS"
  echo "  core  $1: $(elapsed "$log.time") s, $(rss_mib "$log.time") MiB; $(grep -o 'stack_s=[0-9.]*' "$log.out")"
}

run_siril() { # rej round
  local log="$OUT/siril_$1_$2" sw="$WORK/siril_$1" r
  r=$([ "$1" = kappa ] && echo s || echo w)
  rm -rf "$sw"; mkdir -p "$sw"
  cat > "$sw/job.ssf" <<EOF
requires 1.0.0
setcpu $CPUS
set32bits
cd $SYN
link synth -out=$sw
cd $sw
stack synth rej $r 3 3 -nonorm -out=$OUT/siril_$1
close
EOF
  ( cd "$sw" && /usr/bin/time -v taskset -c "$CORES" siril-cli -s "$sw/job.ssf" > "$log.out" 2> "$log.time" ) || {
    tail -20 "$log.out" "$log.time" >&2; exit 1; }
  echo "$1 siril $(elapsed "$log.time") $(rss_mib "$log.time")" >> "$RESULTS"
  echo "  siril $1: $(elapsed "$log.time") s, $(rss_mib "$log.time") MiB"
}

for round in $(seq "$ROUNDS"); do
  echo "== round $round ($CPUS CPUs; load $(cut -d' ' -f1-3 /proc/loadavg); $(date -u +%H:%M:%S) UTC)"
  for rej in kappa winsorized; do
    run_siril "$rej" "$round"
    if [ $((round % 2)) = 1 ]; then run_cli "$rej" "$round"; run_core "$rej" "$round"
    else run_core "$rej" "$round"; run_cli "$rej" "$round"; fi # alternate: neither always runs second
  done
done
echo "== end (load $(cut -d' ' -f1-3 /proc/loadavg))"

echo
echo "== best of $ROUNDS rounds (seconds, whole process); ratios > 1: the first is slower"
printf '%-11s %8s %8s %8s %10s %12s %16s\n' job cli core siril cli/core siril/cli "RSS cli/core/siril"
for rej in kappa winsorized; do
  awk -v j="$rej" '$1 == j { if (!($2 in best) || $3 < best[$2]) best[$2] = $3; if ($4 > rss[$2]) rss[$2] = $4 }
    END { printf "%-11s %8.2f %8.2f %8.2f %10.3f %12.3f %16s\n", j, best["cli"], best["core"], best["siril"],
          best["cli"] / best["core"], best["siril"] / best["cli"], rss["cli"] "/" rss["core"] "/" rss["siril"] }' "$RESULTS"
done

# The load of a shared machine swings within a round: the three jobs of one rejection in one round
# run back to back, so their ratios (paired) are the steadier figure; the median over the rounds.
echo
echo "== paired ratios per round (same round, back to back): cli/core, siril/cli; median over rounds"
/usr/bin/python3 - "$RESULTS" <<'EOF'
import sys, statistics
rows = [l.split() for l in open(sys.argv[1]) if l.strip()]
for rej in ["kappa", "winsorized"]:
    t = {tool: [float(r[2]) for r in rows if r[0] == rej and r[1] == tool] for tool in ["cli", "core", "siril"]}
    a = [c / k for c, k in zip(t["cli"], t["core"])]
    b = [s / c for s, c in zip(t["siril"], t["cli"])]
    print(f"{rej:11s} rounds: " + "  ".join(f"{x:.3f}/{y:.3f}" for x, y in zip(a, b))
          + f"   median cli/core {statistics.median(a):.3f}, siril/cli {statistics.median(b):.3f}")
EOF

echo
echo "== results: CLI vs core (largest |difference|), CLI vs Siril (median and 99th percentile of |T - S| / stack level)"
/usr/bin/python3 - "$OUT" <<'EOF'
import sys, numpy as np
from astropy.io import fits
out = sys.argv[1]
for rej in ["kappa", "winsorized"]:
    c = fits.getdata(f"{out}/cli_{rej}.fits").astype(np.float64)
    k = fits.getdata(f"{out}/core_{rej}.fit").astype(np.float64)
    s = fits.getdata(f"{out}/siril_{rej}.fit").astype(np.float64).reshape(c.shape)
    both = ~np.isnan(c) & ~np.isnan(k)
    print(f"{rej:11s} cli {c.shape} core {k.shape}: max |cli - core| {np.max(np.abs(c - k)[both]):.3g}, "
          f"NaN cli/core {np.isnan(c).sum()}/{np.isnan(k).sum()}")
    ok = ~np.isnan(c) & ~np.isnan(s)
    d = np.abs(c - s)[ok]
    level = np.median(c[ok])
    print(f"{'':11s} vs siril: median |d| {np.median(d):.3g} = {np.median(d) / level:.2e} of the level {level:.4g}; "
          f"p99 {np.percentile(d, 99):.3g} = {np.percentile(d, 99) / level:.2e}; median relative |d|/|s| {np.median(d / np.abs(s[ok])):.2e}")
EOF
echo "results: $RESULTS"

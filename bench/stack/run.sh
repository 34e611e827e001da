#!/usr/bin/env bash
# Stack benchmark: Tessera's stack core against Siril (siril-cli, Debian) on the same FITS files,
# in the same run, limited to the same CPUs. Not a test: it prints figures for docs/benchmarks-stack.md.
#
#   bench/stack/run.sh                 # 100 synthetic RGB frames 1920x1080 + the 18 real Seestar frames
#   N=20 CPUS=2 HEAP=1g bench/stack/run.sh
#
# Jobs (each run by both tools): winsorized sigma clipping 3/3 and kappa-sigma 3/3, mean combine,
# no normalisation, no weights (Siril: stack SEQ rej w|s 3 3 -nonorm). Times are wall-clock of the
# whole job (start-up, reading, stacking, writing the result); memory is the peak RSS
# (/usr/bin/time -v). Tessera also reports its plan budget and its largest live heap after a GC.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
cd "$ROOT"
N=${N:-100}
W=${W:-1920}
H=${H:-1080}
CPUS=${CPUS:-2}
HEAP=${HEAP:-1g}
WORK=${WORK:-$ROOT/target/bench-stack}
DATA=${DATA:-$ROOT/../shared/data}
CORES="0-$((CPUS - 1))"

for tool in siril-cli /usr/bin/time taskset; do
  command -v "$tool" >/dev/null || { echo "missing $tool" >&2; exit 1; }
done

echo "== build"
mvn -o -q -B test-compile dependency:build-classpath -Dmdep.outputFile=target/classpath.txt
CP="$ROOT/target/test-classes:$ROOT/target/classes:$(cat target/classpath.txt)"
JAVA=(taskset -c "$CORES" java -Xmx"$HEAP" -XX:ActiveProcessorCount="$CPUS" -cp "$CP" org.tessera.bench.stack.StackBench)
mkdir -p "$WORK/out"

echo "== frames"
taskset -c "$CORES" java -Xmx2g -cp "$CP" org.tessera.bench.stack.StackBench generate "$WORK/synth" "$N" "$W" "$H"
# Real frames: every Seestar raw frame of the shared data (1080x1920 uint16 Bayer, read as raw
# mosaics by both tools), linked under sequential names.
SEE="$WORK/seestar"
rm -rf "$SEE"
mkdir -p "$SEE"
i=0
if [ -d "$DATA" ]; then
  while IFS= read -r f; do
    i=$((i + 1))
    ln -s "$(cd "$(dirname "$f")" && pwd)/$(basename "$f")" "$SEE/$(printf 'seestar_%04d.fit' "$i")"
  done < <(find "$DATA"/seestar_* -name '*.fit' | sort)
fi
echo "synthetic: $N frames ${W}x${H}x3 float32; Seestar: $i frames"

elapsed() { # seconds from /usr/bin/time -v output
  awk -F': ' '/Elapsed \(wall clock\)/ {n = split($2, t, ":"); s = 0; for (k = 1; k <= n; k++) s = s * 60 + t[k]; print s}' "$1"
}
rss_mib() {
  awk -F': ' '/Maximum resident set size/ {printf "%.0f", $2 / 1024}' "$1"
}

RESULTS="$WORK/out/results.txt"
: > "$RESULTS"

run_tessera() { # label rej dir frames [normalize weighting]
  local label=$1 rej=$2 dir=$3 frames=$4 norm=${5:-none} weight=${6:-none} log="$WORK/out/$1"
  /usr/bin/time -v "${JAVA[@]}" stack "$WORK/out/$label.fit" "$rej" "$norm" "$weight" "$dir" > "$log.out" 2> "$log.time" || {
    cat "$log.out" "$log.time" >&2; exit 1; }
  local t; t=$(elapsed "$log.time")
  local extra; extra=$(grep '^RESULT' "$log.out" | sed 's/^RESULT //')
  echo "$label tessera $t $(rss_mib "$log.time") $frames $extra" >> "$RESULTS"
  echo "tessera $label: ${t}s, $(rss_mib "$log.time") MiB RSS; $extra"
}

run_siril() { # label rej(w|s) dir seqname frames
  local label=$1 rej=$2 dir=$3 seq=$4 frames=$5 log="$WORK/out/$1"
  local sw="$WORK/siril_$label"
  rm -rf "$sw"
  mkdir -p "$sw"
  cat > "$sw/job.ssf" <<EOF
requires 1.0.0
setcpu $CPUS
set32bits
cd $dir
link $seq -out=$sw
cd $sw
stack $seq rej $rej 3 3 -nonorm -out=$WORK/out/$label
close
EOF
  ( cd "$sw" && /usr/bin/time -v taskset -c "$CORES" siril-cli -s "$sw/job.ssf" > "$log.out" 2> "$log.time" ) || {
    tail -20 "$log.out" "$log.time" >&2; exit 1; }
  local t; t=$(elapsed "$log.time")
  echo "$label siril $t $(rss_mib "$log.time") $frames" >> "$RESULTS"
  echo "siril   $label: ${t}s, $(rss_mib "$log.time") MiB RSS; $(grep -m1 'Pixel rejection in channel #0' "$log.out" | sed 's/.*log: //')"
}

echo "== jobs ($CPUS CPUs, Tessera heap $HEAP, load $(cut -d' ' -f1-3 /proc/loadavg))"
for rej in winsorized kappa; do
  s=$([ $rej = winsorized ] && echo w || echo s)
  run_siril "synth_${rej}_siril" $s "$WORK/synth" synth "$N"
  run_tessera "synth_${rej}_tessera" $rej "$WORK/synth" "$N"
  if [ "$i" -gt 0 ]; then
    run_siril "seestar_${rej}_siril" $s "$SEE" seestar "$i"
    run_tessera "seestar_${rej}_tessera" $rej "$SEE" "$i"
  fi
done

# Tessera alone with its defaults (linear_fit, noise_variance, winsorized): what a master tile costs.
run_tessera "synth_defaults_tessera" winsorized "$WORK/synth" "$N" linear_fit noise_variance

echo
echo "== summary (ratio = Siril wall time / Tessera wall time: > 1 means Tessera is faster)"
printf '%-20s %9s %9s %8s %8s %12s %12s %7s\n' job siril_s tessera_s ratio fr/s "MPix·fr/s" "RSS S/T MiB" "budget"
for job in synth_winsorized synth_kappa seestar_winsorized seestar_kappa; do
  s=$(awk -v j="${job}_siril" '$1 == j {print $3, $4, $5}' "$RESULTS")
  t=$(awk -v j="${job}_tessera" '$1 == j {print $3, $4, $5}' "$RESULTS")
  [ -z "$s" ] || [ -z "$t" ] && continue
  read -r ss srss frames <<< "$s"
  read -r ts trss _ <<< "$t"
  size=$([ "${job%%_*}" = synth ] && echo "$W*$H" || echo "1080*1920")
  budget=$(awk -v j="${job}_tessera" '$1 == j {for (k = 6; k <= NF; k++) if ($k ~ /^plan_budget_mib=/) {split($k, a, "="); print a[2]}}' "$RESULTS")
  awk -v job="$job" -v ss="$ss" -v ts="$ts" -v n="$frames" -v px="$size" -v sr="$srss" -v tr="$trss" -v b="$budget" 'BEGIN {
    split(px, d, "*"); mp = d[1] * d[2] / 1e6;
    printf "%-20s %9.2f %9.2f %8.2f %8.2f %12.1f %12s %7s\n", job, ss, ts, ss / ts, n / ts, mp * n / ts, sr "/" tr, b }'
done

d=$(awk '$1 == "synth_defaults_tessera" {print $3, $4}' "$RESULTS")
[ -n "$d" ] && echo "Tessera defaults (linear_fit + noise_variance + winsorized) on the synthetic set: wall ${d% *} s, RSS ${d#* } MiB;" \
  "$(grep -h -o 'statistics [0-9.]* s, bands [0-9.]* s' "$WORK/out/synth_defaults_tessera.time" || true)"

# How close the two tools' stacks are (needs python3-astropy; skipped otherwise).
if /usr/bin/python3 -c "import astropy" 2>/dev/null; then
  echo
  echo "== Tessera vs Siril result: |T - S| (median, 99th percentile) in data units and relative to the stack level"
  /usr/bin/python3 - "$WORK/out" <<'EOF'
import sys, numpy as np
from astropy.io import fits
out = sys.argv[1]
for job in ["synth_winsorized", "synth_kappa", "seestar_winsorized", "seestar_kappa"]:
    try:
        t = fits.getdata(f"{out}/{job}_tessera.fit").astype(np.float64)
        s = fits.getdata(f"{out}/{job}_siril.fit").astype(np.float64)
    except FileNotFoundError:
        continue
    s = s.reshape(t.shape)
    if job.startswith("seestar"):
        s = s * 65535.0  # Siril keeps 16-bit data scaled to [0, 1] in 32-bit mode
    d = np.abs(t - s)
    level = np.median(t)
    extra = f"  = {np.median(d) / 0.01:.3f} / {np.percentile(d, 99) / 0.01:.3f} frame noise" if job.startswith("synth") else ""
    print(f"{job:20s} median {np.median(d):.4g}  p99 {np.percentile(d, 99):.4g}  level {level:.4g}  "
          f"(relative {np.median(d) / level:.2e} / {np.percentile(d, 99) / level:.2e}){extra}")
EOF
fi
echo
echo "results: $RESULTS"

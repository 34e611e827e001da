#!/bin/bash
# Phase 5 benchmark: Tessera vs SWarp vs astropy reproject on the same inputs and the same output
# grid, in the same run. Each tool is one whole process timed by /usr/bin/time -v (wall clock and
# peak resident memory). Usage, from the repository root:
#   bench/reproject/run.sh [WORKDIR]        (default /tmp/tessera-bench-reproject)
# Environment: SIZE (synthetic tile side, 2000), TESSERA_XMX (-Xmx of Tessera's JVM, 256m),
#   REPEAT (runs of each case, 3: the median wall and CPU time and the largest peak memory are
#   kept; the machine is shared, single runs are noisy), SKIP_ASTROPY_SYNTH=1 to skip astropy on
#   the 16 synthetic tiles (minutes; it always runs once), CASES (which cases to run, default
#   "seestar dss synth16 synth64"), SKIP_ASTROPY_SEESTAR=1 to skip astropy on the Seestar frames,
#   TESSERA_CDS=0 to run Tessera without its class data archive.
# Tessera runs with an AppCDS archive (as bin/tessera does), made before the timed runs: one
# untimed Seestar coadd records the classes it loads, java -Xshare:dump archives them.
set -euo pipefail
cd "$(dirname "$0")/../.."
WORK=${1:-/tmp/tessera-bench-reproject}
SIZE=${SIZE:-2000}
XMX=${TESSERA_XMX:-256m}
THREADS=$(nproc)
mkdir -p "$WORK"
LOG="$WORK/results.tsv"
: > "$LOG"

CASES=" ${CASES:-seestar dss synth16 synth64} "
want() { [[ "$CASES" == *" $1 "* ]]; }

echo "== build"
mvn -o -q -B test-compile dependency:build-classpath -Dmdep.outputFile=target/classpath.txt >/dev/null
# Class data sharing needs jars, not class directories.
mkdir -p target/bench-cds
rm -f target/bench-cds/*
jar cf target/bench-cds/classes.jar -C target/classes .
jar cf target/bench-cds/test-classes.jar -C target/test-classes .
CP="target/bench-cds/classes.jar:target/bench-cds/test-classes.jar:$(cat target/classpath.txt)"
# A small initial heap that grows only as needed, and no cached multi-MiB NIO buffers: the
# resident memory then follows what the engine really holds (bands, strip cache, previews).
# Arrays of 1 MiB and more (cache blocks, band buffers: they live for the whole run) go straight
# to the old generation, as G1, the default collector, does with such arrays: the serial
# collector would otherwise copy them through the young generation (2/3 of its pause time).
JVM=(java -Xms64m -Xmx$XMX -XX:+UseSerialGC -XX:MinHeapFreeRatio=20 -XX:MaxHeapFreeRatio=40
     -XX:PretenureSizeThreshold=1m -Djdk.nio.maxCachedBufferSize=262144)
JAVA=("${JVM[@]}" -cp "$CP" org.tessera.bench.reproject.ReprojectBench)
PY=/usr/bin/python3
SWARP=$(command -v swarp || command -v SWarp || echo swarp)

REPEAT=${REPEAT:-3}

# measure NAME CMD... : runs CMD $RUNS times (default $REPEAT) under /usr/bin/time -v and appends
# "NAME median_wall_s max_rss_mib median_cpu_s" to $LOG (cpu = user + system).
measure() {
  local name=$1; shift
  local walls=() cpus=() rss=0 k
  for ((k = 1; k <= ${RUNS:-$REPEAT}; k++)); do
    local tf="$WORK/time_$name.$k.txt"
    /usr/bin/time -v "$@" > "$WORK/out_$name.txt" 2> "$tf" || { echo "FAILED: $name"; tail -5 "$tf"; return 1; }
    walls+=("$(awk -F': ' '/Elapsed \(wall clock\)/{n=split($2,p,":"); s=0; for(i=1;i<=n;i++) s=s*60+p[i]; print s}' "$tf")")
    cpus+=("$(awk -F': ' '/User time/{u=$2} /System time/{s=$2} END{print u+s}' "$tf")")
    local r; r=$(awk -F': ' '/Maximum resident set size/{printf "%.0f", $2/1024}' "$tf")
    (( r > rss )) && rss=$r
  done
  local wall cpu
  wall=$(printf "%s\n" "${walls[@]}" | sort -g | awk '{a[NR]=$1} END{print a[int((NR+1)/2)]}')
  cpu=$(printf "%s\n" "${cpus[@]}" | sort -g | awk '{a[NR]=$1} END{print a[int((NR+1)/2)]}')
  printf "%s\t%s\t%s\t%s\t(walls: %s)\n" "$name" "$wall" "$rss" "$cpu" "${walls[*]}" | tee -a "$LOG"
}

swarp_run() { # swarp_run NAME HEAD KERNEL FILES...
  local name=$1 head=$2 kernel=$3; shift 3
  local out="$WORK/swarp_$name.fits"
  cp "$head" "${out%.fits}.head"
  mkdir -p "$WORK/swarp_tmp"
  measure "swarp_$name" "$SWARP" "$@" -IMAGEOUT_NAME "$out" -WEIGHTOUT_NAME "${out%.fits}_w.fits" \
    -RESAMPLING_TYPE "$kernel" -COMBINE_TYPE WEIGHTED -SUBTRACT_BACK N -WEIGHT_TYPE NONE \
    -FSCALASTRO_TYPE NONE -RESAMPLE_DIR "$WORK/swarp_tmp" -DELETE_TMPFILES Y -NTHREADS "$THREADS" \
    -COPY_KEYWORDS OBJECT -WRITE_XML N -VERBOSE_TYPE QUIET
}

echo "== inputs"
if want synth16; then [ -f "$WORK/synth16/tile_015.fits" ] || "${JAVA[@]}" synth "$WORK/synth16" 4 4 "$SIZE"; fi
if want synth64; then [ -f "$WORK/synth64/tile_063.fits" ] || "${JAVA[@]}" synth "$WORK/synth64" 8 8 "$SIZE"; fi
SEESTAR=(../shared/data/seestar_ngc7023_solved/*.fit)
"${JAVA[@]}" grid "$WORK/seestar.head" "${SEESTAR[@]}"
DSS=(../shared/data/dss_pair/*.fits)
"${JAVA[@]}" grid "$WORK/dss.head" "${DSS[@]}"
shopt -s nullglob
S16=("$WORK"/synth16/tile_*.fits)
S64=("$WORK"/synth64/tile_*.fits)
shopt -u nullglob

if [ "${TESSERA_CDS:-1}" != 0 ]; then
  echo "== class data archive (not timed)"
  "${JVM[@]}" -XX:DumpLoadedClassList=target/bench-cds/classes.lst -cp "$CP" org.tessera.bench.reproject.ReprojectBench \
    coadd "$WORK/seestar.head" "$WORK/cds_warmup.fits" bilinear "$THREADS" "${SEESTAR[@]}" > /dev/null 2>&1
  if java -Xshare:dump -XX:SharedClassListFile=target/bench-cds/classes.lst -XX:SharedArchiveFile=target/bench-cds/tessera.jsa \
      -cp "$CP" > target/bench-cds/dump.log 2>&1; then
    # -Xshare:on: a run that cannot map the archive fails instead of silently timing without it.
    JAVA=("${JVM[@]}" -XX:SharedArchiveFile=target/bench-cds/tessera.jsa -Xshare:on -cp "$CP" org.tessera.bench.reproject.ReprojectBench)
  else
    echo "class data archive failed (target/bench-cds/dump.log): Tessera runs without it"
  fi
fi

if want seestar; then
  echo "== real: Seestar NGC 7023, 6 raw frames 1080x1920 as mono"
  measure tessera_seestar_bilinear "${JAVA[@]}" coadd "$WORK/seestar.head" "$WORK/tessera_seestar.fits" bilinear "$THREADS" "${SEESTAR[@]}"
  swarp_run seestar_bilinear "$WORK/seestar.head" BILINEAR "${SEESTAR[@]}"
  if [ "${SKIP_ASTROPY_SEESTAR:-0}" != 1 ]; then
    measure astropy_seestar_bilinear $PY bench/reproject/astropy_coadd.py "$WORK/seestar.head" "$WORK/astropy_seestar.fits" bilinear "${SEESTAR[@]}"
  fi
  measure tessera_seestar_lanczos3 "${JAVA[@]}" coadd "$WORK/seestar.head" "$WORK/tessera_seestar_l3.fits" lanczos3 "$THREADS" "${SEESTAR[@]}"
  swarp_run seestar_lanczos3 "$WORK/seestar.head" LANCZOS3 "${SEESTAR[@]}"
  # The exact (area overlap) kernel: SWarp has none; astropy's reproject_exact takes minutes here.
  measure tessera_seestar_exact "${JAVA[@]}" coadd "$WORK/seestar.head" "$WORK/tessera_seestar_ex.fits" exact "$THREADS" "${SEESTAR[@]}"
fi

if want dss; then
  echo "== real: DSS pair, 2 x 177x177"
  measure tessera_dss_bilinear "${JAVA[@]}" coadd "$WORK/dss.head" "$WORK/tessera_dss.fits" bilinear "$THREADS" "${DSS[@]}"
  swarp_run dss_bilinear "$WORK/dss.head" BILINEAR "${DSS[@]}"
  measure astropy_dss_bilinear $PY bench/reproject/astropy_coadd.py "$WORK/dss.head" "$WORK/astropy_dss.fits" bilinear "${DSS[@]}"
  measure tessera_dss_exact "${JAVA[@]}" coadd "$WORK/dss.head" "$WORK/tessera_dss_ex.fits" exact "$THREADS" "${DSS[@]}"
  measure astropy_dss_exact $PY bench/reproject/astropy_coadd.py "$WORK/dss.head" "$WORK/astropy_dss_ex.fits" exact "${DSS[@]}"
fi

if want synth16; then
  echo "== synthetic: 16 tiles ${SIZE}x${SIZE}"
  measure tessera_synth16_bilinear "${JAVA[@]}" coadd "$WORK/synth16/grid.head" "$WORK/tessera_s16.fits" bilinear "$THREADS" "${S16[@]}"
  swarp_run synth16_bilinear "$WORK/synth16/grid.head" BILINEAR "${S16[@]}"
  measure tessera_synth16_lanczos3 "${JAVA[@]}" coadd "$WORK/synth16/grid.head" "$WORK/tessera_s16_l3.fits" lanczos3 "$THREADS" "${S16[@]}"
  swarp_run synth16_lanczos3 "$WORK/synth16/grid.head" LANCZOS3 "${S16[@]}"
  if [ "${SKIP_ASTROPY_SYNTH:-0}" != 1 ]; then
    RUNS=1 measure astropy_synth16_bilinear $PY bench/reproject/astropy_coadd.py "$WORK/synth16/grid.head" "$WORK/astropy_s16.fits" bilinear "${S16[@]}"
  fi
fi

if want synth64; then
  echo "== memory when the mosaic grows 4x: 64 tiles"
  measure tessera_synth64_bilinear "${JAVA[@]}" coadd "$WORK/synth64/grid.head" "$WORK/tessera_s64.fits" bilinear "$THREADS" "${S64[@]}"
  swarp_run synth64_bilinear "$WORK/synth64/grid.head" BILINEAR "${S64[@]}"
fi

echo
echo "== summary (median wall s, peak RSS MiB, median CPU s = user + system; ratio = Tessera / peer)"
awk -F'\t' '
  { wall[$1]=$2; rss[$1]=$3; cpu[$1]=$4 }
  END {
    n = split("seestar_bilinear seestar_lanczos3 seestar_exact dss_bilinear dss_exact synth16_bilinear synth16_lanczos3 synth64_bilinear", cases, " ")
    printf "%-17s %7s %6s %4s | %7s %6s %4s | %7s %6s %4s | %9s %8s %9s %9s\n", "case", "tessera", "cpu", "MiB", "swarp", "cpu", "MiB", "astropy", "cpu", "MiB", "wall/swarp", "cpu/swarp", "mem/swarp", "astropy/t"
    for (i = 1; i <= n; i++) {
      c = cases[i]; t = "tessera_" c; s = "swarp_" c; a = "astropy_" c
      if (!(t in wall)) continue
      printf "%-17s %7.2f %6.2f %4d | %7s %6s %4s | %7s %6s %4s | %9s %8s %9s %9s\n", c, wall[t], cpu[t], rss[t],
        (s in wall) ? sprintf("%.2f", wall[s]) : "-", (s in cpu) ? sprintf("%.2f", cpu[s]) : "-", (s in rss) ? rss[s] : "-",
        (a in wall) ? sprintf("%.2f", wall[a]) : "-", (a in cpu) ? sprintf("%.2f", cpu[a]) : "-", (a in rss) ? rss[a] : "-",
        (s in wall) ? sprintf("%.2f", wall[t] / wall[s]) : "-", (s in cpu) ? sprintf("%.2f", cpu[t] / cpu[s]) : "-",
        (s in rss) ? sprintf("%.2f", rss[t] / rss[s]) : "-", (a in wall) ? sprintf("%.1fx", wall[a] / wall[t]) : "-"
    }
    if (("tessera_synth16_bilinear" in rss) && ("tessera_synth64_bilinear" in rss))
      printf "memory growth 16 -> 64 tiles (mosaic area x4): tessera %.2fx, swarp %s\n",
        rss["tessera_synth64_bilinear"] / rss["tessera_synth16_bilinear"],
        ("swarp_synth64_bilinear" in rss && "swarp_synth16_bilinear" in rss) ? sprintf("%.2fx", rss["swarp_synth64_bilinear"] / rss["swarp_synth16_bilinear"]) : "-"
  }' "$LOG"

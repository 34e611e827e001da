#!/bin/bash
# Issue 15, items 2 and 3: what a user running `bin/tessera` with its defaults gets, against SWarp,
# in the same run. Each job runs SWarp and `bin/tessera reproject` (no JAVA_OPTS: the launcher's
# default heap and collector, its class data archive, every default step: outlier gate, matching,
# background extraction, preview PNG) back to back, in alternating order from round to round;
# whole processes under /usr/bin/time (wall, peak RSS, CPU). Prints per-round ratios and their median.
# Usage, from the repository root, after `mvn -o -q -B package -DskipTests`:
#   bench/reproject/launcher.sh [WORKDIR]        (default /tmp/tessera-bench-launcher)
# Environment: ROUNDS (3), JOBS (default "dss tm4 tm12 w1 w1g1 w2 m94 m94g1"), SWARP_THREADS (nproc),
#   BEFORE: a built checkout of another commit (its bin/tessera, target/), run as a third peer in
#   the same rounds (jobs "JOB@before"), so that a change is measured before/after under the same load.
# Jobs (synthetic sets from ReprojectBench synth, float32, 1"/px, 10 % overlap, ±0.5° rotation):
#   dss   the DSS pair (../shared/data/dss_pair, 2 × 177²)
#   tm4   2MASS-sized: 2×2 tiles of 512×1024 (a 2MASS Atlas image's size)
#   tm12  2MASS-sized: 3×4 tiles of 512×1024
#   w1    W1-like: 4×4 tiles of 2000² (245 MB; SWarp ~290 MiB)
#   w2    W2-like: 5×5 tiles of 1600²
#   m94   `bin/tessera mosaic` end to end on ../shared/data/seestar_m94_subset (no SWarp peer)
#   JOBg1 (e.g. w1g1, m94g1) the same Tessera job with JAVA_OPTS=-XX:+UseG1GC: the launcher's 1 GiB
#         heap under the JVM's default collector, as before this change (no SWarp peer)
# SWarp: bilinear, weighted mean, no background subtraction, no flux scaling, its own grid, as
# bench/reproject/run.sh (Tessera's defaults do more: the gate, matching, DBE and the preview).
set -euo pipefail
cd "$(dirname "$0")/../.."
WORK=${1:-/tmp/tessera-bench-launcher}
mkdir -p "$WORK" && WORK=$(cd "$WORK" && pwd)
ROUNDS=${ROUNDS:-3}
JOBS=${JOBS:-dss tm4 tm12 w1 w1g1 w2 m94 m94g1}
THREADS=${SWARP_THREADS:-$(nproc)}
SWARP=$(command -v SWarp || command -v swarp || true)
[ -n "$SWARP" ] || { echo "SWarp not found (Debian: apt-get install swarp)" >&2; exit 1; }
mkdir -p "$WORK"
LOG="$WORK/results.txt"
: > "$LOG"

mvn -o -q -B test-compile dependency:build-classpath -Dmdep.outputFile=target/classpath.txt >/dev/null
CP="target/test-classes:target/classes:$(cat target/classpath.txt)"
synth() { [ -f "$WORK/$1/tile_000.fits" ] || java -Xmx1g -cp "$CP" org.tessera.bench.reproject.ReprojectBench synth "$WORK/$1" "${@:2}"; }
synth tm4 2 2 512 1024
synth tm12 3 4 512 1024
case " $JOBS " in *" w1 "*) synth w1 4 4 2000 ;; esac
case " $JOBS " in *" w2 "*) synth w2 5 5 1600 ;; esac

files() {
  case $1 in
    *g1) files "${1%g1}" ;;
    dss) echo ../shared/data/dss_pair/*.fits ;;
    m94) echo ../shared/data/seestar_m94_subset ;;
    *) echo "$WORK/$1"/tile_*.fits ;;
  esac
}

# The launcher's class data archive, as a user has it from the second run on.
echo "== warm-up (class data archive)"
for tree in . ${BEFORE:+"$BEFORE"}; do
  for k in 1 2; do "$tree"/bin/tessera reproject -q "$WORK/warm" $(files tm4) > /dev/null; done
  JAR=$(ls -t "$tree"/target/tessera-*.jar | grep -v -e sources -e tests -e javadoc | head -1)
  for _ in $(seq 90); do [ -n "$(find "$tree"/target/cds -name '*.jsa' -newer "$JAR" 2>/dev/null)" ] && break; sleep 1; done
done

timed() { # NAME ROUND CMD...
  local name=$1 round=$2; shift 2
  local tf="$WORK/time_${name}_$round.txt"
  /usr/bin/time -f "%e %M %U %S" "$@" > "$WORK/out_$name.txt" 2> "$tf.all" || { tail -5 "$tf.all"; exit 1; }
  tail -1 "$tf.all" > "$tf"
  read -r wall rss u s < "$tf"
  awk -v n="$name" -v r="$round" -v w="$wall" -v m="$rss" -v u="$u" -v s="$s" \
    'BEGIN { printf "%s %s %s %.0f %.2f\n", n, r, w, m / 1024, u + s }' | tee -a "$LOG"
}

run_swarp() { # JOB ROUND
  local d="$WORK/swarp_$1" f; mkdir -p "$d"
  f=$(files "$1" | xargs -n1 readlink -f)
  # shellcheck disable=SC2086
  ( cd "$d" && timed "swarp_$1" "$2" "$SWARP" $f \
      -IMAGEOUT_NAME "$d/coadd.fits" -WEIGHTOUT_NAME "$d/coadd.weight.fits" -RESAMPLING_TYPE BILINEAR \
      -COMBINE_TYPE WEIGHTED -SUBTRACT_BACK N -WEIGHT_TYPE NONE -FSCALASTRO_TYPE NONE -RESAMPLE_DIR "$d" \
      -DELETE_TMPFILES Y -NTHREADS "$THREADS" -WRITE_XML N -VERBOSE_TYPE QUIET )
}
run_tessera() { # JOB ROUND [TREE NAME-SUFFIX]
  # shellcheck disable=SC2046
  local opts="" tree=${3:-.} name="tessera_$1${4:-}"
  case $1 in *g1) opts="-XX:+UseG1GC" ;; esac
  # A fresh output folder: a mosaic's folder keeps caches a second run would reuse.
  rm -rf "$WORK/$name"
  if [ "${1%g1}" = m94 ]; then JAVA_OPTS="$opts" timed "$name" "$2" "$tree"/bin/tessera mosaic -q $(files m94) "$WORK/$name"
  else JAVA_OPTS="$opts" timed "$name" "$2" "$tree"/bin/tessera reproject -q "$WORK/$name" $(files "$1"); fi
}
run_before() { # JOB ROUND: the same job by the BEFORE checkout, when given
  if [ -n "${BEFORE:-}" ]; then run_tessera "$1" "$2" "$BEFORE" "@before"; fi
}

for round in $(seq "$ROUNDS"); do
  echo "== round $round (load $(cut -d' ' -f1-3 /proc/loadavg); $(date -u +%H:%M:%S) UTC)"
  # The start-up floor: the launcher and a JVM that prints the version and exits.
  timed "tessera_version" "$round" bin/tessera --version
  for job in $JOBS; do
    case $job in m94|*g1) run_tessera "$job" "$round"; run_before "$job" "$round"; continue ;; esac
    if [ $((round % 2)) = 1 ]; then run_swarp "$job" "$round"; run_tessera "$job" "$round"; run_before "$job" "$round"
    else run_before "$job" "$round"; run_tessera "$job" "$round"; run_swarp "$job" "$round"; fi
  done
done
echo "== end (load $(cut -d' ' -f1-3 /proc/loadavg))"

echo
echo "== per-round ratios Tessera / SWarp (wall; peak RSS), median over the rounds"
/usr/bin/python3 - "$LOG" <<'EOF'
import sys, statistics
rows = [l.split() for l in open(sys.argv[1]) if l.strip()]
def get(name): return {r[1]: (float(r[2]), float(r[3]), float(r[4])) for r in rows if r[0] == name}
jobs = []
for r in rows:
    j = r[0].split("_", 1)[1]
    if j not in jobs: jobs.append(j)
for j in jobs:
    t, s = get("tessera_" + j), get("swarp_" + j.split("@")[0])
    tw = [t[k][0] for k in sorted(t)]
    line = f"{j:8s} tessera wall {statistics.median(tw):7.2f} s, RSS {max(t[k][1] for k in t):5.0f} MiB, cpu {statistics.median([t[k][2] for k in t]):6.2f} s"
    if s:
        w = [t[k][0] / s[k][0] for k in sorted(t) if k in s]
        m = [t[k][1] / s[k][1] for k in sorted(t) if k in s]
        line += (f" | swarp wall {statistics.median([s[k][0] for k in s]):6.2f} s, RSS {max(s[k][1] for k in s):5.0f} MiB"
                 f" | wall ratio rounds {' '.join(f'{x:.2f}' for x in w)} median {statistics.median(w):.2f};"
                 f" RSS ratio median {statistics.median(m):.2f}")
    print(line)
for j in [j for j in jobs if j.endswith("@before")]:
    a, b = get("tessera_" + j.split("@")[0]), get("tessera_" + j)
    w = [a[k][0] / b[k][0] for k in sorted(a) if k in b]
    c = [a[k][2] / b[k][2] for k in sorted(a) if k in b]
    print(f"{j.split('@')[0]:8s} this checkout / BEFORE: wall rounds {' '.join(f'{x:.2f}' for x in w)} median {statistics.median(w):.2f};"
          f" cpu rounds {' '.join(f'{x:.2f}' for x in c)} median {statistics.median(c):.2f}")
EOF
echo "results: $LOG"

#!/usr/bin/env bash
# Science checks of the mosaics (not a test: figures for docs/benchmarks.md, "Accuracy of the
# mosaics"): the built-in sky's 20 frames through Classic, SDS and Grid mode, each mosaic's stars
# against the truth (astrometric RMS, flux / truth, its spread and plane); the M 94 subset through
# the three modes, star by star against Classic; ALPHA against coverage. Needs /usr/bin/python3
# with astropy. Outputs under target/bench-science.
#
#   bench/science/run.sh
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
cd "$ROOT"
WORK=${WORK:-$ROOT/target/bench-science}
PY=${PY:-/usr/bin/python3}
CHECK="$PY $ROOT/bench/science/starcheck.py"
M94=${M94:-$ROOT/../shared/data/seestar_m94_subset}
mvn -o -q -B package -DskipTests
mvn -o -q -B dependency:build-classpath -Dmdep.outputFile=target/classpath.txt
CP="$ROOT/target/test-classes:$ROOT/target/classes:$(cat target/classpath.txt)"
rm -rf "$WORK"
mkdir -p "$WORK"
java -cp "$CP" org.tessera.bench.science.DemoSkyFiles "$WORK/sky" "$WORK/truth_stars.csv" 2>/dev/null
plan() { # a Grid stack plan of the frames in $1 (mount EQ for all: one mosaic, not one per mount)
  mkdir -p "$2"; { echo "file_path;exptime;mount"; for f in "$1"/*.fit; do echo "$f;10;EQ"; done; } > "$2/stack_plan.csv"
}
T=bin/tessera
echo "== built-in sky (truth)"
$T mosaic -q "$WORK/sky" "$WORK/sky-classic" > /dev/null
# SDS is for one field shot many times: on 4 panels, one batch per panel
$T mosaic -q --mode sds --set sds_coverage_threshold=0.2 --set sds_min_batch_size=5 --set sds_target_batch_size=5 \
  "$WORK/sky" "$WORK/sky-sds" > /dev/null
plan "$WORK/sky" "$WORK/sky-gridin"
$T mosaic -q "$WORK/sky-gridin" "$WORK/sky-grid" > /dev/null
$CHECK truth "$WORK/sky-classic/mosaic.fits" "$WORK/truth_stars.csv" --tiles "$WORK/sky-classic/master_tiles"
$CHECK truth "$WORK/sky-sds/mosaic.fits" "$WORK/truth_stars.csv"
$CHECK truth "$WORK/sky-grid/mosaic_grid.fits" "$WORK/truth_stars.csv"
$CHECK alpha "$WORK/sky-classic/mosaic.fits" "$WORK/sky-classic/mosaic_coverage.fits"
if [[ -d "$M94" ]]; then
  echo "== M 94 subset (mode against mode)"
  $T mosaic -q "$M94" "$WORK/m94-classic" > /dev/null
  $T mosaic -q --mode sds --set sds_coverage_threshold=0.5 "$M94" "$WORK/m94-sds" > /dev/null
  mkdir -p "$WORK/m94-gridin"; { echo "file_path;exptime"; for f in "$M94"/*/*.fit; do echo "$f;10"; done; } > "$WORK/m94-gridin/stack_plan.csv"
  $T mosaic -q "$WORK/m94-gridin" "$WORK/m94-grid" > /dev/null
  $CHECK modes "$WORK/m94-classic/mosaic.fits" "$WORK/m94-sds/mosaic.fits" "$WORK/m94-grid/mosaic_grid.fits"
  for m in m94-classic/mosaic m94-sds/mosaic m94-grid/mosaic_grid; do $CHECK alpha "$WORK/$m.fits" "$WORK/${m}_coverage.fits"; done
  command -v fitsverify > /dev/null && fitsverify -q "$WORK/m94-classic/mosaic.fits" "$WORK/m94-sds/mosaic.fits" "$WORK/m94-grid/mosaic_grid.fits"
fi

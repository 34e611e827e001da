#!/usr/bin/env bash
# Star shapes (FWHM, elongation) of single frames, Tessera's master tiles and mosaics, and Siril's
# stacks of the same frames (not a test: figures for docs/benchmarks.md, "Star shapes"). What a
# registration error (a rotation error grows towards the corners), a resampling kernel, the
# demosaic or the rejection costs shows as wider or elongated stars; bench/science/starshape.py
# measures them (elliptical Gaussian fits, numpy + astropy) in the centre and the four corners.
#
#   bench/science/starshape.sh                       # Tessera of this checkout + Siril, all data
#   TESSERA=/other/checkout/bin/tessera SIRIL=0 WORK=target/ss-other bench/science/starshape.sh
#
# Data: ../shared/data (seestar_m94_subset, seestar_m94_raw, seestar_ngc7023_solved,
# m13_raw_frames), the built-in sky's 20 frames (bench.science.DemoSkyFiles) and the e2e set's 40
# raw frames without WCS (bench.e2e.E2eFrames, N=40 NIGHTS=1; the plate solve stood in as in
# bench/e2e/run.sh). Single frames: `tessera stack ONE.fits FRAME` (the frame debayered on its own
# grid, not resampled). Siril 1.0.6: convert (-debayer), register (global star alignment,
# homography), stack rej w 3 3 -norm=addscale -weighted (Tessera's defaults: winsorized 3/3,
# normalised, noise-weighted). Outputs under $WORK.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
cd "$ROOT"
T=${TESSERA:-$ROOT/bin/tessera}
WORK=${WORK:-$ROOT/target/bench-starshape}
DATA=${DATA:-$ROOT/../shared/data}
PY=${PY:-/usr/bin/python3}
SIRIL=${SIRIL:-1}
S="$PY $ROOT/bench/science/starshape.py"
mvn -o -q -B package -DskipTests
mvn -o -q -B dependency:build-classpath -Dmdep.outputFile=target/classpath.txt
CP="$ROOT/target/test-classes:$ROOT/target/classes:$(cat target/classpath.txt)"
FR=${FRAMES:-$ROOT/target/bench-starshape-frames}
mkdir -p "$WORK" "$FR"
echo "== $(date -u +%FT%TZ) load $(cut -d' ' -f1-3 /proc/loadavg), tessera $T"

# synthetic inputs, made once (the same frames for every checkout measured)
if [[ ! -f "$FR/sky/.done" ]]; then
  java -cp "$CP" org.tessera.bench.science.DemoSkyFiles "$FR/sky" "$FR/sky_truth.csv" 2>/dev/null
  touch "$FR/sky/.done"
fi
if [[ ! -f "$FR/e2e/.done" ]]; then
  E2E_TRUTH="$FR/e2e_truth" java -Xmx2g -cp "$CP" org.tessera.bench.e2e.E2eFrames "$FR/e2e" "$FR/e2e_truth" 40 1
  touch "$FR/e2e/.done"
fi
E2ESET=(--set solver_choice=astrometry --set "astrometry_net_path=$ROOT/bench/e2e/standin-solve-field")

once() { # OUTPUT COMMAND... : runs the command unless OUTPUT exists (a rerun after a failure goes on)
  local out=$1; shift
  [[ -e "$out" ]] || "$@" > /dev/null
}
singles() { # OUTDIR FRAME... : each frame alone through `tessera stack` (debayered, not resampled)
  local out=$1 i=0 o; shift; mkdir -p "$out"
  for f in "$@"; do i=$((i + 1)); o="$out/single_$(printf %02d $i).fits"; once "$o" $T stack -q "$o" "$f" "${SETS[@]}"; done
}
siril_stack() { # OUTDIR DEBAYER(0|1) FRAME... : Siril's stack of the frames, OUTDIR/siril_stack.fit
  local out=$1 deb=$2 i=0; shift 2; rm -rf "$out"; mkdir -p "$out"
  for f in "$@"; do i=$((i + 1)); ln -s "$(readlink -f "$f")" "$out/light_$(printf %05d $i).fit"; done
  { echo "requires 1.0.0"; echo "set32bits"
    if [[ $deb == 1 ]]; then echo "convert light -debayer -out=conv"; else echo "convert light -out=conv"; fi
    echo "cd conv"; echo "register light"
    echo "stack r_light rej w 3 3 -norm=addscale -weighted -out=../siril_stack"; } > "$out/run.ssf"
  (cd "$out" && siril-cli -s run.ssf > siril.log 2>&1) || echo "siril failed in $out (see siril.log)"
  grep -a -E "Total: .*registered|images have been stacked" "$out/siril.log" | sed 's/^log: /  siril: /' || true
}

M94=$DATA/seestar_m94_subset
N7023=$DATA/seestar_ngc7023_solved
SETS=()
echo "== making images"
singles "$WORK/m94/singles" "$M94"/*/*.fit
once "$WORK/m94/stack_n1.fits" $T stack -q "$WORK/m94/stack_n1.fits" "$M94/night1"
once "$WORK/m94/stack_all.fits" $T stack -q "$WORK/m94/stack_all.fits" "$M94/night1" "$M94/night2" "$M94/night3"
once "$WORK/m94/stack_n12.fits" $T stack -q "$WORK/m94/stack_n12.fits" "$M94/night1" "$M94/night2"
# Phase 3 resampling by Lanczos-3 instead of bilinear (a checkout without the key ignores it: skip)
once "$WORK/m94/stack_n1_l3.fits" $T stack -q "$WORK/m94/stack_n1_l3.fits" "$M94/night1" --set stacking_resample_kernel=lanczos3 || true
once "$WORK/n7023/stack_l3.fits" $T stack -q "$WORK/n7023/stack_l3.fits" "$N7023" --set stacking_resample_kernel=lanczos3 || true
once "$WORK/m94/mosaic/mosaic.fits" $T mosaic -q "$M94" "$WORK/m94/mosaic"
once "$WORK/m94raw/mosaic/mosaic.fits" $T mosaic -q "$DATA/seestar_m94_raw" "$WORK/m94raw/mosaic" || true
singles "$WORK/n7023/singles" "$N7023"/*.fit
once "$WORK/n7023/stack.fits" $T stack -q "$WORK/n7023/stack.fits" "$N7023"
once "$WORK/n7023/mosaic/mosaic.fits" $T mosaic -q "$N7023" "$WORK/n7023/mosaic"
once "$WORK/m13/stack.fits" $T stack -q "$WORK/m13/stack.fits" "$DATA/m13_raw_frames"
singles "$WORK/sky/singles" "$FR"/sky/*_00[13]_*.fit
once "$WORK/sky/mosaic/mosaic.fits" $T mosaic -q "$FR/sky" "$WORK/sky/mosaic"
SETS=(--set solver_choice=none)
singles "$WORK/e2e/singles" "$FR"/e2e/*_00[15]_*.fit
SETS=()
export E2E_TRUTH="$FR/e2e_truth" # what the stand-in solver hands back
once "$WORK/e2e/mosaic/mosaic.fits" $T mosaic -q "$FR/e2e" "$WORK/e2e/mosaic" "${E2ESET[@]}"
if [[ $SIRIL == 1 ]]; then
  echo "== Siril $(siril-cli --version 2>&1 | head -1)"
  siril_stack "$WORK/siril/m94_n1" 1 "$M94"/night1/*.fit
  siril_stack "$WORK/siril/m94_all" 1 "$M94"/*/*.fit
  siril_stack "$WORK/siril/n7023" 1 "$N7023"/*.fit
  siril_stack "$WORK/siril/m13" 0 "$DATA"/m13_raw_frames/*.fit*
fi

echo "== star shapes: median FWHM (px) / elongation 1-b/a (stars), S/N >= 20"
cd "$WORK"
$S --pool "M94 singles, night 1" m94/singles/single_0[1-6].fits
$S --pool "M94 singles, all" m94/singles/single_*.fits
$S m94/stack_n1.fits m94/stack_n12.fits m94/stack_all.fits m94/mosaic/master_tiles/*.fits m94/mosaic/mosaic.fits
[[ -f m94raw/mosaic/mosaic.fits ]] && $S m94raw/mosaic/master_tiles/*.fits m94raw/mosaic/mosaic.fits
$S --pool "NGC 7023 singles" n7023/singles/single_*.fits
$S n7023/stack.fits n7023/mosaic/master_tiles/*.fits n7023/mosaic/mosaic.fits
$S --snr 5 m13/stack.fits
$S --pool "sky singles (truth: Moffat 3.0 px -> fit 3.42)" sky/singles/single_*.fits
$S sky/mosaic/master_tiles/*.fits sky/mosaic/mosaic.fits
$S --pool "e2e singles (truth: Moffat 2.2 px +-10% -> fit 2.59)" e2e/singles/single_*.fits
$S e2e/mosaic/master_tiles/*.fits e2e/mosaic/mosaic.fits
echo "== the same stars (through the WCS): FWHM ratio / elongation difference against the stack's reference frame"
ref=$($PY -c "from astropy.io import fits; print(fits.getheader('m94/stack_n1.fits')['MT_REF'])")
for f in m94/singles/single_0[1-6].fits; do
  [[ $($PY -c "from astropy.io import fits; print(fits.getheader('$f')['MT_REF'])") == "$ref" ]] && n1=$f
done
$S pair --snr 10 "$n1" m94/singles/single_0[1-6].fits m94/stack_n1.fits
[[ -f m94/stack_n1_l3.fits ]] && $S pair --snr 10 "$n1" m94/stack_n1_l3.fits
[[ -f n7023/stack_l3.fits ]] && $S pair --snr 10 n7023/stack.fits n7023/stack_l3.fits
if [[ -f siril/m94_n1/siril_stack.fit ]]; then
  echo "== Siril: its stack against its reference frame (same pixels) and against Tessera's stack (Siril's frame 1's WCS)"
  $S pair --snr 10 siril/m94_n1/conv/light_00001.fit siril/m94_n1/conv/light_0000[2-6].fit
  $S pair --snr 10 --pixels siril/m94_n1/conv/light_00001.fit siril/m94_n1/siril_stack.fit
  $PY - <<'EOF'
from astropy.io import fits
from astropy.wcs import WCS
for d in ('m94_n1', 'm94_all', 'n7023'):
    try:
        w = WCS(fits.getheader('siril/%s/conv/light_00001.fit' % d)).celestial
        fits.PrimaryHDU(fits.getdata('siril/%s/siril_stack.fit' % d), header=w.to_header()).writeto(
            'siril/%s/siril_stack_wcs.fits' % d, overwrite=True)
    except Exception as e:
        print(d, e)
EOF
  $S siril/m94_n1/siril_stack.fit siril/m94_all/siril_stack.fit siril/n7023/siril_stack.fit
  [[ -f siril/m13/siril_stack.fit ]] && $S --snr 5 siril/m13/siril_stack.fit
  $S pair --snr 10 m94/stack_n1.fits siril/m94_n1/siril_stack_wcs.fits m94/singles/single_01.fits siril/m94_n1/conv/light_00001.fit
  $S pair --snr 10 n7023/stack.fits siril/n7023/siril_stack_wcs.fits n7023/singles/single_0[1-6].fits
fi
echo "== $(date -u +%FT%TZ) load $(cut -d' ' -f1-3 /proc/loadavg)"

#!/usr/bin/env bash
# Rehearses the device half of bench/gpu/run.sh here, without a GPU, as a device call runs it:
# after `bench/gpu/run.sh prepare`, a fresh directory gets only what the device tool carries (the
# working tree's tracked and untracked-not-ignored files, plus bench/gpu/build), and
# `bash bench/gpu/run.sh device` runs there under `env -i` with a PATH that has no java, javac,
# jlink or mvn (checked), HOME and OUT fresh directories. Then checks that it ran to the end and
# left summary.txt, gpu-table.md and every step's log in $OUT, with the verdicts of the case.
#
#   bench/gpu/rehearse.sh [case…]       (default: every case)
#     nodriver   no libcuda.so.1                           → "no GPU: no NVIDIA driver …"
#     nodevice   stub libcuda.so.1, cuInit: no device       → "no GPU: no CUDA device …"
#     noload     fake driver + device refusing every image  → "GPU not usable: cannot load the GPU kernels …"
#     wrong      fake driver + device whose kernels do nothing (PTX accepted), a 75 s budget
#                                                           → the health check fails, the suite's tests fail,
#                                                             the benchmark's rows show max rel. diff 1 (those
#                                                             the budget cut say why)
#     healthy    as wrong, but the fake driver computes the health kernel itself, and a stand-in
#                nvidia-smi answers as an H100              → probe PASS (the healthy path of the report),
#                                                             the suite's other tests fail, exit 1
#     nopython   no python3 on PATH                         → cupy "python3 not found"
#     nobudget   a 3 s budget                               → the steps after it say "no time left", the report is still written
#     cupyshim   no driver, a numpy stand-in for CuPy        → cupy_kappa.py runs at full size (on the CPU,
#                                                             ~40 s), its time reaches summary.txt and the table
#     hostrun    the host driver (libcuda-host-device.cpp: the kernels of src/main/cuda compiled by g++,
#                run on the CPU, streams as late as CUDA allows), the benchmark at its small sizes
#                (TESSERA_GPU_BENCH_SIZE=small)          → probe PASS, the suite passes (every test), the
#                                                             benchmark's rows within 1e-5 of the CPU; exit 1
#                                                             (only because CuPy is skipped)
# python3 here has no CuPy, so every case also goes through "CuPy not importable".
# The stub drivers are test resources (src/test/resources/org/tessera/gpu/libcuda-*.c), built with gcc.
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$PWD
[ -f bench/gpu/build/jre.tgz ] || { echo "[rehearse] run bench/gpu/run.sh prepare first" >&2; exit 1; }
cases=("$@")
[ ${#cases[@]} -gt 0 ] || cases=(nodriver nodevice noload wrong healthy nopython nobudget cupyshim hostrun)

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# A PATH without Java or Maven: links to /usr/bin's programs but those.
mkdir -p "$tmp/bin" "$tmp/bin-nopython"
for f in /usr/bin/*; do
  n=${f##*/}
  case "$n" in java|javac|javadoc|jar|jarsigner|jlink|jshell|jdeps|jcmd|jfr|jps|jstack|jmap|keytool|mvn|mvnDebug|rmiregistry|serialver) continue ;; esac
  ln -s "$f" "$tmp/bin/$n"
  case "$n" in python*|pip*|pydoc*) ;; *) ln -s "$f" "$tmp/bin-nopython/$n" ;; esac
done
# A stand-in nvidia-smi (case healthy), answering as an H100 with driver 580 would.
mkdir -p "$tmp/bin-smi"
cp -P "$tmp"/bin/* "$tmp/bin-smi/"
cat > "$tmp/bin-smi/nvidia-smi" <<'EOF'
#!/bin/sh
# A stand-in for nvidia-smi (bench/gpu/rehearse.sh only).
case "$*" in
  *--query-gpu=*) echo "NVIDIA H100 80GB HBM3 (stand-in), 81559 MiB, 580.65.06, 9.0" ;;
  *) echo "NVIDIA-SMI 580.65.06   Driver Version: 580.65.06   CUDA Version: 13.0 (stand-in)" ;;
esac
EOF
chmod +x "$tmp/bin-smi/nvidia-smi"
if env -i PATH="$tmp/bin" bash -c 'command -v java || command -v mvn' >/dev/null; then
  echo "[rehearse] java or mvn still on the rehearsal PATH" >&2; exit 1
fi
# A stand-in for CuPy on numpy: exactly the API cupy_kappa.py and the env step use (case cupyshim).
mkdir -p "$tmp/shim/cupy/cuda"
cat > "$tmp/shim/cupy/__init__.py" <<'EOF'
"""A stand-in for CuPy on numpy (bench/gpu/rehearse.sh only): the API cupy_kappa.py uses, on the CPU."""
import numpy as _np
from numpy import *  # noqa: F401,F403
from . import cuda  # noqa: F401

__version__ = "0-numpy-shim"


class _DeviceArray(_np.ndarray):
    def get(self):
        return _np.asarray(self)


def asarray(a, dtype=None):
    return _np.asarray(a, dtype=dtype).view(_DeviceArray)
EOF
printf 'from . import runtime  # noqa: F401\n\n\nclass Device:\n    def synchronize(self):\n        pass\n' > "$tmp/shim/cupy/cuda/__init__.py"
printf 'def runtimeGetVersion():\n    return 0\n' > "$tmp/shim/cupy/cuda/runtime.py"
# The stub drivers.
for s in stub fake-device; do
  mkdir -p "$tmp/lib-$s"
  gcc -shared -fPIC -Wl,-soname,libcuda.so.1 -o "$tmp/lib-$s/libcuda.so.1" "src/test/resources/org/tessera/gpu/libcuda-$s.c"
done
# The host driver (case hostrun): the real kernels' sources, compiled here (the rehearsal runs here).
if [[ " ${cases[*]} " == *" hostrun "* ]]; then
  mkdir -p "$tmp/lib-host"
  g++ -std=c++17 -O2 -ffp-contract=off -shared -fPIC -pthread -Wl,-soname,libcuda.so.1 -I src/main/cuda -I src/test/resources/org/tessera/gpu \
      -o "$tmp/lib-host/libcuda.so.1" src/test/resources/org/tessera/gpu/libcuda-host-device.cpp
fi

failed=0
check() { # check FILE TEXT…: every TEXT is in FILE
  local f=$1; shift
  for t in "$@"; do
    if ! grep -qF -- "$t" "$f"; then echo "[rehearse] $case: ${f##*/} lacks: $t"; bad=1; fi
  done
}

for case in "${cases[@]}"; do
  dev="$tmp/$case/tree" out="$tmp/$case/out" home="$tmp/$case/home" bad=0
  mkdir -p "$dev" "$out" "$home"
  # Exactly what a device call carries.
  git ls-files -co --exclude-standard -z | tar --null --ignore-failed-read -T - -cf - 2>/dev/null | tar -xf - -C "$dev"
  cp -r bench/gpu/build "$dev/bench/gpu/"
  envs=(PATH="$tmp/bin" HOME="$home" OUT="$out")
  case "$case" in
    nodriver) ;;
    nodevice) envs+=(LD_LIBRARY_PATH="$tmp/lib-stub") ;;
    noload) envs+=(LD_LIBRARY_PATH="$tmp/lib-fake-device") ;;
    wrong) envs+=(LD_LIBRARY_PATH="$tmp/lib-fake-device" TESSERA_FAKE_PTX=accept TESSERA_GPU_BUDGET_S=75) ;;
    nopython) envs=(PATH="$tmp/bin-nopython" HOME="$home" OUT="$out") ;;
    nobudget) envs+=(TESSERA_GPU_BUDGET_S=3) ;;
    cupyshim) envs+=(PYTHONPATH="$tmp/shim") ;;
    hostrun) envs+=(LD_LIBRARY_PATH="$tmp/lib-host" TESSERA_GPU_BENCH_SIZE=small) ;;
    healthy) envs=(PATH="$tmp/bin-smi" HOME="$home" OUT="$out" LD_LIBRARY_PATH="$tmp/lib-fake-device" TESSERA_FAKE_PTX=accept
                   TESSERA_FAKE_HEALTH=ok TESSERA_GPU_BUDGET_S=75) ;;
    *) echo "[rehearse] unknown case $case" >&2; exit 64 ;;
  esac
  echo "[rehearse] ==== $case: env -i ${envs[*]} bash bench/gpu/run.sh device ===="
  t0=$SECONDS
  set +e
  (cd "$dev" && env -i "${envs[@]}" bash bench/gpu/run.sh device) > "$tmp/$case/stdout.txt" 2>&1
  rc=$?
  set -e
  echo "[rehearse] $case: exit $rc after $((SECONDS - t0)) s"
  cat "$out/summary.txt" 2>/dev/null || echo "[rehearse] $case: no summary.txt"
  for f in summary.txt gpu-table.md steps.tsv device.txt env.log unpack.log probe.log suite.log cupy.log bench.log; do
    [ -s "$out/$f" ] || { echo "[rehearse] $case: $f missing or empty in \$OUT"; bad=1; }
  done
  want=2; if [ "$case" = healthy ] || [ "$case" = hostrun ]; then want=1; fi # a healthy GPU with a failed or skipped step: 1
  [ "$rc" = "$want" ] || { echo "[rehearse] $case: exit $rc, expected $want"; bad=1; }
  [ -z "$(ls -A "$dev/bench/gpu/build" | grep -v -e jre.tgz -e test-classes.tgz -e lib -e seestar-crop.bin -e cupy_kappa.py -e prepared.txt)" ] \
    || { echo "[rehearse] $case: the device run wrote into bench/gpu/build"; bad=1; }
  if [ "$case" != nobudget ]; then check "$out/summary.txt" "unpack  PASS"; fi
  if [ "$case" != nobudget ] && [ "$case" != cupyshim ]; then check "$out/summary.txt" "cupy    SKIP"; fi
  case "$case" in
    nodriver)
      check "$out/summary.txt" "no GPU: no NVIDIA driver (libcuda.so.1 not found" "suite   SKIP (no GPU)" "bench   SKIP (no GPU)" "CuPy not importable"
      check "$out/gpu-table.md" "| Phase 3 stack 100 × RGB 1920×1080, kappa_sigma | no GPU: no NVIDIA driver" "| Phase 5 coadd 64 RGB tiles" ;;
    nodevice)
      check "$out/summary.txt" "no GPU: no CUDA device (cuInit: CUDA_ERROR_NO_DEVICE)" "suite   SKIP (no GPU)" "bench   SKIP (no GPU)"
      check "$out/gpu-table.md" "bilinear + alpha | no GPU: no CUDA device" \
        "| Phase 3 stack, kappa-sigma: CuPy peer (bench/gpu/cupy_kappa.py, same shape) | not measured: CuPy not importable" ;;
    noload)
      check "$out/summary.txt" "GPU not usable: cannot load the GPU kernels 'health' on Tessera fake device (sm_90, 4096 MiB, device 0) with driver CUDA 13.0 (health.sm_90.cubin: CUDA_ERROR_NO_BINARY_FOR_GPU; health.ptx: CUDA_ERROR_UNSUPPORTED_PTX_VERSION)" \
        "suite   FAIL (exit 1)" "12 failed" "bench   SKIP (no GPU)"
      check "$out/suite.log" "[suite] FAIL JCudaDeviceGpuTest.healthKernelComputes2iPlus1 (" "cannot load the GPU kernels 'health'"
      check "$out/gpu-table.md" "Tessera's probe: Tessera fake device (sm_90, 4096 MiB, device 0), driver CUDA 13.0" ;;
    wrong)
      check "$out/summary.txt" "GPU not usable: health check failed: the health kernel gave 0 at 0 instead of 1" \
        "kernels: health=health.ptx coadd=coadd.ptx stack=stack.ptx" "suite   FAIL (exit 1)" "12 failed"
      # The rows measured (UTF-8 intact, the fake kernels' wrong numbers in plain sight); on a slow
      # or loaded machine the budget cuts the benchmark, and the rows it did not reach say why.
      check "$out/gpu-table.md" "| Phase 3 stack 100 × RGB 1920×1080, kappa_sigma | " "| 1.0e+00 |"
      # The wrong numbers fail the step and the table says its times are not valid.
      check "$out/gpu-table.md" "with max rel. diff > 1e-5: the GPU's results differ from the CPU's, so their GPU times and speed-ups are not valid"
      check "$out/summary.txt" "with max rel. diff > 1e-5: the GPU's results are wrong, their times are not valid"
      if grep -qF "bench   FAIL (GPU != CPU)" "$out/summary.txt"; then check "$out/gpu-table.md" "bilinear + alpha | " "| 1.0e+00 |"
      else check "$out/summary.txt" "bench   FAIL (timed out)"
        check "$out/gpu-table.md" "| not measured: the benchmark ran out of time (bench.log); GPU not usable: health check failed"; fi ;;
    nobudget)
      check "$out/summary.txt" "no time left in the 3 s budget" "bench   SKIP" ;;
    healthy)
      check "$out/summary.txt" "probe   PASS" "Tessera fake device (sm_90, 4096 MiB, device 0), VRAM free" "suite   FAIL (exit 1)" \
        "nvidia-smi: NVIDIA H100 80GB HBM3 (stand-in), 81559 MiB, 580.65.06, 9.0"
      check "$out/nvidia-smi.txt" "Driver Version: 580.65.06"
      check "$out/gpu-table.md" "## GPU (issue 12): NVIDIA H100 80GB HBM3 (stand-in), 20"
      check "$out/suite.log" "[suite] PASS JCudaDeviceGpuTest.healthKernelComputes2iPlus1 ("
      check "$out/gpu-table.md" "Tessera's probe: Tessera fake device (sm_90, 4096 MiB, device 0), driver CUDA 13.0; kernels loaded from health=health.ptx coadd=coadd.ptx stack=stack.ptx." \
        "| Phase 3 stack 100 × RGB 1920×1080, kappa_sigma | "
      if grep -q "GPU not usable\|no GPU" "$out/gpu-table.md"; then echo "[rehearse] $case: gpu-table.md calls a healthy GPU unusable"; bad=1; fi ;;
    cupyshim)
      check "$out/summary.txt" "CUPY_KAPPA_MS=" "no GPU: no NVIDIA driver"
      check "$out/env.log" "cupy 0-numpy-shim CUDA runtime 0"
      check "$out/gpu-table.md" "| Phase 3 stack, kappa-sigma: CuPy peer (bench/gpu/cupy_kappa.py, same shape) | CuPy " \
        " ms; Tessera's GPU time to compare with: no GPU: no NVIDIA driver" ;;
    nopython)
      check "$out/summary.txt" "python3 not found" ;;
    hostrun)
      check "$out/summary.txt" "probe   PASS" "Tessera host device (sm_90, 4096 MiB, device 0), VRAM free" \
        "kernels: health=health.sm_90.cubin coadd=coadd.sm_90.cubin stack=stack.sm_90.cubin" "suite   PASS" " 0 failed, 0 aborted" \
        "bench   PASS"
      check "$out/suite.log" "[host-driver] stats launches="
      if grep -q '^\[suite\] \(FAIL\|ABORTED\)' "$out/suite.log"; then echo "[rehearse] $case: a GPU test failed or aborted on the host driver"; bad=1; fi
      # Every row measured, each within the contract's 1e-5 of the CPU (the bench step fails otherwise).
      check "$out/gpu-table.md" "| Phase 3 stack 12 × RGB 256×64, kappa_sigma | " "| Phase 3 stack 12 × RGB 256×64, winsorized_sigma_clip | " \
        "| Phase 5 coadd 9 RGB tiles 200×200 → "
      if grep -q "max rel. diff > 1e-5\|not measured: the benchmark" "$out/gpu-table.md"; then echo "[rehearse] $case: rows wrong or missing"; bad=1; fi ;;
  esac
  if [ "$bad" != 0 ]; then failed=1; echo "[rehearse] $case: FAILED; stdout of the device run (last 40 lines):"; tail -40 "$tmp/$case/stdout.txt"; fi
  mkdir -p "$root/target/gpu-rehearsal" && rm -rf "$root/target/gpu-rehearsal/$case"
  cp -r "$out" "$root/target/gpu-rehearsal/$case" && cp "$tmp/$case/stdout.txt" "$root/target/gpu-rehearsal/$case/"
  echo "[rehearse] $case: \$OUT and the run's stdout kept in target/gpu-rehearsal/$case"
done
[ "$failed" = 0 ] && echo "[rehearse] every case ran to the end with the expected verdicts: ${cases[*]}"
exit "$failed"

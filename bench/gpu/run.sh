#!/usr/bin/env bash
# GPU checks and benchmark of Tessera (issue 12), in two halves:
#
#   bench/gpu/run.sh prepare   here (no GPU): builds bench/gpu/build/ (~35 MB): a jlink Java
#                              runtime, the jar with its CUBINs, the few runtime jars the GPU code
#                              needs, the test classes + JUnit, a crop of real Seestar frames; then
#                              checks the staged runtime and class path: the GPU suite's logic on the
#                              simulated device (-Dtessera.gpu.dryRun), the benchmark on the simulated
#                              device, the CuPy script's syntax; prints what a device call carries.
#   bench/gpu/run.sh device    on the GPU machine (no Java, no Maven, nothing reachable): the
#                              @Tag("gpu") suite (contracts GPU vs CPU, health kernel, forced OOM,
#                              real frames), then the benchmark table (CPU on every core vs GPU, the
#                              kernel's bandwidth vs the device's copy bandwidth, the CuPy peer), in
#                              under 8 minutes (timeouts 150 + 90 + 220 s).
#                              Output to stdout and to $OUT (suite.txt, bench.md) when $OUT is set.
#
# Device tool call (the build folder is git-ignored, so it must be carried):
#   run(command="bash bench/gpu/run.sh device", carry=["bench/gpu/build"], timeout_s=540)
set -euo pipefail
cd "$(dirname "$0")/../.."
B=bench/gpu/build

prepare() {
  mvn -q -B -o package -DskipTests -Dmaven.source.skip=true || mvn -q -B package -DskipTests -Dmaven.source.skip=true
  mvn -q -B -o dependency:copy-dependencies -DincludeScope=test -DoutputDirectory=target/test-lib \
      -DincludeGroupIds=org.junit.platform,org.junit.jupiter,org.opentest4j,org.apiguardian
  rm -rf "$B" && mkdir -p "$B/lib"
  cp target/tessera-*.jar "$B/lib/" 2>/dev/null || cp target/*.jar "$B/lib/"
  rm -f "$B"/lib/*-sources.jar "$B"/lib/*-tests.jar
  # Only what the GPU code reads: JCuda (Linux natives) and nom-tam-fits (the real frames).
  cp target/lib/jcuda-12.*.jar target/lib/jcuda-natives-*-linux-x86_64.jar target/lib/nom-tam-fits-*.jar "$B/lib/"
  cp target/test-lib/*.jar "$B/lib/"
  (cd target && tar czf "../$B/test-classes.tgz" test-classes/org/tessera/gpu)
  jlink --add-modules java.base,java.logging,java.management,jdk.unsupported,jdk.zipfs --strip-debug --no-header-files \
        --no-man-pages --compress=2 --output "$B/jre"
  tar czf "$B/jre.tgz" -C "$B" jre && rm -rf "$B/jre"
  java -cp "target/classes:target/test-classes:$(ls target/lib/*.jar | tr '\n' ':')" org.tessera.gpu.SeestarCrop "$B/seestar-crop.bin"
  cp bench/gpu/cupy_kappa.py "$B/"
  # Check the staged runtime and class path here: the suite (skips: no GPU) and the simulated benchmark.
  tmp=$(mktemp -d)
  tar xzf "$B/jre.tgz" -C "$tmp" && tar xzf "$B/test-classes.tgz" -C "$tmp"
  cp_="$tmp/test-classes:$(ls "$B"/lib/*.jar | tr '\n' ':')"
  "$tmp/jre/bin/java" -Xmx2g -Dtessera.gpu.dryRun=true -Dtessera.gpu.seestarCrop="$B/seestar-crop.bin" -cp "$cp_" \
      org.tessera.gpu.GpuSuite
  "$tmp/jre/bin/java" -Xmx2g -Dtessera.bench.cupyMs=1 -cp "$cp_" org.tessera.gpu.GpuBench sim small
  rm -rf "$tmp"
  python3 -c "import ast, sys; ast.parse(open(sys.argv[1]).read(), sys.argv[1])" bench/gpu/cupy_kappa.py  # syntax, no __pycache__
  # A device call carries the working tree (tracked and untracked, not ignored) and the build: <= 64 MiB.
  tree=$(git ls-files -co --exclude-standard -z | du -cb --files0-from=- 2>/dev/null | tail -1 | cut -f1)
  build=$(du -sb "$B" | cut -f1)
  echo "[bench] carried: build $((build >> 20)) MiB + working tree $((tree >> 20)) MiB = $(((build + tree) >> 20)) MiB (limit 64 MiB)"
  [ $((build + tree)) -le $((64 << 20)) ] || { echo "[bench] over the 64 MiB a device call carries" >&2; exit 1; }
}

device() {
  out=${OUT:-/tmp/tessera-gpu-out}; mkdir -p "$out"
  work=$(mktemp -d)
  tar xzf "$B/jre.tgz" -C "$work" && tar xzf "$B/test-classes.tgz" -C "$work"
  cp_="$work/test-classes:$(ls "$B"/lib/*.jar | tr '\n' ':')"
  nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader | tee "$out/device.txt" || true
  status=0
  timeout 150 "$work/jre/bin/java" -Xmx8g -Dtessera.gpu.seestarCrop="$B/seestar-crop.bin" -cp "$cp_" \
      org.tessera.gpu.GpuSuite 2>&1 | tee "$out/suite.txt" || status=$?
  # The CuPy peer first (alone on the GPU), its time into the benchmark's table.
  cupy_ms=""
  if python3 -c "import cupy" 2>/dev/null; then
    timeout 90 python3 "$B/cupy_kappa.py" 2>&1 | tee "$out/cupy.txt" || true
    cupy_ms=$(sed -n 's/^CUPY_KAPPA_MS=//p' "$out/cupy.txt" | tail -1)
  else
    echo "CuPy not available: no peer" | tee "$out/cupy.txt"
  fi
  timeout 220 "$work/jre/bin/java" -Xmx48g -Dtessera.bench.cupyMs="$cupy_ms" -cp "$cp_" org.tessera.gpu.GpuBench cuda full 2>&1 \
      | tee "$out/bench.md" || status=$?
  exit $status
}

case "${1:-}" in
  prepare) prepare ;;
  device) device ;;
  *) echo "usage: bench/gpu/run.sh prepare|device" >&2; exit 64 ;;
esac

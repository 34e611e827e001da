#!/usr/bin/env bash
# GPU checks and benchmark of Tessera (issue 12), in two halves:
#
#   bench/gpu/run.sh prepare   here (no GPU): builds bench/gpu/build/ (~45 MB): a jlink Java
#                              runtime, the jar with its CUBINs, the runtime jars, the test classes +
#                              JUnit, a crop of real Seestar frames, the commit it was built from; then
#                              checks the staged runtime and class path: the GPU suite's logic on the
#                              simulated device (-Dtessera.gpu.dryRun), the benchmark on the simulated
#                              device, the CuPy script's syntax; then rehearses the device half
#                              (bench/gpu/rehearse.sh: a copy of exactly what a device call carries,
#                              no Java on PATH, no driver); prints what a device call carries.
#   bench/gpu/run.sh device    on the GPU machine (no Java, no Maven, nothing reachable), in steps,
#                              each with its own time limit inside a budget of 450 s (stays under 8
#                              minutes; TESSERA_GPU_BUDGET_S overrides):
#                                env    (≤ 30 s)  machine, nvidia-smi, python3/CuPy versions
#                                unpack (≤ 30 s)  the Java runtime and the test classes
#                                probe  (≤ 60 s)  open the GPU, load every kernel, the health check
#                                suite  (≤ 150 s) the @Tag("gpu") tests (GPU vs CPU contracts, OOM, real frames)
#                                cupy   (≤ 90 s)  the CuPy kappa-sigma peer, alone on the GPU
#                                bench  (≤ 220 s) the benchmark table (CPU on every core vs GPU);
#                                                 TESSERA_GPU_BENCH_SIZE=small: its small sizes (rehearse.sh hostrun)
#                              Every step runs even when an earlier one failed (each says why it
#                              could not work); without a GPU the whole half takes seconds.
#                              Writes to $OUT (or /tmp/tessera-gpu-out): summary.txt (one line per
#                              step: PASS/FAIL/SKIP, seconds, what it found), gpu-table.md (the
#                              table for docs/benchmarks.md: device, driver, date, commit, rows; rows
#                              not measured say why, e.g. "no GPU: …"), <step>.log for every step,
#                              nvidia-smi.txt, device.txt. Exit status 0 when every step passed, 2
#                              when there is no usable GPU, 1 otherwise (a step failed or was skipped).
#                              The whole takes at most the budget + ~15 s: a device call's timeout_s
#                              below that gets no report (set TESSERA_GPU_BUDGET_S = timeout_s - 30).
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
  # Every runtime jar (the GPU tests reach the stack, reproject and config code and what they use),
  # but JCuda's natives for Linux x86-64 only.
  for j in target/lib/*.jar; do
    case "$j" in *jcuda-natives-*) [[ "$j" == *-linux-x86_64.jar ]] || continue ;; esac
    cp "$j" "$B/lib/"
  done
  cp target/test-lib/*.jar "$B/lib/"
  # Every test class (~1 MB packed): the GPU tests use helpers of other test packages (Logged, SyntheticSky).
  (cd target && tar czf "../$B/test-classes.tgz" test-classes/org)
  # The runtime: a Temurin JDK where there is one (its builds need glibc 2.17, so the runtime starts
  # on any device image; Debian's OpenJDK 17 needs glibc 2.34, which Ubuntu 20.04 or RHEL 8 lack),
  # else the JDK on PATH. TESSERA_GPU_JDK names another JDK home.
  jdk=${TESSERA_GPU_JDK:-$(ls -d /usr/lib/jvm/temurin-*-jdk* 2>/dev/null | sort -V | tail -1)}
  jlink_=${jdk:+$jdk/bin/}jlink
  compress=--compress=2
  if [ "$("$jlink_" --version | cut -d. -f1)" -ge 21 ]; then compress=--compress=zip-9; fi
  "$jlink_" --add-modules java.base,java.logging,java.management,jdk.unsupported,jdk.zipfs --strip-debug --no-header-files \
        --no-man-pages "$compress" --output "$B/jre"
  glibc=$(for f in "$B"/jre/bin/java "$B"/jre/lib/server/libjvm.so "$B"/jre/lib/*.so; do objdump -T "$f" 2>/dev/null | grep -o 'GLIBC_[0-9.]*'; done | sort -uV | tail -1)
  runtime="runtime $("$B/jre/bin/java" -version 2>&1 | head -1 | tr -d '"') from ${jdk:-the JDK on PATH}, needs ${glibc:-an unknown glibc}"
  echo "[bench] $runtime"
  tar czf "$B/jre.tgz" -C "$B" jre && rm -rf "$B/jre"
  java -cp "target/classes:target/test-classes:$(ls target/lib/*.jar | tr '\n' ':')" org.tessera.gpu.SeestarCrop "$B/seestar-crop.bin"
  cp bench/gpu/cupy_kappa.py "$B/"
  # Which code the device runs: the device has no .git.
  { echo "commit $(git rev-parse --short HEAD)$(git diff --quiet HEAD -- src bench pom.xml || echo ' (with uncommitted changes)')"
    echo "prepared $(date -u '+%Y-%m-%d %H:%M UTC') on $(hostname)"
    echo "$runtime"; } > "$B/prepared.txt"
  # Check the staged runtime and class path here: the suite (skips: no GPU) and the simulated benchmark.
  tmp=$(mktemp -d)
  tar xzf "$B/jre.tgz" -C "$tmp" && tar xzf "$B/test-classes.tgz" -C "$tmp"
  cp_="$tmp/test-classes:$(ls "$B"/lib/*.jar | tr '\n' ':')"
  "$tmp/jre/bin/java" -Xmx2g -Dtessera.gpu.dryRun=true -Dtessera.gpu.seestarCrop="$B/seestar-crop.bin" -cp "$cp_" \
      org.tessera.gpu.GpuSuite
  "$tmp/jre/bin/java" -Xmx2g -Dtessera.bench.cupyMs=1 -cp "$cp_" org.tessera.gpu.GpuBench sim small
  rm -rf "$tmp"
  python3 -c "import ast, sys; ast.parse(open(sys.argv[1]).read(), sys.argv[1])" bench/gpu/cupy_kappa.py  # syntax, no __pycache__
  # The device half, as a device call would run it, without a GPU.
  bash bench/gpu/rehearse.sh nodriver
  # A device call carries the working tree (tracked and untracked, not ignored) and the build: <= 64 MiB.
  tree=$(git ls-files -co --exclude-standard -z | du -cb --files0-from=- 2>/dev/null | tail -1 | cut -f1)
  build=$(du -sb "$B" | cut -f1)
  echo "[bench] carried: build $((build >> 20)) MiB + working tree $((tree >> 20)) MiB = $(((build + tree) >> 20)) MiB (limit 64 MiB)"
  [ $((build + tree)) -le $((64 << 20)) ] || { echo "[bench] over the 64 MiB a device call carries" >&2; exit 1; }
}

now_ms() { date +%s%3N; }

device() {
  start=$(now_ms)
  budget=${TESSERA_GPU_BUDGET_S:-450}
  out=${OUT:-/tmp/tessera-gpu-out}
  if ! mkdir -p "$out" 2>/dev/null || ! [ -w "$out" ]; then
    out=$(mktemp -d); echo "[gpu] ${OUT:-/tmp/tessera-gpu-out} is not writable: writing to $out"
  fi
  # The runtime (~50 MB unpacked) and JCuda's extracted natives: /tmp, else the working tree.
  work=$(mktemp -d 2>/dev/null || mktemp -d -p "$PWD")
  trap 'rm -rf "$work"' EXIT
  : > "$out/steps.tsv"
  java="$work/jre/bin/java"
  cp_="$work/test-classes:$(ls "$B"/lib/*.jar 2>/dev/null | tr '\n' ':')"
  # UTF-8 output whatever the locale (env -i, a bare machine: Java 17 would print "×" as "?").
  # (stdout.encoding: Java 19+; sun.stdout.encoding: 17)
  jopts=(-Djava.io.tmpdir="$work" -XX:+ExitOnOutOfMemoryError -Dfile.encoding=UTF-8 -Dstdout.encoding=UTF-8
         -Dstderr.encoding=UTF-8 -Dsun.stdout.encoding=UTF-8 -Dsun.stderr.encoding=UTF-8)

  step env 30 env_report
  step unpack 30 unpack
  # Java 22+ warns on JCuda's System.load unless native access is enabled; older runtimes lack the flag.
  if "$java" --enable-native-access=ALL-UNNAMED -version >/dev/null 2>&1; then jopts+=(--enable-native-access=ALL-UNNAMED); fi
  step probe 60 "$java" -Xmx1g "${jopts[@]}" -cp "$cp_" org.tessera.gpu.JCudaProbe
  step suite 150 "$java" -Xmx8g "${jopts[@]}" -Dtessera.gpu.seestarCrop="$B/seestar-crop.bin" -cp "$cp_" org.tessera.gpu.GpuSuite
  # The CuPy peer before the benchmark (alone on the GPU); its time goes into the benchmark's table.
  if ! command -v python3 >/dev/null; then
    skip cupy "python3 not found"
  elif ! cupy_err=$(timeout 60 python3 -c "import cupy" 2>&1); then
    skip cupy "CuPy not importable: $(printf '%s\n' "$cupy_err" | tail -1)"
  else
    # CuPy's kernel cache in the temp directory: HOME may not be writable.
    CUPY_CACHE_DIR="$work/cupy-cache" step cupy 90 python3 "$B/cupy_kappa.py"
  fi
  cupy_ms=$(sed -n 's/^CUPY_KAPPA_MS=//p' "$out/cupy.log" 2>/dev/null | tail -1)
  # TESSERA_GPU_BENCH_SIZE=small: the benchmark's small sizes (rehearse.sh hostrun, where the "GPU" is the CPU).
  step bench 220 "$java" -Xmx48g "${jopts[@]}" -Dtessera.bench.cupyMs="$cupy_ms" -cp "$cp_" org.tessera.gpu.GpuBench cuda "${TESSERA_GPU_BENCH_SIZE:-full}"
  report
}

# step NAME LIMIT COMMAND…: runs COMMAND (a program within LIMIT seconds and what is left of the
# budget; a function of this script as it is, its commands have their own limits), its output to
# the terminal and to $out/NAME.log; records "NAME exit-status milliseconds" in $out/steps.tsv.
step() {
  local name=$1 limit=$2; shift 2
  local left=$((budget - ($(now_ms) - start) / 1000))
  if ((left < limit)); then limit=$left; fi
  # The script's own steps (env, unpack) always run: they are quick and the report needs them.
  if ((limit < 5)) && ! declare -F "$1" >/dev/null; then skip "$name" "no time left in the ${budget} s budget"; return; fi
  echo "[gpu] ---- step $name (limit ${limit} s, $(( ($(now_ms) - start) / 1000 )) s elapsed) ----"
  local t0 rc ms
  t0=$(now_ms)
  set +e
  if declare -F "$1" >/dev/null; then
    "$@" 2>&1 | tee "$out/$name.log"
  else
    timeout -k 5 "$limit" "$@" 2>&1 | tee "$out/$name.log"
  fi
  rc=${PIPESTATUS[0]}
  set -e
  ms=$(( $(now_ms) - t0 ))
  printf '%s\t%s\t%s\n' "$name" "$rc" "$ms" >> "$out/steps.tsv"
  echo "[gpu] ---- step $name: exit $rc after $(secs "$ms") ----"
}

skip() {
  echo "[gpu] ---- step $1: skipped: $2 ----"
  echo "skipped: $2" > "$out/$1.log"
  printf '%s\tskip\t0\n' "$1" >> "$out/steps.tsv"
}

secs() { echo "$(($1 / 1000)).$(($1 % 1000 / 100)) s"; }

env_report() {
  local t="timeout 10"
  echo "date: $(date -u '+%Y-%m-%d %H:%M:%S UTC')"
  echo "host: $(uname -a)"
  echo "cpus: $(nproc)"
  echo "glibc: $(ldd --version 2>/dev/null | head -1)"
  if [ -f /etc/os-release ]; then echo "os: $(. /etc/os-release && echo "${PRETTY_NAME:-unknown}")"; fi
  $t free -m || true
  $t df -h . /tmp "$out" 2>&1 || true
  echo "OUT=${OUT:-<unset>} (writing to $out)  PATH=$PATH  LD_LIBRARY_PATH=${LD_LIBRARY_PATH:-}"
  for c in java python3 nvidia-smi timeout tar gzip; do echo "$c: $(command -v "$c" || echo 'not found')"; done
  { $t ldconfig -p 2>/dev/null || true; } | grep -E 'libcuda\.so' || echo "libcuda.so: not in the ldconfig cache"
  if command -v python3 >/dev/null; then
    python3 --version 2>&1 || true
    timeout 30 python3 -c "import cupy, cupy.cuda.runtime as r; print('cupy', cupy.__version__, 'CUDA runtime', r.runtimeGetVersion())" 2>&1 | tail -3 || true
  fi
  if command -v nvidia-smi >/dev/null; then
    $t nvidia-smi > "$out/nvidia-smi.txt" 2>&1 || true
    cat "$out/nvidia-smi.txt"
    # compute_cap needs driver 510 or later: without it, the other three.
    $t nvidia-smi --query-gpu=name,memory.total,driver_version,compute_cap --format=csv,noheader > "$out/device.txt" 2>&1 \
      || $t nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader > "$out/device.txt" 2>&1 || true
  else
    echo "nvidia-smi: not found" > "$out/device.txt"
  fi
  cat "$out/device.txt"
  if [ -f "$B/prepared.txt" ]; then cat "$B/prepared.txt"; else echo "$B/prepared.txt missing"; fi
  return 0
}

unpack() {
  tar xzf "$B/jre.tgz" -C "$work" && tar xzf "$B/test-classes.tgz" -C "$work" && "$java" -version
}

# The text after "PREFIX " on the last such line of a step's log, or nothing.
field() { sed -n "s/^$2 //p" "$out/$1.log" 2>/dev/null | tail -1; }
count() { grep -c "$2" "$out/$1.log" 2>/dev/null || true; }
first_error() { { grep -E 'Exception|Error' "$out/$1.log" 2>/dev/null || true; } | head -1; }
status() { awk -F'\t' -v n="$1" '$1 == n { print $2 }' "$out/steps.tsv"; }
# Measured rows whose GPU result is off the CPU's by more than the contract's 1e-5 (last column):
# their times and speed-ups describe wrong work, so the step fails and the table says so.
wrong_rows() { awk -F'|' '/^\[bench\] row / { v = $(NF - 1); gsub(/ /, "", v); if (v != "" && v + 0 > 1e-5) n++ } END { print n + 0 }' "$out/bench.log" 2>/dev/null || echo 0; }

report() {
  # The report must always be written: no step of it may end the script.
  set +e +o pipefail
  total=$(( ($(now_ms) - start) / 1000 ))
  # Why the GPU cannot be used, from the probe: it does not open ("no GPU"), or opens and fails.
  unusable=""
  if [ -z "$(field probe HEALTHY)" ]; then
    local why; why=$(field probe FAIL)
    if [ -z "$(field probe OPEN)" ]; then unusable="no GPU: ${why:-the probe gave no verdict (probe.log)}"
    else unusable="GPU not usable: ${why:-the probe gave no verdict (probe.log)}"; fi
  fi
  summary > "$out/summary.txt"
  table > "$out/gpu-table.md"
  echo
  cat "$out/summary.txt"
  echo
  cat "$out/gpu-table.md"
  echo
  echo "[gpu] written to $out: summary.txt gpu-table.md $(cd "$out" && ls ./*.log | sed 's|^\./||' | tr '\n' ' ')"
  if [ -n "$unusable" ]; then exit 2; fi
  if awk -F'\t' '$2 != "0" { bad = 1 } END { exit !bad }' "$out/steps.tsv"; then exit 1; fi
  if [ "$(wrong_rows)" -gt 0 ]; then exit 1; fi
  exit 0
}

# One line per step: verdict, time, what it found.
summary() {
  echo "Tessera GPU device run, $(date -u '+%Y-%m-%d %H:%M UTC'), $total s in all (budget $budget s)"
  if [ -f "$B/prepared.txt" ]; then sed 's/^/  /' "$B/prepared.txt"; fi
  echo "  nvidia-smi: $(head -1 "$out/device.txt" 2>/dev/null)"
  if [ -n "$unusable" ]; then echo "  $unusable"; fi
  local name rc ms verdict note
  while IFS=$'\t' read -r name rc ms; do
    note=""
    case "$rc" in
      skip) verdict=SKIP; note=$(sed -n 's/^skipped: //p' "$out/$name.log") ;;
      0) verdict=PASS ;;
      124|137) verdict="FAIL (timed out)" ;;
      *) verdict="FAIL (exit $rc)" ;;
    esac
    if [ "$rc" = skip ]; then name="$name skip"; fi
    case "$name" in
      probe)
        note="$(field probe HEALTHY)$(field probe FAIL)"
        if [ -n "$(field probe KERNELS)" ]; then note="$note; kernels: $(field probe KERNELS)"; fi ;;
      suite)
        if [ "$rc" = 2 ]; then verdict="SKIP (no GPU)"; fi
        if [ "$rc" != skip ]; then
          note="$(count suite '^\[suite\] PASS') passed, $(count suite '^\[suite\] FAIL') failed, $(count suite '^\[suite\] ABORTED') aborted"
          local first; first=$(sed -n 's/^\[suite\] \(ABORTED\|FAIL\) \([^ ]*\) ([^)]*): /\2: /p' "$out/suite.log" | head -1)
          if [ -n "$first" ]; then note="$note; first: $first"; fi
        fi ;;
      cupy)
        if [ "$rc" = 0 ]; then note="CUPY_KAPPA_MS=$(sed -n 's/^CUPY_KAPPA_MS=//p' "$out/cupy.log" | tail -1)"
        elif [ "$rc" != skip ]; then note=$({ grep -v '^[[:space:]]*$' "$out/cupy.log" || true; } | tail -1); fi ;;
      bench)
        if [ "$rc" = 3 ]; then verdict="SKIP (no GPU)"; note=$(sed -n 's/^\[bench\] \(no GPU\|GPU not usable\): /\1: /p' "$out/bench.log" | tail -1)
        elif [ "$rc" != skip ]; then
          note="$(count bench '^\[bench\] row ') rows"
          local wrong; wrong=$(wrong_rows)
          if [ "$wrong" -gt 0 ]; then
            if [ "$rc" = 0 ]; then verdict="FAIL (GPU != CPU)"; fi
            note="$note; $wrong with max rel. diff > 1e-5: the GPU's results are wrong, their times are not valid"
          fi
          if [ "$rc" != 0 ] && [ -n "$(first_error bench)" ]; then note="$note; $(first_error bench)"; fi
        fi ;;
      *)
        if [ "$rc" != 0 ] && [ "$rc" != skip ]; then note=$(tail -1 "$out/$name.log"); fi ;;
    esac
    printf '  %-7s %-17s %7s  %s\n' "${name% skip}" "$verdict" "$(secs "$ms")" "$note"
  done < "$out/steps.tsv"
}

# The benchmark table in docs/benchmarks.md's form: a heading, the device, driver, date, commit
# and command, then the rows the benchmark measured and, for each it did not, a row saying why.
table() {
  local rc why smi copy header
  rc=$(status bench)
  case "$rc" in
    0) why="" ;;
    skip) why="not run: $(sed -n 's/^skipped: //p' "$out/bench.log")" ;;
    3) why=$(sed -n 's/^\[bench\] \(no GPU\|GPU not usable\): /\1: /p' "$out/bench.log" | tail -1) ;;
    124|137) why="not measured: the benchmark ran out of time (bench.log)" ;;
    *) why="not measured: the benchmark failed, exit $rc: $(first_error bench) (bench.log)" ;;
  esac
  if [ -n "$unusable" ] && [ "$rc" != 0 ]; then
    if [ "$rc" = 3 ] || [ -z "$why" ]; then why=$unusable; else why="$why; $unusable"; fi
  fi
  smi=$(head -1 "$out/device.txt" 2>/dev/null)
  if [ -z "$smi" ] || [[ "$smi" == *"not found"* ]] || [[ "$smi" == *"failed"* ]]; then smi="none (${smi:-no nvidia-smi output})"; fi
  echo "## GPU (issue 12): ${smi%%,*}, $(date -u '+%Y-%m-%d')"
  echo "Command: \`bash bench/gpu/run.sh device\` on the device tool's machine, $(nproc) CPU threads,"
  echo "$(date -u '+%Y-%m-%d %H:%M UTC'), $total s in all; built from $(sed -n 's/^commit //p' "$B/prepared.txt" 2>/dev/null),"
  echo "$(sed -n 's/^prepared //p' "$B/prepared.txt" 2>/dev/null). Device (nvidia-smi: name, memory, driver, compute capability): $smi."
  local open kernels; open=$(field probe OPEN); kernels=$(field probe KERNELS)
  echo "Tessera's probe: ${open:-the device did not open}${unusable:+; $unusable}${kernels:+; kernels loaded from $kernels}."
  copy=$(sed -n 's/^\[bench\] device copy bandwidth //p' "$out/bench.log" 2>/dev/null | tail -1)
  if [ -n "$copy" ]; then echo "Device-to-device copy bandwidth: $copy."; fi
  echo "Steps: $(awk -F'\t' '{ printf "%s%s %s (%.1f s)", (NR > 1 ? ", " : ""), $1, ($2 == "0" ? "ok" : $2 == "skip" ? "skipped" : "exit " $2), $3 / 1000 }' "$out/steps.tsv")."
  echo
  header=$(sed -n 's/^\[bench\] header //p' "$out/bench.log" 2>/dev/null | tail -1)
  echo "${header:-| work | CPU (ms) | GPU (ms) | GPU one stream (ms) | speed-up | GPU kernels only (ms) | kernel GB/s | copy GB/s | max rel. diff |}"
  echo "|---|---|---|---|---|---|---|---|---|"
  sed -n 's/^\[bench\] row //p' "$out/bench.log" 2>/dev/null
  # key (found in a measured row) : the row's name when it was not measured
  local entry key label r
  for entry in "kappa_sigma |:Phase 3 stack 100 × RGB 1920×1080, kappa_sigma" \
               "winsorized_sigma_clip |:Phase 3 stack 100 × RGB 1920×1080, winsorized_sigma_clip" \
               "Phase 5 coadd:Phase 5 coadd 64 RGB tiles 2000×2000 → 14640×14640, bilinear + alpha" \
               "CuPy peer:Phase 3 stack, kappa-sigma: CuPy peer (bench/gpu/cupy_kappa.py, same shape)"; do
    key=${entry%%:*}; label=${entry#*:}
    if grep '^\[bench\] row ' "$out/bench.log" 2>/dev/null | grep -qF "$key"; then continue; fi
    r=$why
    if [ "$key" = "CuPy peer" ] && [ "$(status cupy)" = 0 ]; then
      r="CuPy $(sed -n 's/^CUPY_KAPPA_MS=//p' "$out/cupy.log" | tail -1) ms; Tessera's GPU time to compare with: ${why:-not measured (bench.log)}"
    elif [ "$key" = "CuPy peer" ]; then # CuPy's own reason first: it is why this row is empty
      if [ "$(status cupy)" = skip ]; then r="not measured: $(sed -n 's/^skipped: //p' "$out/cupy.log")"
      else r="not measured: cupy_kappa.py exit $(status cupy): $({ grep -v '^[[:space:]]*$' "$out/cupy.log" || true; } | tail -1)"; fi
    fi
    echo "| $label | ${r:-not measured (bench.log)} | | | | | | | |"
  done
  local wrong; wrong=$(wrong_rows)
  if [ "$wrong" -gt 0 ]; then
    echo
    echo "**$wrong row(s) with max rel. diff > 1e-5: the GPU's results differ from the CPU's, so their GPU times and speed-ups are not valid (do not record them as a benchmark).**"
  fi
}

case "${1:-}" in
  prepare) prepare ;;
  device) device ;;
  *) echo "usage: bench/gpu/run.sh prepare|device" >&2; exit 64 ;;
esac

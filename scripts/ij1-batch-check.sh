#!/usr/bin/env bash
# Installs the built plugin into a fresh plain ImageJ 1 folder the way the user guide says
# (target/fiji/plugins/Tessera_-*.jar; the libraries Fiji would provide go to plugins/jars/ here,
# since plain ImageJ has none) and runs macros with `ImageJ -batch` under Xvfb (Debian: xvfb):
#   1. a failing run must end the macro with "Tessera: <reason>" on stderr and exit status 1, never a dialog;
#   2. a reproject of ../shared/data/dss_pair must leave the mosaic open, calibrated in arcsec.
# Usage: mvn -q -B package -DskipTests && scripts/ij1-batch-check.sh
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
plugin=$(ls "$root"/target/fiji/plugins/Tessera_-*.jar 2>/dev/null | head -1)
[ -n "$plugin" ] || { echo "build first: mvn -q -B package -DskipTests" >&2; exit 2; }
command -v Xvfb >/dev/null || { echo "needs Xvfb (apt-get install xvfb)" >&2; exit 2; }
ij=$(mktemp -d)
trap 'kill "$xvfb" 2>/dev/null || true; rm -rf "$ij"' EXIT
mkdir -p "$ij/plugins/jars"
cp "$plugin" "$ij/plugins/"
for j in "$root"/target/lib/*.jar; do
    case "$(basename "$j")" in ij-*|jcuda-natives-*windows*) ;; *) cp "$j" "$ij/plugins/jars/" ;; esac
done
display=:$((90 + RANDOM % 9))
Xvfb "$display" -nolisten tcp >/dev/null 2>&1 &
xvfb=$!
sleep 1
run() { # macro file → exit status; stdout/stderr in $ij/out, $ij/err
    (cd "$ij" && DISPLAY=$display timeout 300 java -jar "$root"/target/lib/ij-*.jar -ijpath "$ij" -batch "$1" \
        >"$ij/out" 2>"$ij/err")
}
fail=0
printf 'run("Tessera Mosaic (IJ1)", "input=[%s/none] output=[%s/o]");\nprint("after");\n' "$ij" "$ij" >"$ij/fail.ijm"
if run "$ij/fail.ijm"; then rc=0; else rc=$?; fi
if [ "$rc" = 1 ] && grep -q "Tessera: input not found" "$ij/err" && ! grep -q after "$ij/out"; then
    echo "ok: a failing run exits 1 with the reason on stderr"
else
    echo "FAIL: failing run gave exit $rc; stdout: $(cat "$ij/out"); stderr: $(cat "$ij/err")"; fail=1
fi
dss="$root/../shared/data/dss_pair"
if [ -d "$dss" ]; then
    printf 'run("Tessera Reproject (IJ1)", "input=[%s] output=[%s/dss] kernel=bilinear gpu=off");\ngetPixelSize(u, pw, ph);\nprint("image " + getTitle() + " " + nImages + " " + u + " " + d2s(pw, 4));\n' "$dss" "$ij" >"$ij/ok.ijm"
    if run "$ij/ok.ijm" && grep -q "image dss 1 arcsec" "$ij/out"; then
        echo "ok: reproject leaves the mosaic open and calibrated: $(grep '^image' "$ij/out")"
    else
        echo "FAIL: reproject macro; stdout: $(cat "$ij/out"); stderr: $(tail -5 "$ij/err")"; fail=1
    fi
fi
exit $fail

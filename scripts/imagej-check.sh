#!/usr/bin/env bash
# Tessera in plain ImageJ 1 (the ImageJ jar the pom resolves, net.imagej:ij 1.54p) under Xvfb
# (Debian: xvfb), installed exactly as the README says for plain ImageJ 1: target/imagej/ copied
# into a fresh ImageJ folder. Run by .ci/run; about 30-60 s.
#   1. With the ImageJ window (scripts/imagej/record.ijm): each command — Build Mosaic... on the
#      built-in default sky, Stack Frames... on its panel 1 frames, Reproject and Coadd... on its
#      master tiles, Build Mosaic... again with Mode "SDS (mosaic first)" on the panel's frames — is
#      opened from the menu, its dialog filled and confirmed (a small test driver,
#      scripts/imagej/Dialog_Driver.java), with the macro recorder open; the result must be open,
#      a composite of 3 channels, calibrated in arcsec; a dialog cancelled must record nothing, and
#      Browse then Cancel in the file chooser must leave no "select=" in the recorded line.
#   2. `ImageJ -batch`: the four recorded lines replayed into new folders, with the same checks (the
#      SDS line must run SDS mode again: sds_megatiles/, no master_tiles/); with no window to show a
#      progress bar in, each run must log its progress (0 % and 100 % lines).
#   3. `ImageJ -batch`: a failing run must end the macro with "Tessera: <reason>" on stderr and exit
#      status 1, never a dialog (each ImageJ run has a time limit, so a blocked one fails the check).
#   4. `ImageJ -batch`: a line without keys (run("Stack Frames...")) likewise, instead of opening a
#      dialog no one can see.
# Usage: mvn -q -B package -DskipTests && scripts/imagej-check.sh [--screenshots DIR]
# (--screenshots also saves the Build Mosaic dialog and its result as PNGs, for docs/images/;
# TESSERA_IMAGEJ_LIMIT_S sets the time limit of the menu run, 300 s by default; TESSERA_IMAGEJ_JAR
# another ImageJ 1 jar, e.g. Debian's package: TESSERA_IMAGEJ_JAR=/usr/share/java/ij.jar, 1.53t.)
set -euo pipefail
root=$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)
shots=""
if [ "${1:-}" = "--screenshots" ]; then shots=$(mkdir -p "$2" && cd "$2" && pwd); fi
layout="$root/target/imagej"
ijjar=${TESSERA_IMAGEJ_JAR:-$(ls "$root"/target/lib/ij-*.jar 2>/dev/null | head -1)}
if [ ! -d "$layout/plugins" ] || [ -z "$ijjar" ]; then
    echo "build first: mvn -q -B package -DskipTests" >&2; exit 2
fi
command -v Xvfb >/dev/null || { echo "needs Xvfb (Debian/Ubuntu: apt-get install xvfb)" >&2; exit 2; }
start=$SECONDS
work=$(mktemp -d "${TMPDIR:-/tmp}/tessera-imagej.XXXXXX")
xvfb=""
cleanup() { [ -z "$xvfb" ] || kill "$xvfb" 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT

# The README's install step for plain ImageJ 1, then the test driver (not part of the plugin).
ij="$work/ImageJ"
mkdir -p "$ij"
cp -r "$layout"/. "$ij"/
javac -nowarn -cp "$ijjar" -d "$ij/plugins" "$root/scripts/imagej/Dialog_Driver.java"

# A display of its own: Xvfb picks a free number and writes it to fd 5.
Xvfb -displayfd 5 -screen 0 1280x1024x24 -nolisten tcp 5>"$work/display" 2>"$work/xvfb.err" &
xvfb=$!
for _ in $(seq 100); do [ -s "$work/display" ] && break; sleep 0.1; done
[ -s "$work/display" ] || { echo "FAIL: Xvfb did not start: $(cat "$work/xvfb.err")" >&2; exit 1; }
export DISPLAY=":$(head -1 "$work/display")"

imagej() { # LIMIT_S ARGS... → ImageJ's exit status; its stdout/stderr in $work/out, $work/err
    local limit=$1 pid ticks=0; shift
    (cd "$work" && exec java -Xmx1g -Duser.home="$work" -jar "$ijjar" -ijpath "$ij" "$@" >"$work/out" 2>"$work/err") &
    pid=$!
    while kill -0 "$pid" 2>/dev/null; do
        if [ "$ticks" -ge $((limit * 10)) ]; then # blocked (a dialog?): keep the screen, then stop it
            java -cp "$ij/plugins:$ijjar" Dialog_Driver screenshot "$root/target/imagej-check-blocked.png" || true
            kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null
            echo "blocked after $limit s; the screen is in target/imagej-check-blocked.png" >>"$work/err"
            return 124
        fi
        sleep 0.1; ticks=$((ticks + 1))
    done
    wait "$pid"
}
fail=0

# 1. From the menus, recorded.
if imagej "${TESSERA_IMAGEJ_LIMIT_S:-300}" -macro "$root/scripts/imagej/record.ijm" "$work|$shots"; then rc=0; else rc=$?; fi
grep '^ok:\|^FAIL:' "$work/out" || true
if [ "$rc" != 0 ] || [ ! -s "$work/recorded.ijm" ]; then
    echo "FAIL: the menu runs (exit $rc); stderr: $(tail -5 "$work/err")"; exit 1
fi
echo "recorded:"; sed 's/^/  /' "$work/recorded.ijm"

# 2. The recorded lines replayed under -batch, each into a new output.
{
    # (ImageJ 1.54p's macro language takes no comparison as a function argument: plain ifs.)
    check='getPixelSize(u, pw, ph); t = getTitle(); if (!is("composite") || nSlices != 3 || u != "arcsec" || pw <= 0.1) { print("FAIL: " + t + ": " + nSlices + " slices, " + pw + " " + u); exit; } print("ok: replayed under -batch: " + t + " composite, " + d2s(pw, 3) + " " + u + "/pixel");'
    while IFS= read -r line; do
        for end in " " "]" '"'; do
            line=${line//"$work/rec$end"/"$work/replay$end"}
            line=${line//"$work/tile.fits$end"/"$work/tile2.fits$end"}
            line=${line//"$work/coadd$end"/"$work/coadd2$end"}
            line=${line//"$work/sds$end"/"$work/sds2$end"}
        done
        printf '%s\n%s\n' "$line" "$check"
    done <"$work/recorded.ijm"
} >"$work/replay.ijm"
if imagej 300 -batch "$work/replay.ijm"; then rc=0; else rc=$?; fi
grep '^ok:\|^FAIL:' "$work/out" || true
if [ "$rc" != 0 ] || [ "$(grep -c '^ok:' "$work/out")" != 4 ]; then
    echo "FAIL: replaying the recorded lines (exit $rc); stderr: $(tail -5 "$work/err")"; fail=1
fi
# No window, no progress bar: each -batch run logs its progress (first line, every 10 s, 100 %).
if [ "$(grep -c 'INFO \[ij1\] 100% .*(done in' "$work/out")" = 4 ] && grep -q 'INFO \[ij1\]   0% ' "$work/out"; then
    echo "ok: under -batch each run logs its progress: $(grep -m1 'INFO \[ij1\] 100% ' "$work/out" | cut -d' ' -f4-)"
else
    echo "FAIL: under -batch the runs logged no progress lines (0% ... 100% (done in ...))"; fail=1
fi
if grep -q 'mode=\[SDS (mosaic first)\]' "$work/recorded.ijm" && [ -d "$work/sds2/sds_megatiles" ] && [ ! -e "$work/sds2/master_tiles" ]; then
    echo "ok: the recorded mode=[SDS (mosaic first)] replayed under -batch ran SDS mode"
else
    echo "FAIL: the recorded SDS line did not replay as SDS mode: $(grep -c . "$work/recorded.ijm") recorded line(s)"; fail=1
fi

# 3. A failing run under -batch: reason on stderr, exit status 1, the macro stopped.
printf 'run("Build Mosaic...", "input=[%s/none] output=[%s/o]");\nprint("after");\n' "$work" "$work" >"$work/fail.ijm"
if imagej 60 -batch "$work/fail.ijm"; then rc=0; else rc=$?; fi
if [ "$rc" = 1 ] && grep -q "Tessera: input not found" "$work/err" && ! grep -q after "$work/out"; then
    echo "ok: a failing run exits 1 with the reason on stderr: $(grep 'Tessera:' "$work/err" | head -1)"
else
    echo "FAIL: failing run gave exit $rc (124: it blocked); stdout: $(cat "$work/out"); stderr: $(tail -5 "$work/err")"; fail=1
fi
# 4. A line without keys under -batch (no screen for its dialog): it must not block, but end as a failure does.
printf 'run("Stack Frames...");\nprint("after");\n' >"$work/nokeys.ijm"
if imagej 60 -batch "$work/nokeys.ijm"; then rc=0; else rc=$?; fi
if [ "$rc" = 1 ] && grep -q 'Tessera: Stack Frames... needs its keys under ImageJ -batch' "$work/err" && ! grep -q after "$work/out"; then
    echo "ok: a line without keys under -batch exits 1 instead of waiting on a dialog: $(grep 'Tessera:' "$work/err" | head -1)"
else
    echo "FAIL: a line without keys under -batch gave exit $rc (124: it blocked on its dialog); stderr: $(tail -5 "$work/err")"; fail=1
fi
echo "imagej-check: $([ $fail = 0 ] && echo passed || echo FAILED) in $((SECONDS - start)) s ($(basename "$ijjar" .jar))"
exit $fail

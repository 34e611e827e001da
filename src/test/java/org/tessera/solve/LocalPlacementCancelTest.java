package org.tessera.solve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tessera.Progress;
import org.tessera.image.FloatImage;
import org.tessera.io.FitsFrame;
import org.tessera.io.InMemoryFrame;
import org.tessera.io.MountMode;
import org.tessera.register.Registration;
import org.tessera.synth.CameraFitsWriter;

/**
 * A cancel reaches every running plate solve, also the one started once the calling thread had no
 * registration left: two groups and two workers (one solve thread), so one solve runs for the
 * caller's core. Each solve is a stand-in ASTAP that sleeps 60 s; the user cancels once both run.
 * When the caller ran that solve itself, the stage returned only when the stand-in ended (≈ 60 s
 * after the cancel); now within a second or so, both solver processes killed and both temporary
 * folders removed. Needs no real data (the frames are written here).
 */
class LocalPlacementCancelTest {

    /** A frame without WCS, with the pointing and scale a solve is guided by. */
    private static FitsFrame frame(Path dir, String name, String date) throws Exception {
        Map<String, String> k = new LinkedHashMap<>();
        k.put("DATE-OBS", date);
        k.put("RA", "193.0");
        k.put("DEC", "41.0");
        k.put("FOCALLEN", "250");
        k.put("XPIXSZ", "2.9");
        Path f = dir.resolve(name + ".fit");
        CameraFitsWriter.write(new InMemoryFrame(name, new FloatImage(64, 48, 1), null, MountMode.UNKNOWN, 10, k), f);
        return FitsFrame.open(f);
    }

    @Test
    void aCancelStopsTheSolveStartedForTheCallingThreadAtOnce(@TempDir Path tmp) throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/bin/sh")), "needs /bin/sh for the stand-in ASTAP");
        Path in = Files.createDirectories(tmp.resolve("in")), started = tmp.resolve("started.txt");
        // two sessions two hours apart: two groups of one frame each, no registration
        List<FitsFrame> frames = List.of(frame(in, "a", "2025-03-27T01:00:00"), frame(in, "b", "2025-03-27T03:00:00"));
        Path exe = tmp.resolve("astap_cli");
        // its pid and working folder (the solve's temporary folder), then 60 s of "solving"
        Files.writeString(exe, "#!/bin/sh\necho \"$$ $(pwd)\" >> '" + started + "'\nexec sleep 60\n", StandardCharsets.US_ASCII);
        Files.setPosixFilePermissions(exe, PosixFilePermissions.fromString("rwxr-xr-x"));
        RawFrameAstrometry stage = new RawFrameAstrometry(new Solvers.Choice(new AstapSolver(exe.toString(), "", 2, false, 120), null),
                (ref, mov) -> Registration.failed(mov.name(), "not expected (test)"), new WcsCache(tmp.resolve("out")), 3.0, false, 2);

        AtomicLong cancelledAt = new AtomicLong();
        Progress p = new Progress() {
            @Override public void update(double f, String m) { }

            @Override public boolean cancelled() {
                return cancelledAt.get() != 0;
            }
        };
        // the user (Esc in Fiji) cancels once both solves run, whoever looks at the flag
        Thread user = new Thread(() -> {
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (lines(started).size() < 2 && System.nanoTime() < until) pause(10);
            cancelledAt.set(System.nanoTime());
        });
        user.setDaemon(true);
        long t0 = System.nanoTime();
        user.start();
        assertThrows(InterruptedException.class, () -> stage.place(frames, p));
        long end = System.nanoTime();
        assertEquals(2, lines(started).size(), "cancelled while both solves ran, after " + (end - t0) / 1e9 + " s");
        double afterCancel = (end - cancelledAt.get()) / 1e9;
        assertTrue(afterCancel < 5, "returned " + afterCancel + " s after the cancel (the stand-in sleeps 60 s)");

        List<String> solves = lines(started);
        assertEquals(2, solves.size(), "both groups' solves started: " + solves);
        for (String s : solves) {
            ProcessHandle h = ProcessHandle.of(Long.parseLong(s.substring(0, s.indexOf(' ')))).orElse(null);
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (h != null && SolverScratchTest.running(h) && System.nanoTime() < until) Thread.sleep(20);
            assertFalse(h != null && SolverScratchTest.running(h), "solver process killed: " + s);
            Path dir = Path.of(s.substring(s.indexOf(' ') + 1));
            assertFalse(Files.exists(dir), "its temporary folder removed: " + dir);
        }
    }

    private static void pause(int ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static List<String> lines(Path f) {
        try {
            return Files.exists(f) ? Files.readAllLines(f).stream().filter(l -> !l.isBlank()).toList() : List.of();
        } catch (java.io.IOException e) {
            return new ArrayList<>();
        }
    }
}

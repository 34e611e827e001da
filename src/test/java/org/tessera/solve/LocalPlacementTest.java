package org.tessera.solve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tessera.Progress;
import org.tessera.io.FitsFrame;
import org.tessera.register.Registration;
import org.tessera.wcs.FitsWcs;
import org.tessera.wcs.Wcs;
import org.tessera.wcs.WcsCards;

/**
 * {@link RawFrameAstrometry.Work#LOCAL} on the raw M 94 frames (3 groups: 6, 2 and 4 frames),
 * with stand-in solvers and the ground-truth registration: the plate solves run while frames are
 * registered, and the stage's results (every WCS to the last bit, the frames left out and why, the
 * counts, the {@code [SOLVE]} log lines in order) are those of the solves-first order, also when a
 * group's first candidate does not solve and when a group does not solve at all. Cancelling stops
 * a running solve and removes its temporary folder; a solver that throws fails its group only.
 */
class LocalPlacementTest {

    static List<FitsFrame> raw;
    static final Map<Path, Wcs> truth = new HashMap<>();

    @BeforeAll
    static void load() throws IOException {
        M94Data.assumeData();
        raw = M94Data.open(M94Data.RAW);
        for (FitsFrame f : raw) truth.put(f.path(), M94Data.solvedTwin(f).wcs());
    }

    /** A solver answering the twin's WCS (or failing where {@code fails} says), after {@code before} has run. */
    static PlateSolver solver(Predicate<Path> fails, Runnable before) {
        return new PlateSolver() {
            @Override public String name() { return "stand-in"; }

            @Override
            public Solution solve(Path image, SolveHints hints, Path workDir) {
                before.run();
                return fails.test(image) ? Solution.failed("no solution (test)", 0.1) : Solution.solved((FitsWcs) truth.get(image), 0.1);
            }
        };
    }

    static RawFrameAstrometry stage(PlateSolver s, FrameAligner a, Path out, int workers) {
        return new RawFrameAstrometry(new Solvers.Choice(s, null), a, new WcsCache(out), 3.0, false, workers);
    }

    /** The solves one after another, then the registrations: the order before the overlap. */
    static final RawFrameAstrometry.Work SOLVES_FIRST = new RawFrameAstrometry.Work() {
        @Override
        public List<RawFrameAstrometry.Reference> solve(RawFrameAstrometry st, List<RawGroups.Group> groups, Progress p)
                throws InterruptedException {
            List<RawFrameAstrometry.Reference> out = new ArrayList<>();
            for (RawGroups.Group g : groups) out.add(st.solveReference(g));
            return out;
        }

        @Override
        public List<Registration> register(RawFrameAstrometry st, List<RawFrameAstrometry.Pair> pairs, Progress p)
                throws InterruptedException {
            return RawFrameAstrometry.Work.LOCAL.register(st, pairs, p);
        }
    };

    @Test
    void theSolvesRunWhileFramesAreRegistered(@TempDir Path out) throws Exception {
        CountDownLatch registering = new CountDownLatch(1);
        AtomicBoolean overlapped = new AtomicBoolean();
        AtomicInteger solves = new AtomicInteger();
        // The first solve waits for a registration to start; solving first, it would wait in vain (5 s).
        PlateSolver s = solver(p -> false, () -> {
            if (solves.getAndIncrement() > 0) return;
            try {
                overlapped.set(registering.await(5, TimeUnit.SECONDS));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        FrameAligner truthAligner = M94Data.groundTruthAligner(truth);
        FrameAligner a = (ref, mov) -> {
            registering.countDown();
            return truthAligner.align(ref, mov);
        };
        List<double[]> fractions = Collections.synchronizedList(new ArrayList<>());
        List<String> messages = Collections.synchronizedList(new ArrayList<>());
        Progress bar = (f, m) -> {
            fractions.add(new double[] {f});
            messages.add(m);
        };
        RawFrameAstrometry.Result r = stage(s, a, out, 2).place(raw, bar);
        assertTrue(overlapped.get(), "a frame was registered while the first plate solve ran");
        for (int i = 1; i < fractions.size(); i++)
            assertTrue(fractions.get(i)[0] >= fractions.get(i - 1)[0], "the bar never moves back: " + messages);
        assertEquals(1.0, fractions.get(fractions.size() - 1)[0]);
        assertTrue(messages.contains("solving group 1 of 3") && messages.contains("solved group 3"), messages.toString());
        assertEquals(9, messages.stream().filter(m -> m.startsWith("registered ")).count(), messages.toString());
        assertEquals(12, r.frames().size(), "all placed: " + r.unplaced());
        assertEquals(3, r.solves());
        assertEquals(9, r.registered());
        for (FitsFrame f : r.frames())
            assertTrue(M94Data.maxSeparationArcsec(f.wcs(), truth.get(f.path()), f.width(), f.height()) < 0.05, f.name());
    }

    @Test
    void resultsAndLogAreThoseOfSolvingFirstWhateverFinishesFirst(@TempDir Path out) throws Exception {
        // night1: its middle frame does not solve, the next does (its frames are registered again);
        // night3: nothing solves; one frame of night1 cannot be registered.
        Predicate<Path> fails = p -> p.toString().contains("212108") || p.toString().contains("20250409");
        FrameAligner truthAligner = M94Data.groundTruthAligner(truth);
        int[][] delaysMs = {{0, 0}, {150, 0}, {0, 40}}; // {solve, registration}: solves done first, registrations first, mixed
        for (int k = 0; k < delaysMs.length; k++) {
            int[] d = delaysMs[k];
            Path dirA = out.resolve("a" + k), dirB = out.resolve("b" + k);
            AtomicInteger aligned = new AtomicInteger();
            FrameAligner a = (ref, mov) -> {
                aligned.incrementAndGet();
                sleep(d[1]);
                return mov.name().contains("212147") ? Registration.failed(mov.name(), "3 stars matched, 6 needed")
                        : truthAligner.align(ref, mov);
            };
            PlateSolver s = solver(fails, () -> sleep(d[0]));
            List<String> logA = new ArrayList<>(), logB = new ArrayList<>();
            RawFrameAstrometry.Result overlapped = logged(logA, () -> stage(s, a, dirA, 2).place(raw, Progress.NONE));
            int alignedOverlapped = aligned.getAndSet(0);
            RawFrameAstrometry.Result first = logged(logB, () -> stage(s, a, dirB, 2).place(raw, Progress.NONE, SOLVES_FIRST));
            String what = "delays " + d[0] + "/" + d[1] + " ms";
            assertEquals(7, first.frames().size(), what);
            assertEquals(2 + 1 + RawFrameAstrometry.MAX_SOLVE_ATTEMPTS, first.solves(), what);
            assertEquals(6, aligned.get(), what + ": solving first registers 5 + 1 frames");
            assertTrue(alignedOverlapped >= 6 && alignedOverlapped <= 6 + 5 + 3, what + ": at most night1's and night3's "
                    + "frames registered in vain on their first candidates, " + alignedOverlapped);
            assertEquals(first.unplaced(), overlapped.unplaced(), what);
            assertEquals(first.solves(), overlapped.solves(), what);
            assertEquals(first.registered(), overlapped.registered(), what);
            assertEquals(first.cached(), overlapped.cached(), what);
            assertEquals(first.frames().size(), overlapped.frames().size(), what);
            for (int i = 0; i < first.frames().size(); i++) {
                assertEquals(first.frames().get(i).path(), overlapped.frames().get(i).path(), what);
                assertEquals(WcsCards.of(first.frames().get(i).wcs()), WcsCards.of(overlapped.frames().get(i).wcs()),
                        what + ": " + first.frames().get(i).name() + "'s WCS to the last bit");
            }
            assertEquals(logB, logA, what + ": the same [SOLVE] lines in the same order");
            assertTrue(logA.size() > 20, what + ": " + logA.size() + " lines");
        }
    }

    @Test
    void cancellingStopsARunningSolveAndRemovesItsFolder(@TempDir Path out) throws Exception {
        List<Path> workDirs = Collections.synchronizedList(new ArrayList<>());
        AtomicBoolean stopped = new AtomicBoolean(), cancel = new AtomicBoolean();
        PlateSolver hangs = new PlateSolver() {
            @Override public String name() { return "hangs"; }

            @Override
            public Solution solve(Path image, SolveHints hints, Path workDir) throws InterruptedException {
                workDirs.add(workDir);
                if (workDirs.size() > 1) return Solution.failed("no solution (test)", 0); // a broken cancel fails fast
                // the user cancels while this solve runs: set here, not from a registration, which
                // could come before the solve thread has started (the test then failed under load)
                cancel.set(true);
                try {
                    Thread.sleep(15_000);
                } catch (InterruptedException e) {
                    stopped.set(true);
                    throw e;
                }
                return Solution.failed("not stopped", 15);
            }
        };
        FrameAligner a = M94Data.groundTruthAligner(truth);
        Progress p = new Progress() {
            @Override public void update(double f, String m) { }
            @Override public boolean cancelled() { return cancel.get(); }
        };
        long t0 = System.nanoTime();
        assertThrows(InterruptedException.class, () -> stage(hangs, a, out, 2).place(raw, p));
        double s = (System.nanoTime() - t0) / 1e9;
        assertTrue(s < 10, "stopped at once, not after the solve: " + s + " s");
        assertTrue(stopped.get(), "the running solve was interrupted (a solver process is stopped then)");
        assertEquals(1, workDirs.size(), "no further solve started");
        assertFalse(Files.exists(workDirs.get(0)), "its temporary folder removed: " + workDirs.get(0));
    }

    /**
     * A run stopped in Phase 1 (Ctrl-C, kill, a power cut) keeps the groups it finished: each
     * group's WCS goes to {@code solved_wcs/} as the group settles, not once every group is done,
     * so the rerun solves only the groups left and places every frame with the WCS of an
     * uninterrupted run, card for card.
     */
    @Test
    void aRunStoppedInPhase1KeepsTheGroupsItFinished(@TempDir Path tmp) throws Exception {
        Path out = tmp.resolve("out"), cacheDir = out.resolve(WcsCache.DIR);
        AtomicBoolean stop = new AtomicBoolean();
        Progress p = new Progress() {
            @Override public void update(double f, String m) { }

            @Override public boolean cancelled() {
                return stop.get();
            }
        };
        // night 3's solve is the last: the user stops the run while it runs, once the two groups
        // before it are settled (their 8 frames cached), or after 5 s when they never are
        PlateSolver s = solver(path -> false, () -> { });
        PlateSolver stopping = new PlateSolver() {
            @Override public String name() { return "stand-in"; }

            @Override
            public Solution solve(Path image, SolveHints hints, Path workDir) throws InterruptedException {
                if (image.toString().contains("night3") && !stop.get()) {
                    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
                    while (cached(cacheDir) < 8 && System.nanoTime() < until) sleep(20);
                    stop.set(true);
                    sleep(500); // still solving when the stage next looks at the flag
                }
                return s.solve(image, hints, workDir);
            }
        };
        FrameAligner a = M94Data.groundTruthAligner(truth);
        assertThrows(InterruptedException.class, () -> stage(stopping, a, out, 2).place(raw, p));
        assertEquals(8, cached(cacheDir), "the WCS of night 1 (6 frames) and night 2 (2) kept by the stopped run");

        AtomicInteger solves = new AtomicInteger();
        RawFrameAstrometry.Result rerun = stage(solver(path -> false, solves::incrementAndGet), a, out, 2).place(raw, Progress.NONE);
        assertEquals(1, solves.get(), "the rerun solves night 3 only");
        assertEquals(12, rerun.frames().size());
        RawFrameAstrometry.Result whole = stage(solver(path -> false, () -> { }), a, tmp.resolve("whole"), 2).place(raw, Progress.NONE);
        for (int i = 0; i < raw.size(); i++)
            assertEquals(WcsCards.of(whole.frames().get(i).wcs()), WcsCards.of(rerun.frames().get(i).wcs()),
                    rerun.frames().get(i).name() + ": the WCS of an uninterrupted run");
    }

    private static int cached(Path dir) {
        try (java.util.stream.Stream<Path> files = Files.exists(dir) ? Files.list(dir) : java.util.stream.Stream.empty()) {
            return (int) files.filter(f -> f.getFileName().toString().endsWith(".wcs")).count();
        } catch (IOException e) {
            return -1;
        }
    }

    @Test
    void aSolverThatThrowsFailsItsGroupOnly(@TempDir Path out) throws Exception {
        PlateSolver s = solver(p -> false, () -> { });
        PlateSolver throwsOnNight2 = new PlateSolver() {
            @Override public String name() { return "stand-in"; }

            @Override
            public Solution solve(Path image, SolveHints hints, Path workDir) throws InterruptedException {
                if (image.toString().contains("20250327")) throw new IllegalStateException("solver bug (test)");
                return s.solve(image, hints, workDir);
            }
        };
        RawFrameAstrometry.Result r = stage(throwsOnNight2, M94Data.groundTruthAligner(truth), out, 2).place(raw, Progress.NONE);
        assertEquals(10, r.frames().size(), "night1 and night3 placed");
        assertEquals(2, r.unplaced().size());
        for (var p : r.unplaced())
            assertEquals("no celestial WCS in the header; group 2 unsolved: plate solving failed on 1 frame(s) "
                    + "(plate solve error: java.lang.IllegalStateException: solver bug (test))", p.reason());
    }

    @Test
    void solvesAtOnceAreAQuarterOfTheWorkersPlusTheCallerOnceItsRegistrationsAreDone(@TempDir Path out) throws Exception {
        assertEquals(1, LocalPlacement.solveThreads(1));
        assertEquals(1, LocalPlacement.solveThreads(2), "2 cores: one solve beside one registration");
        assertEquals(2, LocalPlacement.solveThreads(8));
        assertEquals(3, LocalPlacement.solveThreads(15), "16 cores (15 workers)");
        for (int workers : new int[] {2, 8}) {
            int expected = Math.min(3, LocalPlacement.solveThreads(workers) + 1);
            AtomicInteger running = new AtomicInteger(), most = new AtomicInteger();
            CountDownLatch all = new CountDownLatch(expected);
            PlateSolver s = solver(p -> false, () -> {
                most.accumulateAndGet(running.incrementAndGet(), Math::max);
                all.countDown();
                try {
                    all.await(5, TimeUnit.SECONDS); // the first ones wait for each other: they run at once
                    Thread.sleep(50);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                running.decrementAndGet();
            });
            RawFrameAstrometry.Result r = stage(s, M94Data.groundTruthAligner(truth), out.resolve("w" + workers), workers)
                    .place(raw, Progress.NONE);
            assertEquals(12, r.frames().size());
            assertEquals(expected, most.get(), workers + " workers: solve threads + the caller at once, never more");
        }
    }

    interface Run {
        RawFrameAstrometry.Result run() throws Exception;
    }

    /** Runs {@code r}, collecting the {@code [SOLVE]} lines it logs. */
    static RawFrameAstrometry.Result logged(List<String> lines, Run r) throws Exception {
        Logger log = Logger.getLogger("org.tessera.solve");
        Handler h = new Handler() {
            @Override public synchronized void publish(LogRecord rec) {
                if (rec.getMessage().startsWith("[SOLVE]")) lines.add(rec.getLevel() + " " + rec.getMessage());
            }
            @Override public void flush() { }
            @Override public void close() { }
        };
        log.addHandler(h);
        try {
            return r.run();
        } finally {
            log.removeHandler(h);
        }
    }

    static void sleep(int ms) {
        if (ms <= 0) return;
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

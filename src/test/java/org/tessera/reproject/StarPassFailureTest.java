package org.tessera.reproject;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tessera.Progress;
import org.tessera.config.Config;
import org.tessera.image.FloatImage;
import org.tessera.image.RowSource;
import org.tessera.image.RowSourceView;
import org.tessera.wcs.FitsWcs;
import org.tessera.wcs.OptimalGrid;
import org.tessera.wcs.WcsGrid;

/**
 * A tile whose read fails in Phase 5's star pass ({@link StarRatio}, after the survey read it
 * whole) fails the run as the survey's read failures do: the error names the tile's file and
 * says why, no mosaic, coverage or preview of the run is written (an earlier run's mosaic stays
 * as it was), and the other pairs are stopped, whichever pair failed: none is still reading when
 * the run's failure surfaces, and none reads another band after it was cancelled.
 * <p>
 * Three tiles of 600 × 600 px in a row (preview factor 5: the star pass runs), two pairs: t0–t1
 * (the wider overlap, the first pair) and t1–t2. One pair is held in its first star-pass read
 * (a read of its tile a that goes on a while after a cancel, as a read of a slow disk does),
 * the other pair's tile then fails.
 */
class StarPassFailureTest {

    static final int W = 600, H = 600;
    static final CoaddFiles.Names NAMES = new CoaddFiles.Names("m.fits", "c.fits", "p.png");
    /** How long the held read goes on after its thread is interrupted (ms). */
    static final long LINGER_MS = 300;

    /** What the sources saw, shared by the three tiles of one run. */
    static final class Seen {
        /** Counted down when the held read has begun. */
        final CountDownLatch held = new CountDownLatch(1);
        /** Held reads in progress. */
        final AtomicInteger inRead = new AtomicInteger();
        /** Star-pass reads begun on a thread that was interrupted (a cancelled pair going on). */
        final AtomicInteger afterCancel = new AtomicInteger();
        volatile boolean interrupted, timedOut;
    }

    /** Whether the star pass ({@link StarRatio}) is reading: the survey's reads pass as usual. */
    static boolean starPass() {
        return StackWalker.getInstance().walk(s -> s.anyMatch(f -> f.getClassName().equals(StarRatio.class.getName())));
    }

    /** A tile's pixels; in the star pass its first read is held ({@code hold}), or every read fails ({@code fail}). */
    static final class StarPassSource extends RowSourceView {
        final Seen seen;
        final boolean hold, fail;
        final String name;
        boolean holding;

        StarPassSource(RowSource in, String name, Seen seen, boolean hold, boolean fail) {
            super(in);
            this.name = name;
            this.seen = seen;
            this.hold = hold;
            this.fail = fail;
        }

        @Override public String name() {
            return name;
        }

        @Override public void readRows(int y0, int rows, float[][] dst) throws IOException {
            if (!starPass()) {
                source.readRows(y0, rows, dst);
                return;
            }
            if (Thread.currentThread().isInterrupted()) seen.afterCancel.incrementAndGet();
            if (fail) {
                // Once the other pair is inside its held read: both pairs run.
                await(seen.held);
                throw new IOException("Input/output error");
            }
            if (hold && first()) hold();
            source.readRows(y0, rows, dst);
        }

        private synchronized boolean first() {
            boolean f = !holding;
            holding = true;
            return f;
        }

        /** Waits for its thread's interrupt (the pair's cancel), then goes on a while: the block it was reading. */
        private void hold() {
            seen.inRead.incrementAndGet();
            seen.held.countDown();
            try {
                Thread.sleep(TimeUnit.SECONDS.toMillis(20));
                seen.timedOut = true; // nobody cancelled it
            } catch (InterruptedException e) {
                seen.interrupted = true;
                long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(LINGER_MS);
                for (long left; (left = end - System.nanoTime()) > 0; ) {
                    try {
                        TimeUnit.NANOSECONDS.sleep(left);
                    } catch (InterruptedException again) {
                        // still reading
                    }
                }
                Thread.currentThread().interrupt(); // the read ends as a read that ignores interrupts does: the flag kept
            } finally {
                seen.inRead.decrementAndGet();
            }
        }
    }

    static void await(CountDownLatch l) {
        try {
            assertTrue(l.await(20, TimeUnit.SECONDS), "the other pair never began its star pass");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Three tiles in a row, t1 400 px east of t0, t2 450 px east of t1: sky and noise, a few stars. */
    static List<CoaddInput> tiles(Seen seen, int held, int failing) {
        FitsWcs ref = TestSkies.tan(150, 30, 2.0, 0, W, H);
        FitsWcs all = TestSkies.tan(150, 30, 2.0, 0, 4 * W, 2 * H);
        TestSkies.Star[] stars = TestSkies.stars(all, 4 * W, 2 * H, 40, 0, 7);
        int[] dx = {0, 400, 850};
        List<CoaddInput> out = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            double[] c = new double[2];
            ref.pixelToWorld((W - 1) / 2.0 + dx[i], (H - 1) / 2.0 + 10 * i, c);
            FitsWcs wcs = TestSkies.tan(c[0], c[1], 2.0, 0, W, H);
            FloatImage img = TestSkies.render(wcs, W, H, stars, 1.6, 900 + 20 * i, 30, 11 + i);
            String name = "tile_" + i + ".fits";
            out.add(CoaddInput.of(name, new StarPassSource(img, name, seen, i == held, i == failing), wcs));
        }
        return out;
    }

    static WcsGrid grid(List<CoaddInput> in) {
        List<WcsGrid> fps = new ArrayList<>();
        for (CoaddInput t : in) fps.add(new WcsGrid(t.wcs(), W, H));
        return OptimalGrid.compute(fps);
    }

    static List<String> files(Path dir) throws IOException {
        try (var s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    /** The run of {@code held} and {@code failing} tiles: its failure checked; what the sources saw. */
    static Seen failedRun(Path dir, int held, int failing) throws Exception {
        Seen seen = new Seen();
        List<CoaddInput> in = tiles(seen, held, failing);
        Path d = Files.createDirectories(dir.resolve("run" + held + failing));
        byte[] earlier = "an earlier run's mosaic".getBytes(StandardCharsets.US_ASCII);
        Files.write(d.resolve("m.fits"), earlier);
        Config cfg = new Config().put("final_mosaic_dbe_enabled", true);
        CoaddParams params = CoaddParams.fromConfig(cfg).withWorkers(2);
        long t0 = System.nanoTime();
        IOException e = assertThrows(IOException.class, () -> CoaddFiles.write(in, grid(in), params, d, NAMES, "mosaic", cfg,
                Progress.NONE, Progress.NONE, CpuBandCoadder.INSTANCE));
        double seconds = (System.nanoTime() - t0) / 1e9;
        // Nothing of the pass runs any more: the held read has ended (its cancel waited for) ...
        assertEquals(0, seen.inRead.get(), "a pair still reading when the run failed");
        String tile = "tile_" + failing + ".fits";
        assertEquals(tile + ": Input/output error", e.getMessage(), "the tile's file, and why");
        assertEquals("Input/output error", e.getCause().getMessage());
        assertTrue(Arrays.stream(e.getStackTrace()).anyMatch(f -> f.getClassName().equals(StarRatio.class.getName())),
                "failed in the star pass");
        // ... it was cancelled, not left to end by itself, and read no band after that.
        assertTrue(seen.interrupted && !seen.timedOut, "the other pair cancelled: interrupted " + seen.interrupted);
        assertEquals(0, seen.afterCancel.get(), "bands read after the cancel");
        assertTrue(seconds < 10, "the failure surfaced in " + seconds + " s");
        // No file of this run: the plan failed before any was opened; the earlier mosaic as it was.
        assertArrayEquals(earlier, Files.readAllBytes(d.resolve("m.fits")));
        assertEquals(List.of("m.fits"), files(d));
        return seen;
    }

    @Test
    void theFirstPairsTileFailsWhileTheOtherPairReads(@TempDir Path dir) throws Exception {
        failedRun(dir, 1, 0); // pair t0–t1 fails on t0, pair t1–t2 held in t1
    }

    @Test
    void theSecondPairsTileFailsWhileTheFirstPairReads(@TempDir Path dir) throws Exception {
        failedRun(dir, 0, 1); // pair t0–t1 held in t0, pair t1–t2 fails on t1: taken at once, not after t0–t1 ends
    }
}

package org.tessera.stack;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tessera.image.FloatImage;
import org.tessera.image.RowSource;
import org.tessera.image.RowSourceView;

class SpooledSourceTest {

    /** A rotated footprint on a larger canvas (NaN outside), with -0.0, infinities and a NaN with a payload inside. */
    private static FloatImage frame(int w, int h, int nc, long seed) {
        FloatImage img = new FloatImage(w, h, nc);
        img.fill(Float.NaN);
        Random r = new Random(seed);
        double cx = w / 2.0, cy = h / 2.0, ang = 0.3;
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++) {
                double u = Math.cos(ang) * (x - cx) + Math.sin(ang) * (y - cy);
                double v = -Math.sin(ang) * (x - cx) + Math.cos(ang) * (y - cy);
                if (Math.abs(u) > 0.35 * w || Math.abs(v) > 0.3 * h) continue;
                for (int c = 0; c < nc; c++) img.set(c, x, y, (float) (1000 + 30 * r.nextGaussian()));
            }
        img.set(0, 40, 30, -0.0f);
        img.set(1, 41, 30, Float.POSITIVE_INFINITY);
        img.set(2, 42, 30, Float.NEGATIVE_INFINITY);
        img.set(1, 43, 30, Float.intBitsToFloat(0x7fc00123)); // not the canonical NaN: kept as is
        img.set(0, 2, h - 1, 5f); // a lone pixel far from the footprint: the row's span widens
        img.set(2, w - 1, 0, 7f); // in another channel than the row's other pixels
        return img;
    }

    /** Counts the rows the wrapped source produced. */
    private static final class Counting extends RowSourceView {
        final AtomicLong rows = new AtomicLong();

        Counting(RowSource src) { super(src); }

        @Override public String name() { return "counted"; }

        @Override
        public void readRows(int y0, int n, float[][] dst) throws IOException {
            rows.addAndGet(n);
            source.readRows(y0, n, dst);
        }
    }

    private static void assertBits(FloatImage want, float[][] band, int y0, int rows) {
        int w = want.width();
        for (int c = 0; c < want.channels(); c++)
            for (int i = 0; i < rows * w; i++)
                assertEquals(Float.floatToRawIntBits(want.plane(c)[y0 * w + i]), Float.floatToRawIntBits(band[c][i]),
                        "channel " + c + " pixel " + (y0 * w + i));
    }

    @Test
    void firstWholeReadIsRecordedAndLaterReadsAreBitIdenticalWithoutTheSource(@TempDir Path dir) throws Exception {
        int w = 237, h = 181, nc = 3;
        FloatImage img = frame(w, h, nc, 1);
        Counting counted = new Counting(img);
        try (SpooledSource s = new SpooledSource(counted, dir)) {
            assertEquals("counted", s.name());
            float[][] band = s.newBand(50);
            for (int y0 = 0; y0 < h; y0 += 50) { // the statistics pass: rows in order, from the top
                int n = Math.min(50, h - y0);
                s.readRows(y0, n, band);
                assertBits(img, band, y0, n);
            }
            assertTrue(s.complete());
            assertEquals(h, counted.rows.get());
            long stored;
            try (var files = Files.list(dir)) {
                Path f = files.findFirst().orElseThrow();
                stored = Files.size(f);
            } catch (java.util.NoSuchElementException | IOException e) {
                stored = -1; // unlinked at once (Linux, macOS): nothing to measure
            }
            if (stored >= 0) assertTrue(stored < 4L * w * h * nc, "only the rows' spans are stored: " + stored);

            // The band pass: other band heights, several threads, overlapping bands.
            ExecutorService ex = Executors.newFixedThreadPool(3);
            try {
                List<Future<?>> fs = new ArrayList<>();
                for (int rows : new int[] {1, 7, 64, h})
                    for (int y0 = 0; y0 < h; y0 += Math.max(1, rows / 2)) {
                        int a = y0, n = Math.min(rows, h - y0);
                        fs.add(ex.submit(() -> {
                            float[][] b = s.newBand(n);
                            for (float[] p : b) java.util.Arrays.fill(p, 123f); // stale values must be overwritten
                            s.readRows(a, n, b);
                            assertBits(img, b, a, n);
                            return null;
                        }));
                    }
                for (Future<?> f : fs) f.get();
            } finally {
                ex.shutdownNow();
            }
            assertEquals(h, counted.rows.get(), "no read went back to the source");
        }
        try (var files = Files.list(dir)) {
            assertEquals(0, files.count(), "the spool file is gone after close");
        }
    }

    @Test
    void wideRowsGoThroughTheFileInPiecesAndRowsWiderThanAPieceAlone(@TempDir Path dir) throws Exception {
        for (int w : new int[] {40_000, 100_000}) { // 2 rows of 3 channels per 1 MiB piece; one row over 1 MiB
            int h = 9, nc = 3;
            FloatImage img = new FloatImage(w, h, nc);
            Random r = new Random(w);
            for (int c = 0; c < nc; c++)
                for (int i = 0; i < w * h; i++) img.plane(c)[i] = r.nextInt(7) == 0 ? Float.NaN : r.nextFloat();
            Counting counted = new Counting(img);
            try (SpooledSource s = new SpooledSource(counted, dir)) {
                float[][] band = s.newBand(h);
                s.readRows(0, 4, band);
                s.readRows(4, 5, band);
                assertTrue(s.complete());
                for (int y0 = 0; y0 < h; y0 += 3) {
                    s.readRows(y0, 3, band);
                    assertBits(img, band, y0, 3);
                }
                s.readRows(0, h, band);
                assertBits(img, band, 0, h);
                assertEquals(h, counted.rows.get());
            }
        }
    }

    @Test
    void aReadOutOfOrderStopsTheRecordingAndTheSourceServesEveryRead(@TempDir Path dir) throws Exception {
        int w = 64, h = 40, nc = 3;
        FloatImage img = frame(w, h, nc, 2);
        Counting counted = new Counting(img);
        try (SpooledSource s = new SpooledSource(counted, dir)) {
            float[][] band = s.newBand(h);
            s.readRows(0, 10, band);
            assertBits(img, band, 0, 10);
            s.readRows(20, 10, band); // skips rows 10..19: the recording stops
            assertBits(img, band, 20, 10);
            assertFalse(s.complete());
            s.readRows(0, h, band);
            assertBits(img, band, 0, h);
            assertFalse(s.complete());
            assertEquals(10 + 10 + h, counted.rows.get());
        }
    }

    @Test
    void afterCloseTheSourceServesTheReads(@TempDir Path dir) throws Exception {
        int w = 60, h = 40, nc = 1;
        FloatImage img = frame(w, h, 3, 3);
        FloatImage mono = new FloatImage(w, h, new float[][] {img.plane(0).clone()});
        Counting counted = new Counting(mono);
        SpooledSource s = new SpooledSource(counted, dir);
        float[][] band = s.newBand(h);
        s.readRows(0, h, band);
        assertTrue(s.complete());
        s.close();
        assertFalse(s.complete());
        float[][] again = s.newBand(h);
        s.readRows(0, h, again);
        assertArrayEquals(band[0], again[0]);
        assertEquals(2L * h, counted.rows.get());
    }
}

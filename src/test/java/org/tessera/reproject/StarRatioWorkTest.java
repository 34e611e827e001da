package org.tessera.reproject;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;
import org.tessera.image.RowSource;
import org.tessera.wcs.OptimalGrid;
import org.tessera.wcs.WcsGrid;
import org.tessera.wcs.WcsMapping;

/**
 * The work {@link StarRatio#measure} does, on {@link StarRatioTest}'s pairs: a band of tile a that
 * cannot hold a star measurable in both tiles is not read (a narrow overlap reads no row, a
 * wedge-shaped one only its wide part), of tile b only the rows of the stars' stamps; a tile that
 * cannot be read is named; a curve of growth, whose distances are sqrt(dx² + dy²) with Math.hypot
 * only near a radius, holds the pixels that Math.hypot's distances put within each radius; and a
 * colour pair's 16 numbers do not depend on the run or the thread.
 */
class StarRatioWorkTest {

    /** A source that counts the rows it is asked for. */
    static final class Counted implements RowSource {
        final RowSource in;
        final AtomicLong rows = new AtomicLong();

        Counted(RowSource in) { this.in = in; }

        @Override public int width() { return in.width(); }
        @Override public int height() { return in.height(); }
        @Override public int channels() { return in.channels(); }

        @Override
        public void readRows(int y0, int n, float[][] dst) throws IOException {
            rows.addAndGet(n);
            in.readRows(y0, n, dst);
        }
    }

    /** A pair's tiles (cropped by {@code crop} %), each placed on the inputs' optimal grid, and their overlap's spans on it. */
    record Setup(Tile a, Tile b, List<int[]> spans) {}

    static Setup setup(List<CoaddInput> in, double crop) {
        List<WcsGrid> fps = new ArrayList<>();
        for (CoaddInput t : in) fps.add(new WcsGrid(t.wcs(), t.image().width(), t.image().height()));
        WcsGrid grid = OptimalGrid.compute(fps);
        Tile[] t = new Tile[2];
        for (int i = 0; i < 2; i++) {
            t[i] = new Tile(i, in.get(i), crop, CoaddParams.defaults().alphaWeightFloor());
            t[i].mapping = new WcsMapping(grid.wcs(), t[i].input.wcs());
        }
        // As PhotometricMatch's spans: per strip of 16 grid rows (a preview row of factor 16), the
        // columns where both crop windows hold the strip's centre line.
        List<int[]> spans = new ArrayList<>();
        double[] p = new double[2];
        for (int y = 0; y < grid.height(); y += 16) {
            int lo = Integer.MAX_VALUE, hi = Integer.MIN_VALUE;
            for (int x = 0; x < grid.width(); x += 4)
                if (inside(t[0], x + 2, y + 8, p) && inside(t[1], x + 2, y + 8, p)) {
                    lo = Math.min(lo, x);
                    hi = x + 4;
                }
            if (lo < hi) spans.add(new int[] {lo, y, Math.min(grid.width(), hi), Math.min(grid.height(), y + 16)});
        }
        return new Setup(t[0], t[1], spans);
    }

    private static boolean inside(Tile t, double gx, double gy, double[] p) {
        t.mapping.mapExact(gx, gy, p);
        return p[0] >= t.cx0 && p[0] < t.cx1 && p[1] >= t.cy0 && p[1] < t.cy1;
    }

    @Test
    void aColourPairsNumbersAreTheSameOnEveryRunAndThread() throws Exception {
        List<CoaddInput> in = ColourMatchTest.sky(41, ColourMatchTest.LUM_GAIN, ColourMatchTest.RESPONSE).tiles();
        Setup s = setup(in, 0);
        double[] first = StarRatio.measure(s.a(), s.b(), s.spans());
        assertTrue(first != null && first.length == 16, "measured: " + Arrays.toString(first));
        for (double v : first) assertTrue(Double.isFinite(v), Arrays.toString(first));
        Setup again = setup(in, 0);
        assertArrayEquals(first, StarRatio.measure(again.a(), again.b(), again.spans()));
        double[][] other = new double[1][];
        Thread t = new Thread(() -> other[0] = StarRatio.measure(again.a(), again.b(), again.spans()));
        t.start();
        t.join();
        assertArrayEquals(first, other[0], "on another thread");
    }

    @Test
    void aWedgeShapedOverlapIsReadOnlyWhereItCanHoldAStar() {
        // B overlaps A by 40 px, rotated by 3°: the overlap narrows from about 70 to 10 px down
        // A's right edge, and a star needs about 34 px (its stamp in A, its margin in B): below
        // about 750 rows of A none fits. Every band read (each row of A's height at least once,
        // and the margins) read 1326 rows of A and 556 of B.
        List<CoaddInput> in = counted(StarRatioTest.pair(61, 1.10, 1.6, 1.6, 700, 40, 3));
        Setup s = setup(in, 0);
        double[] now = StarRatio.measure(s.a(), s.b(), s.spans());
        long rowsA = reads(in, 0), rowsB = reads(in, 1);
        System.out.printf(Locale.ROOT, "[work] wedge: %s, rows of A, B read: %d, %d%n", Arrays.toString(now), rowsA, rowsB);
        assertTrue(now != null && now[2] >= StarRatio.MIN_STARS, "measured: " + Arrays.toString(now));
        assertEquals(1.10, now[0], 3 * now[1] + 0.01, "the planted gain");
        assertTrue(rowsA < StarRatioTest.H, "A's band where no star can be measured left unread: " + rowsA + " rows");
        assertTrue(rowsB < 0.3 * StarRatioTest.H, "of B the stars' stamps only: " + rowsB + " rows");
    }

    @Test
    void anOverlapNarrowerThanAStarsStampsReadsNoPixelAndIsNotMeasured() {
        // Tiles cropped by 3 %, as Phase 5 does (54 px a side), overlapping by 130 px, rotated by
        // 0.5°: 22–32 px of cropped overlap (2MASS-sized tiles of 512 px, 10 % overlap: about 30).
        List<CoaddInput> in = counted(StarRatioTest.pair(62, 1.10, 1.6, 1.6, 700, 130, 0.5));
        Setup s = setup(in, 3);
        assertFalse(s.spans().isEmpty(), "the cropped tiles overlap");
        for (int k = 0; k < 2; k++) {
            Tile a = k == 0 ? s.a() : s.b(), b = k == 0 ? s.b() : s.a();
            assertNull(StarRatio.measure(a, b, s.spans()));
            assertEquals(0, reads(in, 0) + reads(in, 1), "no row read");
        }
    }

    @Test
    void aCurveOfGrowthHoldsThePixelsWithinEachRadiusByMathHypot() {
        // A star on noise, of whole numbers (every sum exact, whatever its order), its curve
        // measured from centres at whole and half pixels (distances on the radii exactly), at
        // random, and at (100.108, 200.344), whose pixel (98, 199) lies at 2.5 by sqrt(dx² + dy²)
        // and at 2.5000000000000004 by Math.hypot: against the sums taken directly by Math.hypot.
        int w = 200, h = 300;
        float[] img = new float[w * h];
        java.util.Random rnd = new java.util.Random(3);
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++)
                img[y * w + x] = Math.round(500 + 10 * rnd.nextGaussian()
                        + 5000 * Math.exp(-((x - 100.2) * (x - 100.2) + (y - 200.1) * (y - 200.1)) / (2 * 1.7 * 1.7)));
        List<double[]> at = new ArrayList<>(List.of(new double[] {100.108, 200.344}, new double[] {100, 200},
                new double[] {100.5, 200.5}, new double[] {99.5, 199.5}, new double[] {100.25, 199.75}));
        for (int k = 0; k < 200; k++) at.add(new double[] {98 + 4 * rnd.nextDouble(), 198 + 4 * rnd.nextDouble()});
        for (double scale : new double[] {1, 0.97, 1.0123, 1.5})
            for (double[] c : at)
                assertArrayEquals(byHypot(img, w, c[0], c[1], scale), StarRatio.growth(img, w, h, c[0], c[1], scale),
                        "at " + Arrays.toString(c) + ", scale " + scale);
    }

    /**
     * {@link StarRatio#growth}'s curve taken directly: each radius' sum and count over the pixels
     * whose centre lies within it by Math.hypot, less the annulus' median; then the annulus' noise
     * (1.4826 MAD) and its count.
     */
    private static double[] byHypot(float[] img, int w, double x, double y, double scale) {
        int nr = StarRatio.RADII.length, xi = (int) Math.round(x), yi = (int) Math.round(y);
        double[] sum = new double[nr];
        int[] cnt = new int[nr];
        List<Double> ann = new ArrayList<>();
        for (int yy = yi - 30; yy <= yi + 30; yy++)
            for (int xx = xi - 30; xx <= xi + 30; xx++) {
                double d = Math.hypot(xx - x, yy - y), v = img[yy * w + xx];
                for (int q = 0; q < nr; q++)
                    if (d <= StarRatio.RADII[q] * scale) {
                        sum[q] += v;
                        cnt[q]++;
                    }
                if (d >= StarRatio.ANNULUS_IN * scale && d <= StarRatio.ANNULUS_OUT * scale) ann.add(v);
            }
        double[] an = ann.stream().mapToDouble(Double::doubleValue).toArray();
        double bg = org.tessera.math.Percentiles.median(an.clone());
        for (int q = 0; q < an.length; q++) an[q] = Math.abs(an[q] - bg);
        double[] out = new double[nr + 2];
        for (int q = 0; q < nr; q++) out[q] = sum[q] - cnt[q] * bg;
        out[nr] = 1.4826 * org.tessera.math.Percentiles.median(an);
        out[nr + 1] = ann.size();
        return out;
    }

    @Test
    void aTileThatCannotBeReadIsNamed() {
        // Read in chunks now, tile a's bands and tile b's stamps: a failure names its tile, as
        // the survey's does (Tile.readFailure), whichever of the two fails.
        List<CoaddInput> ok = StarRatioTest.pair(22, 1.10, 1.6, 1.6);
        for (int bad = 0; bad < 2; bad++) {
            List<CoaddInput> in = new ArrayList<>(ok);
            CoaddInput c = in.get(bad);
            RowSource failing = new RowSource() {
                @Override public int width() { return c.image().width(); }
                @Override public int height() { return c.image().height(); }
                @Override public int channels() { return 1; }

                @Override
                public void readRows(int y0, int n, float[][] dst) throws IOException {
                    throw new IOException("disk error at row " + y0);
                }
            };
            in.set(bad, new CoaddInput(c.name(), failing, null, c.wcs(), 1));
            Setup s = setup(in, 0);
            java.io.UncheckedIOException e = assertThrows(java.io.UncheckedIOException.class,
                    () -> StarRatio.measure(s.a(), s.b(), s.spans()));
            assertTrue(e.getCause().getMessage().startsWith(c.name() + ": disk error at row "), e.getCause().getMessage());
        }
    }

    private static List<CoaddInput> counted(List<CoaddInput> in) {
        List<CoaddInput> out = new ArrayList<>();
        for (CoaddInput c : in) out.add(new CoaddInput(c.name(), new Counted(c.image()), null, c.wcs(), 1));
        return out;
    }

    private static long reads(List<CoaddInput> in, int i) {
        return ((Counted) in.get(i).image()).rows.get();
    }
}

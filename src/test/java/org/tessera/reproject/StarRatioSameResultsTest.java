package org.tessera.reproject;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;
import org.tessera.image.FloatImage;
import org.tessera.image.RowSource;
import org.tessera.wcs.OptimalGrid;
import org.tessera.wcs.WcsGrid;
import org.tessera.wcs.WcsMapping;

/**
 * {@link StarRatio#measure} reads and searches less than it did ({@link StarRatioBefore}: bands
 * that cannot hold a star measurable in both tiles left unread, tile a's rows read a few at a
 * time and only the window's columns kept, of tile b only the rows of the stars' stamps) and gives
 * the same numbers, bit for bit, on {@link StarRatioTest}'s pairs: sparse and dense fields, a
 * colour pair with an alpha plane and invalid pixels, a wedge-shaped overlap of which only a part
 * can hold a star, and a narrow one (the 2MASS-sized sets of bench/reproject/launcher.sh) that
 * now reads no pixel; and the curves of growth, whose distances are no longer all Math.hypot's.
 * A tile that cannot be read is still named.
 */
class StarRatioSameResultsTest {

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

    /** Both ways round: the same ratios as before; returns them (a over b first). */
    static double[][] same(List<CoaddInput> in, double crop, String what) {
        Setup s = setup(in, crop);
        double[][] out = new double[2][];
        for (int k = 0; k < 2; k++) {
            Tile a = k == 0 ? s.a() : s.b(), b = k == 0 ? s.b() : s.a();
            double[] before = StarRatioBefore.measure(a, b, s.spans()), now = StarRatio.measure(a, b, s.spans());
            System.out.printf(Locale.ROOT, "[same] %s, %s over %s: before %s, now %s%n", what, b.name(), a.name(),
                    Arrays.toString(before), Arrays.toString(now));
            assertArrayEquals(before, now, what + ", " + b.name() + " over " + a.name());
            out[k] = now;
        }
        return out;
    }

    @Test
    void sparseAndDenseFieldsGiveTheSameRatiosAsBefore() {
        double[][] r = same(StarRatioTest.pair(22, 1.10, 1.6, 1.6), 0, "sparse");
        for (double[] x : r) assertTrue(x != null && x[2] >= StarRatio.MIN_STARS, "measured: " + Arrays.toString(x));
        // Seeing of their own, and a dense field whose search stops at MAX_FOUND.
        r = same(StarRatioTest.pair(33, 1.0, 1.4, 2.2), 0, "seeing 1.4 / 2.2");
        for (double[] x : r) assertNotNull(x);
        r = same(StarRatioTest.pair(47, 1.10, 1.6, 1.6, 780), 0, "dense");
        for (double[] x : r) assertTrue(x != null && x[2] >= StarRatio.MAX_FOUND / 2.0, "measured: " + Arrays.toString(x));
    }

    @Test
    void aColourPairWithAlphaAndInvalidPixelsGivesTheSameRatiosAsBefore() {
        List<CoaddInput> mono = StarRatioTest.pair(26, 1.10, 1.6, 1.8);
        List<CoaddInput> in = new ArrayList<>();
        java.util.Random rnd = new java.util.Random(5);
        for (CoaddInput m : mono) {
            float rb = in.isEmpty() ? 1f : 1.05f; // the second tile's R a little brighter than its G and B
            FloatImage src = (FloatImage) m.image();
            int w = src.width(), h = src.height();
            float[] p = src.plane(0);
            float[][] rgb = new float[3][w * h];
            float[] alpha = new float[w * h];
            for (int i = 0; i < w * h; i++) {
                rgb[0][i] = 1.1f * rb * p[i];
                rgb[1][i] = p[i] + 40;
                rgb[2][i] = 0.7f * p[i];
                int x = i % w, y = i / w;
                // A feathered edge (alpha from 0 to 1 over the first 400 rows), a hole, stray blanks.
                alpha[i] = y < 400 ? y / 400f : 1f;
                if (x > 1300 && x < 1500 && y > 600 && y < 700) alpha[i] = 0;
            }
            for (int k = 0; k < 300; k++) rgb[rnd.nextInt(3)][rnd.nextInt(w * h)] = Float.NaN;
            in.add(new CoaddInput(m.name(), new FloatImage(w, h, rgb), new FloatImage(w, h, new float[][] {alpha}), m.wcs(), 1));
        }
        double[][] r = same(in, 0, "colour with alpha");
        for (double[] x : r) {
            assertTrue(x != null && x[2] >= StarRatio.MIN_STARS, "measured: " + Arrays.toString(x));
            assertEquals(16, x.length, "each channel's ratio and its ratio over luminance");
            for (double v : x) assertTrue(Double.isFinite(v), Arrays.toString(x));
        }
    }

    @Test
    void colourMatchTestsSkyGivesTheSame16NumbersAsBefore() {
        // Stars of colours of their own, tile B's channels at gains of their own, rotated 4°.
        for (long seed : new long[] {41, 42}) {
            double[][] r = same(ColourMatchTest.sky(seed, ColourMatchTest.LUM_GAIN, ColourMatchTest.RESPONSE).tiles(), 0,
                    "ColourMatchTest's sky " + seed);
            for (double[] x : r) assertTrue(x != null && x.length == 16, "measured: " + Arrays.toString(x));
        }
    }

    @Test
    void aWedgeShapedOverlapIsReadOnlyWhereItCanHoldAStarAndGivesTheSameRatiosAsBefore() {
        // B overlaps A by 40 px, rotated by 3°: the overlap narrows from about 70 to 10 px down
        // A's right edge, and a star needs about 34 px (its stamp in A, its margin in B).
        List<CoaddInput> in = counted(StarRatioTest.pair(61, 1.10, 1.6, 1.6, 700, 40, 3));
        Setup s = setup(in, 0);
        long[] rows = new long[4];
        double[] before = StarRatioBefore.measure(s.a(), s.b(), s.spans());
        rows[0] = reads(in, 0);
        rows[1] = reads(in, 1);
        double[] now = StarRatio.measure(s.a(), s.b(), s.spans());
        rows[2] = reads(in, 0) - rows[0];
        rows[3] = reads(in, 1) - rows[1];
        System.out.printf(Locale.ROOT, "[same] wedge: before %s (rows of A, B read: %d, %d), now %s (%d, %d)%n",
                Arrays.toString(before), rows[0], rows[1], Arrays.toString(now), rows[2], rows[3]);
        assertArrayEquals(before, now);
        assertTrue(now != null && now[2] >= StarRatio.MIN_STARS, "measured: " + Arrays.toString(now));
        assertTrue(rows[2] <= rows[0] - StarRatio.BAND,
                "A's band where no star can be measured left unread: " + rows[2] + " of " + rows[0]);
        assertTrue(rows[3] < 0.6 * rows[1], "of B the stars' stamps only: " + rows[3] + " of " + rows[1]);
    }

    @Test
    void anOverlapNarrowerThanAStarsStampsReadsNoPixelAndIsNotMeasuredAsBefore() {
        // Tiles cropped by 3 %, as Phase 5 does (54 px a side), overlapping by 130 px, rotated by
        // 0.5°: 22–32 px of cropped overlap (2MASS-sized tiles of 512 px, 10 % overlap: about 30).
        List<CoaddInput> in = counted(StarRatioTest.pair(62, 1.10, 1.6, 1.6, 700, 130, 0.5));
        Setup s = setup(in, 3);
        assertFalse(s.spans().isEmpty(), "the cropped tiles overlap");
        for (int k = 0; k < 2; k++) {
            Tile a = k == 0 ? s.a() : s.b(), b = k == 0 ? s.b() : s.a();
            assertNull(StarRatioBefore.measure(a, b, s.spans()));
            long r0 = reads(in, 0) + reads(in, 1);
            assertTrue(r0 > 0, "read before");
            assertNull(StarRatio.measure(a, b, s.spans()));
            assertEquals(r0, reads(in, 0) + reads(in, 1), "no row read now");
        }
    }

    @Test
    void aCurveOfGrowthIsTheSameAsBeforeOnItsRadiiAndOffThem() {
        // A star on noise, its curve measured from centres at whole and half pixels (distances
        // on the radii exactly), at random, and at (100.108, 200.344), whose pixel (98, 199) lies
        // at 2.5 by sqrt(dx² + dy²) and at 2.5000000000000004 by Math.hypot.
        int w = 200, h = 300;
        float[] img = new float[w * h];
        java.util.Random rnd = new java.util.Random(3);
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++)
                img[y * w + x] = (float) (500 + 10 * rnd.nextGaussian()
                        + 5000 * Math.exp(-((x - 100.2) * (x - 100.2) + (y - 200.1) * (y - 200.1)) / (2 * 1.7 * 1.7)));
        List<double[]> at = new ArrayList<>(List.of(new double[] {100.108, 200.344}, new double[] {100, 200},
                new double[] {100.5, 200.5}, new double[] {99.5, 199.5}, new double[] {100.25, 199.75}));
        for (int k = 0; k < 200; k++) at.add(new double[] {98 + 4 * rnd.nextDouble(), 198 + 4 * rnd.nextDouble()});
        for (double scale : new double[] {1, 0.97, 1.0123, 1.5})
            for (double[] c : at) {
                double[] before = StarRatioBefore.growth(img, w, h, c[0], c[1], scale);
                assertNotNull(before);
                assertArrayEquals(before, StarRatio.growth(img, w, h, c[0], c[1], scale),
                        "at " + Arrays.toString(c) + ", scale " + scale);
            }
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

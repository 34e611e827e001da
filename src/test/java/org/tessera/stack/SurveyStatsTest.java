package org.tessera.stack;

import static org.junit.jupiter.api.Assertions.*;

import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;
import org.tessera.image.RowSource;

/**
 * The statistics pass's fast paths against straightforward computations: the survey's percentiles
 * and clipped noise (one counting-sort index per channel, {@link ExactStats.Selector}) against
 * sorted copies and exact arithmetic, independent of where the values lie in the frame; and
 * {@link SkyCells}' normal equations and fit evaluations against the cell-by-cell loops they replace,
 * bit for bit.
 */
class SurveyStatsTest {

    /** A frame held in memory: C planes of H × W floats. */
    record Planes(int width, int height, float[][] p) implements RowSource {
        @Override public int channels() { return p.length; }

        @Override
        public void readRows(int y0, int rows, float[][] dst) {
            for (int c = 0; c < p.length; c++) System.arraycopy(p[c], y0 * width, dst[c], 0, rows * width);
        }
    }

    /** A rotated footprint (NaN outside) of sky, noise, stars, a few negative and saturated pixels. */
    static Planes skyFrame(long seed, int w, int h) {
        SplittableRandom r = new SplittableRandom(seed);
        float[][] p = new float[3][w * h];
        double c = Math.cos(0.4), s = Math.sin(0.4);
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++) {
                double dx = x - w / 2.0, dy = y - h / 2.0, u = c * dx + s * dy, v = -s * dx + c * dy;
                boolean in = Math.abs(u) < 0.4 * w && Math.abs(v) < 0.25 * h;
                for (int ch = 0; ch < 3; ch++) {
                    double val = 700 + 60 * ch + 0.05 * dx + 12 * r.nextGaussian();
                    if (r.nextDouble() < 0.03) val += 4000 * Math.pow(r.nextDouble(), 4);
                    if (r.nextDouble() < 0.0005) val = r.nextBoolean() ? -3 * r.nextDouble() : 65535;
                    p[ch][y * w + x] = in ? (float) val : Float.NaN;
                }
            }
        return new Planes(w, h, p);
    }

    /** The finite values of a plane, sorted. */
    static float[] finiteSorted(float[] plane) {
        float[] f = new float[plane.length];
        int m = 0;
        for (float v : plane) if (Float.isFinite(v)) f[m++] = v;
        f = Arrays.copyOf(f, m);
        Arrays.sort(f);
        return f;
    }

    /** astropy's clipped std written plainly: sorted copies, exact sums (BigDecimal), 3σ, 5 rounds. */
    static double clippedStdReference(float[] sorted) {
        float[] cur = sorted;
        double std = 0;
        for (int it = 0; ; it++) {
            int m = cur.length;
            double med = (m & 1) == 1 ? cur[m / 2] : 0.5 * ((double) cur[m / 2 - 1] + cur[m / 2]);
            std = ExactStatsTest.exactMeanStd(cur, m)[1];
            if (it == FrameSurvey.NOISE_ITERS) return std;
            int lo = ExactStats.keyAtLeast(med - 3 * std), hi = ExactStats.keyAtMost(med + 3 * std);
            float[] next = new float[m];
            int k = 0;
            for (float x : cur) if (ExactStats.key(x) >= lo && ExactStats.key(x) <= hi) next[k++] = x;
            if (k == m) return std;
            cur = Arrays.copyOf(next, k);
        }
    }

    @Test
    void surveyStatisticsEqualSortedPercentilesAndExactClipping() throws Exception {
        Planes f = skyFrame(11, 300, 260);
        FrameSurvey.Needs needs = new FrameSurvey.Needs(true, false, true, false, false);
        FrameStats st = FrameSurvey.measure(f, needs);
        for (int c = 0; c < 3; c++) {
            float[] s = finiteSorted(f.p()[c]);
            assertTrue(s.length > 20_000, "a large footprint: " + s.length);
            assertEquals(s.length, st.finite()[c]);
            assertEquals(ExactStatsTest.sortedPercentile(s, s.length, FrameSurvey.LOW_PERCENTILE), st.pLow()[c], 0, "25th, channel " + c);
            assertEquals(ExactStatsTest.sortedPercentile(s, s.length, FrameSurvey.HIGH_PERCENTILE), st.pHigh()[c], 0, "90th, channel " + c);
            double ref = clippedStdReference(s);
            assertEquals(ref, st.noiseSigma()[c], 1e-12 * ref, "clipped noise, channel " + c);
            assertTrue(ref > 11 && ref < 13, "the noise drawn (12): " + ref);
        }
    }

    /** The same values elsewhere in the frame (rows reversed, pixels swapped): the same bits. */
    @Test
    void surveyStatisticsDependOnTheValuesNotTheirPlaces() throws Exception {
        Planes f = skyFrame(12, 240, 200);
        float[][] q = new float[3][];
        SplittableRandom r = new SplittableRandom(1);
        for (int c = 0; c < 3; c++) {
            q[c] = f.p()[c].clone();
            for (int i = q[c].length - 1; i > 0; i--) {
                int j = r.nextInt(i + 1);
                float t = q[c][i];
                q[c][i] = q[c][j];
                q[c][j] = t;
            }
        }
        FrameSurvey.Needs needs = new FrameSurvey.Needs(true, false, true, false, false);
        FrameStats a = FrameSurvey.measure(f, needs), b = FrameSurvey.measure(new Planes(240, 200, q), needs);
        assertArrayEquals(a.noiseSigma(), b.noiseSigma(), 0);
        assertArrayEquals(a.pLow(), b.pLow(), 0);
        assertArrayEquals(a.pHigh(), b.pHigh(), 0);
        // Two workers or one, any order of frames: the same statistics.
        List<Planes> frames = List.of(f, new Planes(240, 200, q), skyFrame(13, 240, 200));
        FrameStats[] one = FrameSurvey.run(frames, needs, 1, org.tessera.Progress.NONE, List.of("a", "b", "c"));
        FrameStats[] two = FrameSurvey.run(frames, needs, 2, org.tessera.Progress.NONE, List.of("a", "b", "c"));
        for (int i = 0; i < 3; i++) assertArrayEquals(one[i].noiseSigma(), two[i].noiseSigma(), 0, "frame " + i);
        assertArrayEquals(a.noiseSigma(), one[0].noiseSigma(), 0);
    }

    /** The normal equations summed by columns are the cell-by-cell sums, bit for bit. */
    @Test
    void normalEquationsEqualTheCellByCellSums() {
        SplittableRandom r = new SplittableRandom(3);
        int cw = 97, ch = 61, n = cw * ch;
        double[] t = SkyCells.terms(cw, ch);
        float[] v1 = new float[n], v2 = new float[n];
        boolean[] use = new boolean[n];
        for (int k = 0; k < n; k++) {
            v1[k] = (float) (800 + 30 * r.nextGaussian());
            v2[k] = (float) (760 + 25 * r.nextGaussian());
            use[k] = r.nextDouble() < 0.6;
        }
        double[][] fast = SkyCells.normalEquations(t, v1, v2, use, new SkyCells.Columns());
        int T = SkyCells.TERMS;
        double[][] ata = new double[T][T];
        double[] b1 = new double[T], b2 = new double[T];
        for (int k = 0; k < n; k++) {
            if (!use[k]) continue;
            for (int i = 0; i < T; i++) {
                double ri = t[k * T + i];
                b1[i] += ri * v1[k];
                b2[i] += ri * v2[k];
                for (int j = 0; j <= i; j++) ata[i][j] += ri * t[k * T + j];
            }
        }
        for (int i = 0; i < T; i++) {
            for (int j = 0; j <= i; j++) {
                assertEquals(ata[i][j], fast[i][j], 0, "AtA " + i + "," + j);
                assertEquals(ata[i][j], fast[j][i], 0, "AtA " + j + "," + i);
            }
            assertEquals(b1[i], fast[T][i], 0, "Atv1 " + i);
            assertEquals(b2[i], fast[T + 1][i], 0, "Atv2 " + i);
        }
        // Two fits at the listed cells, four cells of both at a time: each cell's sum in term order.
        double[] a = new double[T], a2 = new double[T];
        for (int i = 0; i < T; i++) {
            a[i] = r.nextGaussian() * 100;
            a2[i] = r.nextGaussian() * 3;
        }
        int[] cells = new int[n];
        int m = 0;
        for (int k = 0; k < n; k++) if (use[k]) cells[m++] = k;
        double[] out = new double[n], out2 = new double[n];
        SkyCells.evaluate(a, a2, t, cells, m, out, out2);
        for (int u = 0; u < m; u++) {
            int k = cells[u];
            double s = 0, s2 = 0;
            for (int i = 0; i < T; i++) {
                s += a[i] * t[k * T + i];
                s2 += a2[i] * t[k * T + i];
            }
            assertEquals(Double.doubleToRawLongBits(s), Double.doubleToRawLongBits(out[k]), "cell " + k);
            assertEquals(Double.doubleToRawLongBits(s2), Double.doubleToRawLongBits(out2[k]), "cell " + k + ", second fit");
        }
        for (int k = 0; k < n; k++)
            if (!use[k]) assertEquals(0, out[k] + out2[k], 0, "unlisted cell " + k + " untouched");
    }

    /**
     * The sky flags' medians from the values between two sample quantiles ({@link
     * SkyCells#bracketedMedian}) against the whole-set selection: odd and even counts, ties at and
     * around the middle, sorted and reversed input, residual-like values with outliers; NaN (the
     * caller then selects among all) only when a middle rank lies outside the bounds, as when the
     * sampled places hold values unlike the rest.
     */
    @Test
    void bracketedMediansEqualTheWholeSetSelection() {
        SplittableRandom r = new SplittableRandom(9);
        double[] c = new double[100_000], sample = new double[256];
        int answered = 0;
        for (int t = 0; t < 60; t++) {
            int n = SkyCells.BRACKETED + r.nextInt(40_000) + (t & 1); // odd and even counts
            double[] a = new double[n];
            for (int i = 0; i < n; i++) {
                double v = switch (t % 5) {
                    case 0 -> r.nextGaussian() * 4 + (r.nextInt(20) == 0 ? 500 * r.nextDouble() : 0); // residuals, stars
                    case 1 -> r.nextInt(7) - 3; // few values, ties everywhere
                    case 2 -> i; // sorted
                    case 3 -> n - i; // reversed
                    default -> Math.abs(r.nextGaussian()) * 1e-3 + (r.nextBoolean() ? 0.0 : -0.0); // deviations and zeros
                };
                a[i] = v;
            }
            double[] before = a.clone();
            double got = SkyCells.bracketedMedian(a, n, c, sample);
            assertArrayEquals(before, a, 0, "the values are left as they are");
            double want = SmallSelect.median(a.clone(), n);
            assertFalse(Double.isNaN(got), "case " + t % 5 + ": no bracket around the middle of " + n);
            assertEquals(want, got, 0, "case " + t % 5 + ", " + n + " values");
            answered++;
        }
        assertEquals(60, answered);
        // the sampled places hold the largest values: the middle lies below the bounds
        int n = 10_001;
        double[] a = new double[n];
        for (int i = 0; i < n; i++) a[i] = r.nextDouble();
        for (int j = 0; j < 256; j++) a[(int) ((long) j * n / 256)] = 1e6 + j;
        assertTrue(Double.isNaN(SkyCells.bracketedMedian(a, n, c, sample)), "a bracket that misses the middle");
    }

    /**
     * A worker's kept scratch (the read band, {@link SkyCells.Work}) gives the same bits as fresh
     * scratch, whatever the frames measured and fitted before with it: a larger frame, another grid,
     * other frames' sources and sky masks left in the arrays, the bucket counts of a frame whose
     * read failed.
     */
    @Test
    void keptScratchGivesTheSameStatisticsAndFitsAsFreshScratch() throws Exception {
        List<org.tessera.image.FloatImage> frames = LinearFitGradientTest.frames();
        FrameSurvey.Needs needs = new FrameSurvey.Needs(true, false, true, false, false);
        SkyCells ref = FrameSurvey.measure(frames.get(0), needs, true, new FrameSurvey.Scratch()).cells();
        FrameSurvey.Scratch kept = new FrameSurvey.Scratch();
        // first a larger frame of three channels on another grid, measured and fitted with the kept scratch
        Planes big = skyFrame(21, 420, 380);
        SkyCells bigCells = FrameSurvey.measure(big, needs, true, kept).cells();
        SkyCells bigRef = FrameSurvey.measure(skyFrame(22, 420, 380), needs, true, new FrameSurvey.Scratch()).cells();
        for (int c = 0; c < 3; c++) SkyCells.fit(bigRef, bigCells, c, kept.fitWork);
        // then a frame whose second read fails: its first band's values were counted, never indexed
        Planes sky3 = skyFrame(23, 4000, 600); // read in bands of 262 rows or fewer
        Planes wide = new Planes(4000, 600, Arrays.copyOf(sky3.p(), frames.get(0).channels())); // the frames' channels
        org.tessera.image.RowSource failing = new org.tessera.image.RowSource() {
            @Override public int width() { return wide.width(); }
            @Override public int height() { return wide.height(); }
            @Override public int channels() { return wide.channels(); }
            @Override public void readRows(int y0, int rows, float[][] dst) throws java.io.IOException {
                if (y0 > 0) throw new java.io.IOException("read fails");
                wide.readRows(y0, rows, dst);
            }
        };
        assertThrows(java.io.IOException.class, () -> FrameSurvey.measure(failing, needs, true, kept));
        int fitted = 0;
        for (int round = 0; round < 2; round++) // the second round meets the first one's arrays
            for (int f = frames.size() - 1; f >= 1; f--) {
                FrameSurvey.Measured fresh = FrameSurvey.measure(frames.get(f), needs, true, new FrameSurvey.Scratch());
                FrameSurvey.Measured reused = FrameSurvey.measure(frames.get(f), needs, true, kept);
                FrameStats a = fresh.stats(), b = reused.stats();
                assertArrayEquals(a.pLow(), b.pLow(), 0, "frame " + f);
                assertArrayEquals(a.pHigh(), b.pHigh(), 0, "frame " + f);
                assertArrayEquals(a.noiseSigma(), b.noiseSigma(), 0, "frame " + f);
                assertArrayEquals(a.finite(), b.finite(), "frame " + f);
                assertArrayEquals(fresh.cells().mean[0], reused.cells().mean[0], 0, "frame " + f + " cells");
                SkyCells.Fit one = SkyCells.fit(ref, fresh.cells(), 0);
                SkyCells.Fit two = SkyCells.fit(ref, reused.cells(), 0, kept.fitWork);
                assertNull(one.why(), "frame " + f + ": " + one.why());
                assertEquals(Double.doubleToRawLongBits(one.gain()), Double.doubleToRawLongBits(two.gain()), "frame " + f + " gain");
                assertEquals(Double.doubleToRawLongBits(one.offset()), Double.doubleToRawLongBits(two.offset()), "frame " + f + " offset");
                fitted++;
            }
        assertEquals(8, fitted);
    }

    /** A spool leaves its disk 1 GiB, or 10 % of it up to 8 GiB (a large disk is not asked for 10 % of it). */
    @Test
    void aSpoolLeavesItsDiskAReserveOfAtMostEightGiB() {
        long g = 1L << 30;
        assertEquals(g, SpooledSource.reserve(4 * g));
        assertEquals(5 * g, SpooledSource.reserve(50 * g));
        assertEquals(8 * g, SpooledSource.reserve(252 * g));
        assertEquals(8 * g, SpooledSource.reserve(4096 * g));
    }

    /**
     * A spooled frame is surveyed inside the spans its recording measured (values gathered, cells
     * summed there only): the same statistics and cell means, bit for bit, as the frame read plainly,
     * with span edges inside cells, a NaN and an infinity inside the footprint and empty rows.
     */
    @Test
    void aSpooledFrameIsSurveyedInsideItsSpansWithTheSameBits(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        Planes f = skyFrame(31, 301, 263); // a ragged right and bottom edge: 75 × 65 cells of 4 px
        float[][] p = f.p();
        int w = f.width();
        p[1][131 * w + 150] = Float.NaN;
        p[2][100 * w + 140] = Float.POSITIVE_INFINITY;
        p[0][120 * w + 160] = -0.0f;
        FrameSurvey.Needs needs = new FrameSurvey.Needs(true, false, true, false, true);
        FrameSurvey.Measured plain = FrameSurvey.measure(f, needs, true, new FrameSurvey.Scratch());
        java.nio.file.FileStore store = java.nio.file.Files.getFileStore(dir);
        org.junit.jupiter.api.Assumptions.assumeTrue(store.getUsableSpace() > SpooledSource.reserve(store.getTotalSpace()) + (16L << 20),
                "the temporary folder's disk is too full for a spool: " + (store.getUsableSpace() >> 20) + " MiB free");
        try (SpooledSource s = new SpooledSource(f, dir)) {
            int[] sp = new int[2];
            assertFalse(s.recordedSpans(0, 1, sp, 0), "nothing recorded yet");
            FrameSurvey.Measured spooled = FrameSurvey.measure(s, needs, true, new FrameSurvey.Scratch());
            assertTrue(s.recordedSpans(130, 1, sp, 0) && sp[1] - sp[0] > 0 && sp[1] - sp[0] < w, "a row's span: " + sp[0] + ".." + sp[1]);
            assertTrue(s.recordedSpans(0, 1, sp, 0) && sp[1] == sp[0], "an empty first row");
            FrameStats a = plain.stats(), b = spooled.stats();
            assertArrayEquals(a.finite(), b.finite());
            assertArrayEquals(a.pLow(), b.pLow(), 0);
            assertArrayEquals(a.pHigh(), b.pHigh(), 0);
            assertArrayEquals(a.noiseSigma(), b.noiseSigma(), 0);
            assertEquals(a.cx(), b.cx(), 0);
            assertEquals(a.cy(), b.cy(), 0);
            assertEquals(a.radius(), b.radius(), 0);
            int finiteCells = 0;
            for (int c = 0; c < 3; c++) {
                float[] ma = plain.cells().mean[c], mb = spooled.cells().mean[c];
                for (int k = 0; k < ma.length; k++) {
                    assertEquals(Float.floatToRawIntBits(ma[k]), Float.floatToRawIntBits(mb[k]), "channel " + c + " cell " + k);
                    if (Float.isFinite(ma[k])) finiteCells++;
                }
            }
            assertTrue(finiteCells > 2000 && finiteCells < 3 * 75 * 65 / 2, "a footprint's cells: " + finiteCells);
        }
    }
}

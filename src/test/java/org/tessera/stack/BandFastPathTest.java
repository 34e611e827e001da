package org.tessera.stack;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tessera.image.FloatImage;
import org.tessera.stack.StackParams.Combine;
import org.tessera.stack.StackParams.Rejection;

/**
 * The band pass's fast path (frames left out of a tile by their spans, the winsorized median and
 * MAD found near the previous pixel's, the mean taken from the last Huber round) gives exactly the
 * result of the plain per-pixel rules ({@link ReferenceRules}, the code before): every output bit
 * and every tally, on bands with NaN spans, holes, all-NaN pixels, single-sample pixels and ties.
 */
class BandFastPathTest {

    /** The plain pass: every frame of every pixel, finite samples in frame order, the reference rules. */
    private static float[] reference(BandChannel b, StackParams p, long[] tally) {
        int n = b.frames();
        ReferenceRules r = new ReferenceRules(Math.max(1, n));
        float[] out = new float[b.pixels()];
        for (int i = 0; i < b.pixels(); i++) {
            int k = 0;
            for (int f = 0; f < n; f++) {
                float v = b.values()[f * b.stride() + i];
                if (!Float.isFinite(v)) continue;
                r.x[k] = v;
                r.w[k] = b.pixelWeights() == null ? b.weights()[f] : b.weights()[f] * b.pixelWeights()[f * b.stride() + i];
                k++;
            }
            if (k == 0) {
                out[i] = Float.NaN;
                continue;
            }
            r.bounds(p, k);
            out[i] = (float) (p.combine() == Combine.MEDIAN ? r.medianCombine(k) : r.meanCombine(k));
            tally[0] += k;
            tally[1] += r.rejected;
        }
        return out;
    }

    /**
     * A band of n frames, rows × width: each frame's row has data only in a random span (some rows
     * none), NaN holes inside, ties (values on a coarse grid), outliers, one column where every
     * frame is NaN and one where only frame 0 has data. Spans are returned tight (as a spool
     * records them) in {@code spans}.
     */
    private static float[] band(int n, int rows, int width, int stride, long seed, int[] spans, boolean ties) {
        SplittableRandom rnd = new SplittableRandom(seed);
        float[] v = new float[n * stride];
        Arrays.fill(v, Float.NaN);
        for (int f = 0; f < n; f++) {
            double sky = 1000 + rnd.nextDouble(-5, 5);
            for (int r = 0; r < rows; r++) {
                int a = rnd.nextInt(width / 2), b = a + rnd.nextInt(width - a + 1);
                if (rnd.nextInt(8) == 0) b = a; // a row without data
                int lo = b, hi = a; // tight span of what is written
                for (int x = a; x < b; x++) {
                    int i = r * width + x;
                    if (x == 3 || (x == 5 && f > 0) || rnd.nextInt(20) == 0) continue; // all-NaN column, single sample, holes
                    double val = sky + 20 * rnd.nextGaussian();
                    if (ties) val = Math.rint(val / 15) * 15;
                    if (rnd.nextInt(40) == 0) val += rnd.nextBoolean() ? 3000 : -800;
                    v[f * stride + i] = (float) val;
                    lo = Math.min(lo, x);
                    hi = Math.max(hi, x + 1);
                }
                spans[2 * (f * rows + r)] = lo < hi ? lo : 0;
                spans[2 * (f * rows + r) + 1] = lo < hi ? hi : 0;
            }
        }
        return v;
    }

    @Test
    void fastBandPassEqualsThePlainRulesBitForBit() {
        int rows = 3, width = 120, pixels = rows * width, stride = pixels + 7;
        StackParams base = StackParams.plainMean();
        int compared = 0;
        for (int n : new int[] {1, 2, 5, 13, 14, 15, 37, 50, 101}) {
            for (long seed = 1; seed <= 2; seed++) {
                int[] spans = new int[2 * n * rows];
                float[] v = band(n, rows, width, stride, seed * 31 + n, spans, seed == 2);
                SplittableRandom rnd = new SplittableRandom(seed);
                double[] w = new double[n];
                for (int f = 0; f < n; f++) w[f] = rnd.nextDouble(0.5, 2);
                float[] pw = new float[n * stride];
                for (int i = 0; i < pw.length; i++) pw[i] = (float) rnd.nextDouble(0.1, 1);
                int[] loose = spans.clone(); // wider than needed: the same result
                for (int k = 0; k < loose.length; k += 2) {
                    loose[k] = Math.max(0, loose[k] - 5);
                    loose[k + 1] = Math.min(width, Math.max(loose[k + 1], loose[k]) + 5);
                }
                for (Rejection rej : Rejection.values())
                    for (Combine cmb : Combine.values())
                        for (float[] weights : new float[][] {null, pw}) {
                            StackParams p = base.with(rej, cmb);
                            long[] want = new long[2];
                            float[] expect = reference(new BandChannel(v, stride, n, pixels, w, weights), p, want);
                            for (int[] sp : new int[][] {spans, loose, null}) {
                                BandChannel b = new BandChannel(v, stride, n, pixels, w, weights, width, sp);
                                float[] out = new float[pixels];
                                Arrays.fill(out, 42f);
                                ChannelTally t = new ChannelTally();
                                CpuStackBackend.INSTANCE.stack(b, p, out, t);
                                String what = "n=" + n + " seed " + seed + " " + rej + "/" + cmb
                                        + (weights == null ? "" : " radial") + (sp == null ? " no spans" : "");
                                for (int i = 0; i < pixels; i++)
                                    assertEquals(Float.floatToRawIntBits(expect[i]), Float.floatToRawIntBits(out[i]),
                                            what + " pixel " + i + ": " + expect[i] + " vs " + out[i]);
                                assertEquals(want[0], t.samples(), what + " samples");
                                assertEquals(want[1], t.rejected(), what + " rejected");
                                compared++;
                            }
                            assertTrue(Float.isNaN(expect[3]), "the all-NaN column stays NaN");
                            if (n > 1 && rej == Rejection.NONE && cmb == Combine.MEAN) // column 5: frame 0 only
                                for (int r = 0; r < rows; r++) {
                                    float f0 = v[r * width + 5];
                                    if (Float.isFinite(f0)) assertEquals(f0, expect[r * width + 5], 1e-3);
                                }
                        }
            }
        }
        assertEquals(9 * 2 * 4 * 2 * 2 * 3, compared);
    }

    @Test
    void bufferedSelectionEqualsTheSortedDefinition() {
        SplittableRandom rnd = new SplittableRandom(5);
        double[] b = new double[200], c = new double[200];
        for (int n = 1; n <= 130; n++)
            for (int rep = 0; rep < 40; rep++) {
                double[] a = new double[n];
                for (int k = 0; k < n; k++) {
                    a[k] = 1000 + 20 * rnd.nextGaussian();
                    if (rep % 3 == 0) a[k] = Math.rint(a[k] / 25); // many ties
                    if (rep % 5 == 1) a[k] = 7; // all equal
                }
                double[] before = a.clone(), sorted = a.clone();
                Arrays.sort(sorted);
                double want = (n & 1) == 1 ? sorted[n / 2] : 0.5 * (sorted[n / 2 - 1] + sorted[n / 2]);
                assertEquals(want, SmallSelect.medianOf(a, n, b, c), 0.0, "median n=" + n);
                assertEquals(want, SmallSelect.median(a.clone(), n), 0.0, "the in-place selection agrees");
                int k = rnd.nextInt(n);
                assertEquals(sorted[k], SmallSelect.middle(a, n, k, k, b, c), 0.0, "rank " + k + " of " + n);
                if (k + 1 < n)
                    assertEquals(0.5 * (sorted[k] + sorted[k + 1]), SmallSelect.middle(a, n, k, k + 1, b, c), 0.0,
                            "ranks " + k + ", " + (k + 1) + " of " + n);
                assertArrayEquals(before, a, "the source is not changed");
            }
    }

    @Test
    void windowedMedianAndMadDoNotDependOnThePixelsBefore() {
        SplittableRandom rnd = new SplittableRandom(11);
        WindowSelect warm = new WindowSelect(120);
        double[] t = new double[120];
        int hits = 0;
        for (int px = 0; px < 3000; px++) {
            int n = 14 + rnd.nextInt(100);
            double centre = px % 500 < 400 ? 1000 : 1000 + 40 * (px % 7); // smooth, then jumps
            double spread = px % 300 == 0 ? 0 : 20; // now and then a constant pixel (MAD 0)
            double[] x = new double[n];
            for (int k = 0; k < n; k++) {
                x[k] = centre + spread * rnd.nextGaussian();
                if (px % 4 == 1) x[k] = Math.rint(x[k] / 10) * 10; // ties
            }
            double[] s = x.clone();
            double m = SmallSelect.median(s, n);
            double[] d = new double[n];
            for (int k = 0; k < n; k++) d[k] = Math.abs(x[k] - m);
            double mad = SmallSelect.median(d, n);
            double gm = warm.median(x, n);
            assertEquals(m, gm, 0.0, "median of pixel " + px);
            assertEquals(mad, warm.mad(x, n, gm, t), 0.0, "MAD of pixel " + px);
            WindowSelect cold = new WindowSelect(120); // no history: the full selection
            assertEquals(m, cold.median(x, n), 0.0);
            assertEquals(mad, cold.mad(x, n, m, t), 0.0);
            if (Math.abs(m - centre) < 5) hits++;
        }
        assertTrue(hits > 1000);
    }

    @Test
    void spoolReportsItsSpansOnceComplete(@TempDir Path dir) throws Exception {
        int w = 60, h = 20;
        FloatImage img = new FloatImage(w, h, 2);
        img.fill(Float.NaN);
        for (int y = 0; y < h; y++)
            for (int x = 10 + y; x < 30 + y; x++) img.set(y % 2, x, y, 1f + x); // one channel per row
        img.set(1, 55, 4, 3f); // the union over the channels widens row 4's span
        try (SpooledSource s = new SpooledSource(img, dir)) {
            int[] sp = new int[2 * h];
            assertFalse(s.spans(0, h, sp, 0), "unknown before the whole first read");
            float[][] band = s.newBand(h);
            s.readRows(0, h, band);
            assertTrue(s.complete());
            Arrays.fill(sp, -1);
            assertTrue(s.spans(0, h, sp, 0));
            for (int y = 0; y < h; y++) {
                assertEquals(10 + y, sp[2 * y], "row " + y);
                assertEquals(y == 4 ? 56 : 30 + y, sp[2 * y + 1], "row " + y);
            }
            int[] two = new int[6];
            assertTrue(s.spans(4, 2, two, 2));
            assertArrayEquals(new int[] {0, 0, 14, 56, 15, 35}, two);
            s.close();
            assertFalse(s.spans(0, h, sp, 0), "unknown once closed (the source serves the reads)");
        }
    }
}

package org.tessera.stack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

/**
 * The windowed median and MAD (guessed from the pixel's own mean and spread or the previous pixel,
 * compares read from sign bits) and the buffered selection they finish with give the order
 * statistics of a sort, on pixels made to trip them: signed zeros, ties, all-equal pixels, float
 * extremes and subnormals, outliers that pull the mean, jumps, every count from 1 to 130; and the
 * winsorized rule built on them gives the reference rule's bits.
 */
class WindowSelectTest {

    /** A pixel of n float values (as the band holds them), of kind {@code kind}. */
    private static double[] pixel(SplittableRandom r, int n, int kind, double centre) {
        double[] x = new double[n];
        for (int k = 0; k < n; k++) {
            double v = centre + 20 * r.nextGaussian();
            switch (kind) {
                case 0 -> { } // plain noise around a slowly moving centre
                case 1 -> v = r.nextInt(3) == 0 ? -0.0 : r.nextBoolean() ? 0.0 : r.nextInt(3) - 1; // signed zeros
                case 2 -> v = Math.rint(v / 25) * 25; // ties
                case 3 -> v = 7; // all equal: MAD 0
                case 4 -> v = r.nextBoolean() ? Float.MAX_VALUE : -Float.MAX_VALUE; // the float extremes
                case 5 -> v = Float.MIN_VALUE * r.nextInt(-4, 5); // subnormals and zeros
                case 6 -> v = r.nextInt(4) == 0 ? v + 5000 : v; // outliers pull the mean and the spread
                case 7 -> v = r.nextBoolean() ? v : v + 300; // two populations: the median between
                case 8 -> v = r.nextBoolean() ? 1e-30 * r.nextGaussian() : -0.0; // tiny around −0.0
                default -> throw new IllegalArgumentException();
            }
            x[k] = (float) v;
        }
        return x;
    }

    private static double sortedMedian(double[] x, int n) {
        double[] s = Arrays.copyOf(x, n);
        Arrays.sort(s);
        return (n & 1) == 1 ? s[n / 2] : 0.5 * (s[n / 2 - 1] + s[n / 2]);
    }

    @Test
    void windowedMedianAndMadEqualASortOnAdversarialPixels() {
        SplittableRandom r = new SplittableRandom(2026);
        WindowSelect warm = new WindowSelect(130);
        double[] t = new double[130], b = new double[130], c = new double[130];
        int checked = 0;
        double centre = 1000;
        for (int px = 0; px < 20000; px++) {
            int n = 1 + (px % 130);
            int kind = (px / 130) % 9 == 0 ? 0 : (px / 7) % 9; // runs of one kind, then mixed
            centre += px % 500 == 0 ? 400 : r.nextGaussian();
            double[] x = pixel(r, n, kind, centre);
            double m = sortedMedian(x, n);
            double[] d = new double[n];
            for (int k = 0; k < n; k++) d[k] = Math.abs(x[k] - m);
            double mad = sortedMedian(d, n);
            String what = "pixel " + px + " kind " + kind + " n=" + n;
            double gm = warm.median(x, n);
            // Numerically equal (a zero's sign may differ, which the winsorized rule never sees).
            assertEquals(m, gm, 0.0, what + " median");
            assertEquals(mad, warm.mad(x, n, gm, t), 0.0, what + " MAD");
            int k1 = r.nextInt(n), k2 = Math.min(n - 1, k1 + r.nextInt(2));
            double[] s = Arrays.copyOf(x, n);
            Arrays.sort(s);
            double want = k1 == k2 ? s[k1] : 0.5 * (s[k1] + s[k2]);
            double[] before = x.clone();
            assertEquals(want, SmallSelect.middle(x, n, k1, k2, b, c), 0.0, what + " ranks " + k1 + ", " + k2);
            assertEquals(0, Arrays.compare(before, x), "the source is not changed");
            checked++;
        }
        assertEquals(20000, checked);
    }

    @Test
    void winsorizedRuleEqualsTheReferenceBitForBit() {
        SplittableRandom r = new SplittableRandom(77);
        StackParams p = StackParams.defaults();
        PixelRules fast = new PixelRules(130);
        ReferenceRules ref = new ReferenceRules(130);
        double centre = 1000;
        int rejected = 0;
        for (int px = 0; px < 20000; px++) {
            int n = 1 + (px % 130);
            int kind = (px / 130) % 9 == 0 ? 0 : (px / 7) % 9;
            centre += px % 500 == 0 ? 400 : r.nextGaussian();
            double[] x = pixel(r, n, kind, centre);
            for (int k = 0; k < n; k++) {
                fast.x[k] = ref.x[k] = x[k];
                fast.w[k] = ref.w[k] = 0.5 + r.nextDouble();
            }
            fast.bounds(p, n);
            ref.bounds(p, n);
            String what = "pixel " + px + " kind " + kind + " n=" + n;
            assertEquals(Double.doubleToRawLongBits(ref.lo), Double.doubleToRawLongBits(fast.lo), what + " lo");
            assertEquals(Double.doubleToRawLongBits(ref.hi), Double.doubleToRawLongBits(fast.hi), what + " hi");
            assertEquals(Double.doubleToRawLongBits(ref.rejLo), Double.doubleToRawLongBits(fast.rejLo), what + " rejLo");
            assertEquals(Double.doubleToRawLongBits(ref.rejHi), Double.doubleToRawLongBits(fast.rejHi), what + " rejHi");
            double want = ref.meanCombine(n), got = fast.meanCombine(n);
            assertEquals(Double.doubleToRawLongBits(want), Double.doubleToRawLongBits(got), what + " mean " + want + " vs " + got);
            assertEquals(ref.rejected, fast.rejected, what + " rejected");
            rejected += fast.rejected;
        }
        assertTrue(rejected > 1000, "the outlier pixels are rejected: " + rejected);
    }
}

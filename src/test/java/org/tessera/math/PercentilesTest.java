package org.tessera.math;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class PercentilesTest {

    // Expected values from numpy: np.percentile([7, 1, 3, 9, 4], [0, 10, 25, 50, 90, 100]).
    @Test
    void matchesNumpyLinearPercentiles() {
        double[] v = {7, 1, 3, 9, 4};
        assertEquals(1.0, Percentiles.percentile(v, 0), 1e-12);
        assertEquals(1.8, Percentiles.percentile(v, 10), 1e-12);
        assertEquals(3.0, Percentiles.percentile(v, 25), 1e-12);
        assertEquals(4.0, Percentiles.percentile(v, 50), 1e-12);
        assertEquals(8.2, Percentiles.percentile(v, 90), 1e-12);
        assertEquals(9.0, Percentiles.percentile(v, 100), 1e-12);
        assertArrayEquals(new double[] {1.8, 8.2}, Percentiles.percentiles(new float[] {7, 1, 3, 9, 4}, 10, 90), 1e-6);
    }

    @Test
    void ignoresNonFiniteValuesAndReturnsNanWhenNoneAreLeft() {
        double[] v = {Double.NaN, 2, Double.POSITIVE_INFINITY, 6, 4, 8};
        assertEquals(5.0, Percentiles.median(v), 0);
        assertEquals(5.0, Percentiles.median(new float[] {Float.NaN, 2, 6, 4, 8}), 0);
        assertEquals(2.0, Percentiles.percentile(v, -5), 0, "p is clamped to [0, 100]");
        assertTrue(Double.isNaN(Percentiles.median(new double[] {Double.NaN})));
        assertTrue(Double.isNaN(Percentiles.percentiles(new float[0], 50)[0]));
    }

    @Test
    void leavesTheInputUntouched() {
        double[] v = {3, 1, 2};
        Percentiles.median(v);
        assertArrayEquals(new double[] {3, 1, 2}, v, 0);
    }

    /**
     * Selection gives exactly what a full sort gives, on arrays with many ties, NaN and
     * infinities, at several sizes and percentiles (the preview's 1 and 99.9 among them).
     */
    @Test
    void selectionEqualsTheSortedDefinitionExactly() {
        java.util.Random rnd = new java.util.Random(5);
        double[] ps = {0, 0.1, 1, 25, 50, 77.7, 99.9, 100};
        for (int n : new int[] {1, 2, 3, 10, 257, 10_000, 300_001}) {
            float[] v = new float[n];
            for (int i = 0; i < n; i++) {
                int kind = rnd.nextInt(20);
                v[i] = kind == 0 ? Float.NaN : kind == 1 ? Float.POSITIVE_INFINITY : kind < 8
                        ? (float) rnd.nextInt(5) : (float) (100 * rnd.nextGaussian());
            }
            float[] copy = v.clone();
            double[] got = Percentiles.percentiles(v, ps);
            assertArrayEquals(copy, v, "input untouched, n = " + n);
            double[] finite = new double[n];
            int m = 0;
            for (float x : v) if (Float.isFinite(x)) finite[m++] = x;
            for (int i = 0; i < ps.length; i++)
                assertEquals(Percentiles.percentile(java.util.Arrays.copyOf(finite, m), ps[i]), got[i], 0,
                        "n = " + n + ", p = " + ps[i]);
        }
    }

    /**
     * From {@link Percentiles#BRACKET_FROM} values on, the ranks are found among the values
     * between bounds from a strided sample: exact whatever the sample shows, also where it lies
     * about the whole (every sampled value huge, or tiny: the bounds miss and a full selection
     * answers), with −∞, +∞ and NaN among the values.
     */
    @Test
    void bracketedPercentilesAreExactEvenWhereTheSampleMisleads() {
        java.util.Random rnd = new java.util.Random(11);
        double[] ps = {0, 0.5, 1, 50, 99, 99.9, 100};
        int n = Percentiles.BRACKET_FROM * 3 + 17;
        for (int pattern = 0; pattern < 4; pattern++) {
            float[] v = new float[n];
            int step = n / (1 << 13); // the sample's stride (no NaN in patterns 0-2)
            for (int i = 0; i < n; i++) {
                float g = (float) rnd.nextGaussian();
                v[i] = switch (pattern) {
                    case 0 -> i % step == 0 ? 1e6f + i : g; // the sample sees only huge values
                    case 1 -> i % step == 0 ? -1e6f - i : g; // only tiny ones
                    case 2 -> (float) (i / (n / 7)) + 1e-3f * g; // in order, steps of ties: sampled fine
                    default -> i % 9 == 0 ? Float.NEGATIVE_INFINITY : i % 9 == 1 ? Float.POSITIVE_INFINITY
                            : i % 9 == 2 ? Float.NaN : g;
                };
            }
            double[] finite = new double[n];
            int m = 0;
            for (float x : v) if (Float.isFinite(x)) finite[m++] = x;
            double[] sorted = java.util.Arrays.copyOf(finite, m);
            double[] got = Percentiles.percentiles(v, ps);
            for (int i = 0; i < ps.length; i++)
                assertEquals(Percentiles.percentile(sorted, ps[i]), got[i], 0, "pattern " + pattern + ", p = " + ps[i]);
        }
    }

    /** The median by selection is exactly the sorted median, ties, NaN and infinities included. */
    @Test
    void medianBySelectionEqualsTheSortedMedian() {
        java.util.Random rnd = new java.util.Random(9);
        for (int n : new int[] {1, 2, 3, 16, 17, 18, 257, 10_000, 100_001}) {
            double[] v = new double[n];
            for (int i = 0; i < n; i++) {
                int kind = rnd.nextInt(20);
                v[i] = kind == 0 ? Double.NaN : kind == 1 ? Double.NEGATIVE_INFINITY : kind < 8
                        ? rnd.nextInt(5) : 100 * rnd.nextGaussian();
            }
            double[] copy = v.clone();
            double[] s = java.util.Arrays.stream(v).filter(Double::isFinite).sorted().toArray();
            int m = s.length / 2;
            double expected = s.length == 0 ? Double.NaN : s.length % 2 == 1 ? s[m] : 0.5 * (s[m - 1] + s[m]);
            assertEquals(expected, Percentiles.median(v), 0, "n = " + n);
            assertArrayEquals(copy, v, "input untouched, n = " + n);
        }
        assertEquals(2.5, Percentiles.median(new double[] {4, 1, Double.NaN, 3, 2}), 0);
        // Signed zeros come out as a sort gives them (assertEquals on doubles tells -0.0 from 0.0).
        assertEquals(-0.0, Percentiles.median(new double[] {0.0, -0.0, -0.0}));
        assertEquals(0.0, Percentiles.median(new double[] {-0.0, 0.0, 0.0}));
        assertEquals(-0.0, Percentiles.median(new double[] {0.0, -0.0, -1, -0.0}));
        assertEquals(0.0, Percentiles.median(new double[] {0.0, -0.0, 1, 0.0}));
        java.util.Random z = new java.util.Random(3);
        for (int t = 0; t < 2000; t++) {
            double[] v = new double[1 + z.nextInt(40)];
            for (int i = 0; i < v.length; i++) v[i] = new double[] {-0.0, 0.0, -1, 1}[z.nextInt(4)];
            double[] s = v.clone();
            java.util.Arrays.sort(s);
            int m = s.length / 2;
            double expected = s.length % 2 == 1 ? s[m] : 0.5 * (s[m - 1] + s[m]);
            assertEquals(Double.doubleToRawLongBits(expected), Double.doubleToRawLongBits(Percentiles.median(v)),
                    java.util.Arrays.toString(v));
        }
        assertTrue(Double.isNaN(Percentiles.median(new double[] {Double.NaN, Double.POSITIVE_INFINITY})));
    }

    /**
     * The in-place medians give exactly {@link Percentiles#median(double[])} of the same values:
     * medianAsSorted (floats and doubles) down to the sign of a zero, medianInPlace up to it.
     */
    @Test
    void floatMediansInPlaceEqualTheDoubleMedian() {
        java.util.Random z = new java.util.Random(5);
        for (int t = 0; t < 3000; t++) {
            int n = 1 + z.nextInt(t < 2000 ? 40 : 400);
            float[] v = new float[n];
            double[] d = new double[n];
            for (int i = 0; i < n; i++) {
                v[i] = t < 2000 ? new float[] {-0.0f, 0.0f, -1, 1, 2.5f}[z.nextInt(5)] : (float) (10 * z.nextGaussian());
                d[i] = v[i];
            }
            double expected = Percentiles.median(d);
            assertEquals(Double.doubleToRawLongBits(expected), Double.doubleToRawLongBits(Percentiles.medianAsSorted(v.clone(), n)),
                    java.util.Arrays.toString(v));
            assertEquals(expected, Percentiles.medianInPlace(v.clone(), n), 0, java.util.Arrays.toString(v));
            assertEquals(Double.doubleToRawLongBits(expected), Double.doubleToRawLongBits(Percentiles.medianAsSorted(d.clone(), n)),
                    "doubles in place: " + java.util.Arrays.toString(v));
        }
        assertEquals(-0.0, Percentiles.medianAsSorted(new float[] {0.0f, -0.0f, -1, -0.0f}, 4));
        assertEquals(1.75, Percentiles.medianAsSorted(new float[] {2.5f, -1, 1, 9}, 4), 0);
    }

    /**
     * From {@link Percentiles#BRACKET_FROM} values on, the in-place medians take the middle ranks
     * from between a strided sample's bounds: bit for bit the sorted median (odd and even counts,
     * ties, signed zeros about the middle), also where the sample misleads and a selection answers.
     */
    @Test
    void bracketedMediansInPlaceEqualTheSortedMedian() {
        java.util.Random rnd = new java.util.Random(21);
        for (int n : new int[] {Percentiles.BRACKET_FROM, Percentiles.BRACKET_FROM * 2 + 1, 300_007, 300_008}) {
            int step = n / (1 << 13); // the sample's stride
            for (int pattern = 0; pattern < 5; pattern++) {
                float[] v = new float[n];
                for (int i = 0; i < n; i++) {
                    float g = (float) (12 * rnd.nextGaussian() + 1000);
                    v[i] = switch (pattern) {
                        case 0 -> g;
                        case 1 -> i % step == 0 ? 1e6f + i : g; // the sample sees only huge values
                        case 2 -> i % step == 0 ? -1e6f - i : g; // only tiny ones
                        case 3 -> rnd.nextInt(4) == 0 ? -0.0f : rnd.nextInt(3) == 0 ? 0.0f : g - 1000; // zeros at the middle
                        default -> (float) rnd.nextInt(3); // three values, all ties
                    };
                }
                double[] d = new double[n];
                for (int i = 0; i < n; i++) d[i] = v[i];
                double[] sorted = d.clone();
                java.util.Arrays.sort(sorted);
                int m = n / 2;
                double expected = n % 2 == 1 ? sorted[m] : 0.5 * (sorted[m - 1] + sorted[m]);
                String what = "n = " + n + ", pattern " + pattern;
                assertEquals(Double.doubleToRawLongBits(expected), Double.doubleToRawLongBits(Percentiles.medianAsSorted(v.clone(), n)), what);
                assertEquals(Double.doubleToRawLongBits(expected), Double.doubleToRawLongBits(Percentiles.medianAsSorted(d.clone(), n)), what);
                assertEquals(Double.doubleToRawLongBits(expected), Double.doubleToRawLongBits(Percentiles.median(d)), what);
            }
        }
    }
}

package org.tessera.stack;

import static org.junit.jupiter.api.Assertions.*;

import java.util.Arrays;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

class ExactStatsTest {

    /** numpy's linear percentile from a sorted copy: the definition the selection must reproduce. */
    static double sortedPercentile(float[] v, int n, double q) {
        float[] s = Arrays.copyOf(v, n);
        Arrays.sort(s);
        double pos = q / 100 * (n - 1);
        int lo = (int) Math.floor(pos);
        double t = pos - lo;
        return lo + 1 < n ? s[lo] + ((double) s[lo + 1] - s[lo]) * t : s[lo];
    }

    @Test
    void percentilesMatchSortingExactly() {
        SplittableRandom r = new SplittableRandom(3);
        for (int trial = 0; trial < 40; trial++) {
            int n = 1 + r.nextInt(trial < 10 ? 5 : 5000);
            float[] v = new float[n + 7]; // values past n must be ignored
            for (int i = 0; i < v.length; i++) {
                v[i] = switch (trial % 4) {
                    case 0 -> (float) r.nextGaussian() * 1000;
                    case 1 -> r.nextInt(7) - 3; // many duplicates, negatives, zeros
                    case 2 -> (float) Math.exp(r.nextGaussian() * 20); // huge dynamic range
                    default -> r.nextBoolean() ? -0.0f : 0.0f;
                };
            }
            for (double q : new double[] {0, 0.5, 25, 50, 90, 99.9, 100})
                assertEquals(sortedPercentile(v, n, q), ExactStats.percentile(v, n, q), 0, "trial " + trial + " q=" + q);
            double med = ExactStats.median(v, n);
            float[] s = Arrays.copyOf(v, n);
            Arrays.sort(s);
            double expect = (n & 1) == 1 ? s[n / 2] : 0.5 * ((double) s[n / 2 - 1] + s[n / 2]);
            assertEquals(expect, med, 0, "median, trial " + trial);
        }
    }

    /** Large arrays take the radix-select path: the same exact answers. */
    @Test
    void radixSelectionMatchesSortingOnLargeArrays() {
        SplittableRandom r = new SplittableRandom(8);
        for (int trial = 0; trial < 6; trial++) {
            int n = ExactStats.Selector.SORT_BELOW + r.nextInt(60000);
            float[] v = new float[n];
            for (int i = 0; i < n; i++)
                v[i] = switch (trial % 3) {
                    case 0 -> (float) (100 + 5 * r.nextGaussian());
                    case 1 -> r.nextInt(5) - 2 + (r.nextDouble() < 0.01 ? -0.0f : 0f);
                    default -> (float) (Math.exp(r.nextGaussian() * 12) * (r.nextBoolean() ? 1 : -1));
                };
            for (double q : new double[] {0, 0.1, 25, 50, 90, 100})
                assertEquals(sortedPercentile(v, n, q), ExactStats.percentile(v, n, q), 0, "trial " + trial + " q=" + q);
            float[] s = Arrays.copyOf(v, n);
            Arrays.sort(s);
            double expect = (n & 1) == 1 ? s[n / 2] : 0.5 * ((double) s[n / 2 - 1] + s[n / 2]);
            assertEquals(expect, ExactStats.median(v, n), 0);
        }
    }

    @Test
    void matchesNumpyAndAstropyFixtures() throws Exception {
        float[] v = Fixtures.floatsLE("stats_values.f32");
        assertEquals(20011, v.length);
        for (String line : Fixtures.lines("stats_expected.txt")) {
            String[] t = line.split(" ");
            switch (t[0]) {
                case "percentile" -> assertEquals(Double.parseDouble(t[2]),
                        ExactStats.percentile(v, v.length, Double.parseDouble(t[1])), 1e-9, line);
                case "median" -> assertEquals(Double.parseDouble(t[1]), ExactStats.median(v, v.length), 0, line);
                case "sigma_clipped" -> {
                    ExactStats.Clipped c = ExactStats.sigmaClipped(v, v.length, 3, 3, 5);
                    // astropy works in float32 here: agree to float32 precision
                    assertEquals(Double.parseDouble(t[1]), c.mean(), 1e-5 * 100, "mean");
                    assertEquals(Double.parseDouble(t[2]), c.median(), 1e-5 * 100, "median");
                    assertEquals(Double.parseDouble(t[3]), c.std(), 1e-5 * 5, "std");
                }
                default -> fail("unknown fixture line " + line);
            }
        }
    }

    @Test
    void sigmaClippingRemovesOutliersAndFindsTheNoise() {
        SplittableRandom r = new SplittableRandom(9);
        float[] v = new float[200_000];
        for (int i = 0; i < v.length; i++) v[i] = (float) (50 + 4 * r.nextGaussian() + (r.nextDouble() < 0.02 ? 2000 : 0));
        ExactStats.Clipped c = ExactStats.sigmaClipped(v, v.length, 3, 3, 5);
        assertEquals(4.0, c.std(), 0.06, "3σ clipping truncates the Gaussian slightly (σ·0.986)");
        assertEquals(50.0, c.median(), 0.05);
        assertTrue(c.count() < 0.98 * v.length, "outliers clipped");
        assertTrue(c.iterations() >= 2 && c.iterations() <= 5);
    }

    @Test
    void smallSelectMedianMatchesSorting() {
        SplittableRandom r = new SplittableRandom(4);
        for (int trial = 0; trial < 2000; trial++) {
            int n = 1 + r.nextInt(70);
            double[] a = new double[n];
            for (int i = 0; i < n; i++) a[i] = trial % 3 == 0 ? r.nextInt(4) : r.nextGaussian();
            double[] s = a.clone();
            Arrays.sort(s);
            double expect = (n & 1) == 1 ? s[n / 2] : 0.5 * (s[n / 2 - 1] + s[n / 2]);
            assertEquals(expect, SmallSelect.median(a, n), 0);
        }
    }

    /** astropy's sigma_clipped_stats written plainly (sorted copy each round), for large arrays. */
    static double[] clippedBySorting(float[] v, double k, int maxIters) {
        float[] cur = v.clone();
        double med = 0, std = 0;
        int it = 0;
        while (true) {
            float[] s = cur.clone();
            java.util.Arrays.sort(s);
            int n = s.length;
            med = (n & 1) == 1 ? s[n / 2] : 0.5 * ((double) s[n / 2 - 1] + s[n / 2]);
            double sum = 0;
            for (float x : s) sum += x;
            double mean = sum / n, q = 0;
            for (float x : s) q += (x - mean) * (x - mean);
            std = Math.sqrt(q / n);
            if (it == maxIters) break;
            double lo = med - k * std, hi = med + k * std;
            int m = 0;
            for (float x : cur) if (x >= lo && x <= hi) m++;
            it++;
            if (m == cur.length) break;
            float[] next = new float[m];
            m = 0;
            for (float x : cur) if (x >= lo && x <= hi) next[m++] = x;
            cur = next;
        }
        return new double[] {med, std, cur.length};
    }

    /**
     * One selector, many loads of the same values under narrowing bounds (the clipping's rounds, which
     * keep the last selection's bucket), selections in any order: always the sorted answer.
     */
    @Test
    void keptBucketsNeverChangeTheSelectedValues() {
        SplittableRandom r = new SplittableRandom(5);
        int n = 100_000;
        float[] v = new float[n];
        for (int i = 0; i < n; i++) v[i] = (float) (Math.exp(r.nextGaussian() * 3) * (r.nextInt(4) == 0 ? -1 : 1));
        ExactStats.Selector s = new ExactStats.Selector();
        float[] sorted = Arrays.copyOf(v, n);
        Arrays.sort(sorted);
        int lo = Integer.MIN_VALUE, hi = Integer.MAX_VALUE;
        for (int round = 0; round < 12; round++) {
            long count = s.load(v, n, lo, hi);
            float[] in = new float[(int) count];
            int m = 0;
            for (float x : sorted) {
                int k = ExactStats.key(x);
                if (k >= lo && k <= hi) in[m++] = x;
            }
            assertEquals(m, count);
            // The median first: its bucket is usually the one the last round kept.
            assertEquals(in[(m - 1) / 2], s.select((count - 1) / 2), 0f, "median, round " + round);
            for (int t = 0; t < 12; t++) {
                long rank = r.nextLong(count);
                assertEquals(in[(int) rank], s.select(rank), 0f, "round " + round + " rank " + rank);
            }
            assertEquals(sortedPercentile(in, m, 90), s.percentile(90), 0, "round " + round);
            s.select((count - 1) / 2); // keep the median's bucket for the next load
            // Narrow the bounds around the middle, as a clipping round does.
            lo = ExactStats.key(in[m / 20 + r.nextInt(m / 20)]);
            hi = ExactStats.key(in[m - 1 - m / 20 - r.nextInt(m / 20)]);
        }
    }

    @Test
    void largeArraysClipToTheSortedDefinitionRoundAfterRound() {
        SplittableRandom r = new SplittableRandom(21);
        for (int rep = 0; rep < 3; rep++) {
            float[] v = new float[150_000 + rep];
            for (int i = 0; i < v.length; i++)
                v[i] = (float) (800 + 12 * r.nextGaussian() + (r.nextDouble() < 0.05 ? 600 * r.nextDouble() : 0));
            ExactStats.Clipped c = ExactStats.sigmaClipped(v, v.length, 3, 3, 5);
            double[] e = clippedBySorting(v, 3, 5);
            assertEquals(e[0], c.median(), 0.0, "median, rep " + rep);
            assertEquals(e[2], c.count(), 0.0, "survivors, rep " + rep);
            assertEquals(e[1], c.std(), 1e-9 * e[1], "std, rep " + rep);
            assertTrue(c.iterations() >= 2, "several clipping rounds: " + c.iterations());
        }
    }
}

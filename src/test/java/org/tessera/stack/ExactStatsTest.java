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

    /** Large arrays (buckets of thousands of values, sorted by counting): the same exact answers. */
    @Test
    void radixSelectionMatchesSortingOnLargeArrays() {
        SplittableRandom r = new SplittableRandom(8);
        for (int trial = 0; trial < 6; trial++) {
            int n = (1 << 15) + r.nextInt(60000);
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
     * One index, many ranges under narrowing bounds (the clipping's rounds; the bounds cut buckets
     * already sorted and others not), selections in any order: always the sorted answer, and the
     * range's count and sums those of the values in it.
     */
    @Test
    void rangesOfOneIndexMatchTheSortedValues() {
        SplittableRandom r = new SplittableRandom(5);
        int n = 100_000;
        float[] v = new float[n];
        for (int i = 0; i < n; i++) v[i] = (float) (Math.exp(r.nextGaussian() * 3) * (r.nextInt(4) == 0 ? -1 : 1));
        ExactStats.Selector s = new ExactStats.Selector();
        assertEquals(n, s.index(v, n));
        float[] sorted = Arrays.copyOf(v, n);
        Arrays.sort(sorted);
        int lo = Integer.MIN_VALUE, hi = Integer.MAX_VALUE;
        for (int round = 0; round < 12; round++) {
            long count = s.range(lo, hi);
            float[] in = new float[(int) count];
            int m = 0;
            for (float x : sorted) {
                int k = ExactStats.key(x);
                if (k >= lo && k <= hi) in[m++] = x;
            }
            assertEquals(m, count);
            assertEquals(in[(m - 1) / 2], s.select((count - 1) / 2), 0f, "median, round " + round);
            for (int t = 0; t < 12; t++) {
                long rank = r.nextLong(count);
                assertEquals(in[(int) rank], s.select(rank), 0f, "round " + round + " rank " + rank);
            }
            assertEquals(sortedPercentile(in, m, 90), s.percentile(90), 0, "round " + round);
            double c = s.median();
            double[] ref = exactMeanStd(in, m);
            assertEquals(ref[0], s.mean(c), 1e-12 * Math.abs(ref[0]) + 1e-12 * ref[1], "mean, round " + round);
            assertEquals(ref[1], s.std(c), 1e-10 * ref[1], "std, round " + round);
            // Narrow the bounds around the middle, as a clipping round does.
            lo = ExactStats.key(in[m / 20 + r.nextInt(m / 20)]);
            hi = ExactStats.key(in[m - 1 - m / 20 - r.nextInt(m / 20)]);
        }
        assertEquals(0, s.range(5, 4), "an empty range");
        assertTrue(Double.isNaN(s.std(0)) && Double.isNaN(s.percentile(50)));
    }

    /**
     * The index of values counted by the caller as it wrote them ({@link ExactStats.Selector#count},
     * FrameSurvey's gather) against the selector's own count, on adversarial sets: ties, ±0.0,
     * subnormals and ±MAX_VALUE, one bucket, every bucket of the key range in turn, sizes that are
     * not a multiple of the four counters. Every rank, the percentiles and the clipped statistics
     * must be the very values (same bits), and the counts must be zero again for the next index.
     */
    @Test
    void valuesCountedByTheCallerGiveTheSameIndex() {
        SplittableRandom r = new SplittableRandom(17);
        java.util.List<float[]> sets = new java.util.ArrayList<>();
        sets.add(new float[] {0.0f, -0.0f, 0.0f, -0.0f, -0.0f});
        sets.add(new float[] {Float.MIN_VALUE, -Float.MIN_VALUE, 0f, -0f, Float.MIN_NORMAL, -Float.MIN_NORMAL,
                Float.MAX_VALUE, -Float.MAX_VALUE, 1e-40f, -1e-40f, 3f});
        float[] ties = new float[10_003];
        for (int i = 0; i < ties.length; i++) ties[i] = r.nextInt(3) == 0 ? 1000f : 1000.25f;
        sets.add(ties);
        float[] one = new float[4097]; // one high bucket: 1024 + up to 8 (steps of 2^-13)
        for (int i = 0; i < one.length; i++) one[i] = 1024f + (float) Math.scalb((double) r.nextInt(1 << 16), -13);
        sets.add(one);
        float[] all = new float[1 << 16]; // one value in every high bucket, in random order
        for (int b = 0; b < all.length; b++) {
            int key = (b << 16) | r.nextInt(1 << 16);
            float f = ExactStats.value(key);
            all[b] = Float.isFinite(f) ? f : 0.5f; // the ones that would be NaN or ±Inf: a tie instead
        }
        for (int i = all.length - 1; i > 0; i--) {
            int j = r.nextInt(i + 1);
            float t = all[i];
            all[i] = all[j];
            all[j] = t;
        }
        sets.add(all);
        float[] sky = new float[200_001];
        for (int i = 0; i < sky.length; i++)
            sky[i] = (float) (760 + 14 * r.nextGaussian() + (r.nextInt(25) == 0 ? 3000 * Math.pow(r.nextDouble(), 3) : 0));
        sets.add(sky);
        ExactStats.Selector plain = new ExactStats.Selector(), counted = new ExactStats.Selector();
        int[] counts = ExactStats.Selector.newCounts();
        for (int round = 0; round < 2; round++) // the second round on the counts the first one left
            for (float[] v : sets) {
                int n = v.length;
                for (int i = 0; i < n; i++) ExactStats.Selector.count(counts, v[i], i);
                assertEquals(n, counted.index(v, n, counts));
                assertEquals(n, plain.index(v, n));
                assertTrue(Arrays.stream(counts).allMatch(c -> c == 0), "counts left for the next index");
                float[] sorted = v.clone();
                Arrays.sort(sorted);
                for (int k = 0; k < n; k += Math.max(1, n / 3000))
                    assertEquals(Float.floatToRawIntBits(sorted[k]), Float.floatToRawIntBits(counted.select(k)), "rank " + k);
                for (double q : new double[] {0, 25, 50, 90, 100})
                    assertEquals(Double.doubleToRawLongBits(plain.percentile(q)), Double.doubleToRawLongBits(counted.percentile(q)),
                            "percentile " + q + " of " + n);
                ExactStats.Clipped a = ExactStats.sigmaClipped(plain, 3, 3, 5), b = ExactStats.sigmaClipped(counted, 3, 3, 5);
                assertEquals(a, b, "clipped statistics of " + n + " values");
            }
    }

    /**
     * Values far narrower than their bucket (σ = 0.002 around 1000, where one high-bits bucket spans
     * 4): each bucket's sums are taken around its value nearest the centre, so nothing cancels.
     */
    @Test
    void narrowValuesKeepTheirStandardDeviation() {
        SplittableRandom r = new SplittableRandom(6);
        int n = 100_000;
        float[] v = new float[n];
        for (int i = 0; i < n; i++) v[i] = (float) (1001 + 0.002 * r.nextGaussian());
        ExactStats.Selector s = new ExactStats.Selector();
        s.index(v, n);
        double[] ref = exactMeanStd(v, n);
        for (double c : new double[] {s.median(), s.median() + Math.PI * 1e-4})
            assertEquals(ref[1], s.std(c), 1e-12 * ref[1], "std about " + c);
        assertEquals(ref[0], s.mean(s.median()), 1e-15 * ref[0], "mean");
    }

    /** Mean and population standard deviation in exact arithmetic, rounded once: the reference. */
    static double[] exactMeanStd(float[] v, int n) {
        java.math.BigDecimal s1 = java.math.BigDecimal.ZERO, s2 = java.math.BigDecimal.ZERO;
        for (int i = 0; i < n; i++) {
            java.math.BigDecimal x = new java.math.BigDecimal(v[i]);
            s1 = s1.add(x);
            s2 = s2.add(x.multiply(x));
        }
        java.math.BigDecimal bn = java.math.BigDecimal.valueOf(n);
        java.math.MathContext mc = java.math.MathContext.DECIMAL128;
        java.math.BigDecimal mean = s1.divide(bn, mc);
        java.math.BigDecimal var = s2.multiply(bn).subtract(s1.multiply(s1)).divide(bn.multiply(bn), mc);
        return new double[] {mean.doubleValue(), Math.sqrt(var.doubleValue())};
    }

    /**
     * The survey's statistics from the index equal a straightforward computation: percentiles and
     * medians exactly (sorted copies), the clipped survivors exactly, mean and std within 1e-12 of
     * exact arithmetic — on sky-like values (a frame's noise around a level, stars, a few negative
     * and saturated pixels) where one high bucket holds tens of thousands of values, and in any
     * order of the same values (the sums follow the values, not the array).
     */
    @Test
    void clippingOnSkyLikeValuesMatchesExactArithmeticInAnyOrder() {
        SplittableRandom r = new SplittableRandom(77);
        int n = 150_000;
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            double x = 760 + 14 * r.nextGaussian();
            if (r.nextDouble() < 0.04) x += 3000 * Math.pow(r.nextDouble(), 4);
            if (r.nextDouble() < 0.001) x = r.nextBoolean() ? -5 * r.nextDouble() : 65535;
            v[i] = (float) x;
        }
        ExactStats.Clipped c = ExactStats.sigmaClipped(v, n, 3, 3, 5);
        // The reference: astropy's rounds on sorted copies, with exact sums.
        float[] cur = v.clone();
        double med = 0, mean = 0, std = 0;
        int it = 0;
        while (true) {
            float[] s = cur.clone();
            Arrays.sort(s);
            int m = s.length;
            med = (m & 1) == 1 ? s[m / 2] : 0.5 * ((double) s[m / 2 - 1] + s[m / 2]);
            double[] ms = exactMeanStd(s, m);
            mean = ms[0];
            std = ms[1];
            if (it == 5) break;
            int lo = ExactStats.keyAtLeast(med - 3 * std), hi = ExactStats.keyAtMost(med + 3 * std);
            int k = 0;
            for (float x : cur) if (ExactStats.key(x) >= lo && ExactStats.key(x) <= hi) k++;
            it++;
            if (k == cur.length) break;
            float[] next = new float[k];
            k = 0;
            for (float x : cur) if (ExactStats.key(x) >= lo && ExactStats.key(x) <= hi) next[k++] = x;
            cur = next;
        }
        assertEquals(cur.length, c.count(), "survivors");
        assertEquals(it, c.iterations());
        assertEquals(med, c.median(), 0, "median");
        assertEquals(mean, c.mean(), 1e-12 * mean, "mean");
        assertEquals(std, c.std(), 1e-12 * std, "std");
        assertEquals(sortedPercentile(v, n, 25), ExactStats.percentile(v, n, 25), 0);
        assertEquals(sortedPercentile(v, n, 90), ExactStats.percentile(v, n, 90), 0);
        // The same values shuffled: the same bits.
        float[] w = v.clone();
        for (int i = n - 1; i > 0; i--) {
            int j = r.nextInt(i + 1);
            float t = w[i];
            w[i] = w[j];
            w[j] = t;
        }
        ExactStats.Clipped d = ExactStats.sigmaClipped(w, n, 3, 3, 5);
        assertEquals(c, d, "order of the values");
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

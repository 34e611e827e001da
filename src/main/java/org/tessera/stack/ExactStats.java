package org.tessera.stack;

/**
 * Exact order statistics of large float arrays (a whole frame channel): percentiles as numpy's
 * default (linear interpolation between the two nearest ranks), medians, and astropy's
 * {@code sigma_clipped_stats}. Selection is a two-pass radix select on the 32-bit ordered key of
 * each float (high 16 bits, then low 16 bits of the one bucket that holds the rank): exact, O(n)
 * per pass, and it leaves the input untouched. Non-finite values must not be passed in.
 */
public final class ExactStats {
    private ExactStats() {}

    /** Float → int whose signed order is the float order (−0.0 sorts just below +0.0). */
    static int key(float f) {
        int b = Float.floatToRawIntBits(f);
        return b ^ ((b >> 31) & 0x7fffffff);
    }

    static float value(int key) {
        return Float.intBitsToFloat(key ^ ((key >> 31) & 0x7fffffff));
    }

    /** Smallest key whose float is ≥ x. */
    static int keyAtLeast(double x) {
        if (x == Double.NEGATIVE_INFINITY || Double.isNaN(x)) return Integer.MIN_VALUE;
        if (x == Double.POSITIVE_INFINITY) return Integer.MAX_VALUE; // empty unless +Inf present
        float f = (float) x;
        if (f < x) f = Math.nextUp(f);
        return key(f);
    }

    /** Largest key whose float is ≤ x. */
    static int keyAtMost(double x) {
        if (x == Double.POSITIVE_INFINITY || Double.isNaN(x)) return Integer.MAX_VALUE;
        if (x == Double.NEGATIVE_INFINITY) return Integer.MIN_VALUE;
        float f = (float) x;
        if (f > x) f = Math.nextDown(f);
        return key(f);
    }

    /**
     * Order statistics of the values of {@code v[0..n)} whose key lies in [loKey, hiKey]. One instance
     * per thread; {@link #load} costs one pass, each {@link #select} at most one more.
     */
    static final class Selector {
        /** Below this many values a sorted copy is cheaper than the two 65536-bin histograms. */
        static final int SORT_BELOW = 1 << 15;
        private int[] high, low;
        private float[] sorted;
        private float[] v;
        private int n, loKey, hiKey, lowBucket = -1;
        private long count;
        private double shift, sum1, sum2;

        long load(float[] values, int size, int fromKey, int toKey) {
            return load(values, size, fromKey, toKey, size > 0 ? values[0] : 0);
        }

        /**
         * Takes the values with key in [fromKey, toKey]; also sums their deviations from {@code c}
         * (a value near their mean keeps the variance accurate) for {@link #mean} and {@link #std}.
         */
        long load(float[] values, int size, int fromKey, int toKey, double c) {
            shift = c;
            double s1 = 0, s2 = 0;
            if (size < SORT_BELOW) {
                if (sorted == null || sorted.length < size) sorted = new float[size];
                int m = 0;
                for (int i = 0; i < size; i++) {
                    float x = values[i];
                    int k = key(x);
                    if (k < fromKey || k > toKey) continue;
                    sorted[m++] = x;
                    double d = x - c;
                    s1 += d;
                    s2 += d * d;
                }
                java.util.Arrays.sort(sorted, 0, m);
                v = null;
                count = m;
                sum1 = s1;
                sum2 = s2;
                return m;
            }
            if (high == null) {
                high = new int[1 << 16];
                low = new int[1 << 16];
            }
            java.util.Arrays.fill(high, 0);
            // The bucket the last selection looked into: a clipping round moves the median little,
            // so its low histogram is built in this pass too, which spares select() a pass over
            // all values when the new median falls in it again (the same counts select would take).
            int keepBucket = values == v && size == n ? lowBucket : -1;
            int hb = keepBucket ^ 0x8000;
            if (keepBucket >= 0) java.util.Arrays.fill(low, 0);
            v = values;
            n = size;
            loKey = fromKey;
            hiKey = toKey;
            long cnt = 0;
            for (int i = 0; i < size; i++) {
                float x = values[i];
                int k = key(x);
                if (k < fromKey || k > toKey) continue;
                high[(k >>> 16) ^ 0x8000]++;
                if (keepBucket >= 0) low[k & 0xffff] += inBucket(k, hb);
                cnt++;
                double d = x - c;
                s1 += d;
                s2 += d * d;
            }
            lowBucket = keepBucket;
            count = cnt;
            sum1 = s1;
            sum2 = s2;
            return cnt;
        }

        /**
         * 1 when key k lies in high bucket hb (0..0xffff), else 0, without a branch: a bucket near the
         * median holds a large share of the values in no order, so a branch would often be mispredicted.
         */
        private static int inBucket(int k, int hb) {
            return (((k >>> 16) ^ hb) - 1) >>> 31;
        }

        long count() { return count; }

        /** Mean of the loaded values (NaN when none). */
        double mean() {
            return count == 0 ? Double.NaN : shift + sum1 / count;
        }

        /** Population standard deviation of the loaded values (NaN when none). */
        double std() {
            if (count == 0) return Double.NaN;
            double m = sum1 / count;
            return Math.sqrt(Math.max(0, sum2 / count - m * m));
        }

        /** The value of rank r (0-based) among the loaded values. */
        float select(long r) {
            if (r < 0 || r >= count) throw new IllegalArgumentException("rank " + r + " outside 0.." + count);
            if (v == null) return sorted[(int) r];
            int b = 0;
            long seen = 0;
            while (seen + high[b] <= r) seen += high[b++];
            long within = r - seen;
            if (b != lowBucket) {
                java.util.Arrays.fill(low, 0);
                int hb = b ^ 0x8000;
                for (int i = 0; i < n; i++) {
                    int k = key(v[i]);
                    if (k < loKey || k > hiKey) continue;
                    low[k & 0xffff] += inBucket(k, hb);
                }
                lowBucket = b;
            }
            int l = 0;
            long s = 0;
            while (s + low[l] <= within) s += low[l++];
            return value(((b ^ 0x8000) << 16) | l);
        }

        /** numpy-style percentile q ∈ [0, 100] of the loaded values; NaN when none. */
        double percentile(double q) {
            if (count == 0) return Double.NaN;
            double pos = q / 100.0 * (count - 1);
            long lo = (long) Math.floor(pos);
            double t = pos - lo;
            double a = select(lo);
            if (t == 0 || lo + 1 >= count) return a;
            double b = select(lo + 1);
            return a + (b - a) * t;
        }

        double median() {
            if (count == 0) return Double.NaN;
            long h = count / 2;
            if ((count & 1) == 1) return select(h);
            return 0.5 * ((double) select(h - 1) + select(h));
        }
    }

    /** numpy {@code percentile(v[0..n), q)} (linear), exact. */
    public static double percentile(float[] v, int n, double q) {
        Selector s = new Selector();
        s.load(v, n, Integer.MIN_VALUE, Integer.MAX_VALUE);
        return s.percentile(q);
    }

    /** Several percentiles of the same values (one shared first pass). */
    public static double[] percentiles(float[] v, int n, double... qs) {
        Selector s = new Selector();
        s.load(v, n, Integer.MIN_VALUE, Integer.MAX_VALUE);
        double[] r = new double[qs.length];
        for (int i = 0; i < qs.length; i++) r[i] = s.percentile(qs[i]);
        return r;
    }

    public static double median(float[] v, int n) {
        Selector s = new Selector();
        s.load(v, n, Integer.MIN_VALUE, Integer.MAX_VALUE);
        return s.median();
    }

    /** Result of {@link #sigmaClipped}: statistics of the values that survived the clipping. */
    public record Clipped(double mean, double median, double std, long count, int iterations) {}

    /**
     * astropy {@code sigma_clipped_stats(v, sigma_lower=kLow, sigma_upper=kHigh, maxiters)} with the
     * default median centre and population standard deviation: each iteration computes median and
     * std of the survivors and keeps med − kLow·std ≤ x ≤ med + kHigh·std, until nothing changes or
     * {@code maxIters} clippings were done.
     */
    public static Clipped sigmaClipped(float[] v, int n, double kLow, double kHigh, int maxIters) {
        Selector s = new Selector();
        s.load(v, n, Integer.MIN_VALUE, Integer.MAX_VALUE);
        return sigmaClipped(s, v, n, kLow, kHigh, maxIters);
    }

    /**
     * As above, starting from a selector that already holds all the values (so percentiles and the
     * clipping share the first pass). Each iteration is one pass (survivors, their sums) plus the
     * pass that finds the median.
     */
    static Clipped sigmaClipped(Selector s, float[] v, int n, double kLow, double kHigh, int maxIters) {
        int lo = Integer.MIN_VALUE, hi = Integer.MAX_VALUE;
        long count = s.count();
        if (count == 0) return new Clipped(Double.NaN, Double.NaN, Double.NaN, 0, 0);
        int it = 0;
        double med = s.median(), mean = s.mean(), std = s.std();
        while (it < maxIters) {
            int nlo = Math.max(lo, keyAtLeast(med - kLow * std));
            int nhi = Math.min(hi, keyAtMost(med + kHigh * std));
            it++;
            long c = s.load(v, n, nlo, nhi, med);
            lo = nlo;
            hi = nhi;
            if (c == 0) return new Clipped(Double.NaN, Double.NaN, Double.NaN, 0, it);
            if (c == count) break; // nothing clipped: same survivors, same statistics
            count = c;
            med = s.median();
            mean = s.mean();
            std = s.std();
        }
        return new Clipped(mean, med, std, count, it);
    }
}

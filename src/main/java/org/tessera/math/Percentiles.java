package org.tessera.math;

import java.util.Arrays;

/**
 * Percentiles and medians of small arrays (previews, separations, fit residuals) by sorting a
 * copy, or, for {@link #percentiles(float[], double...)} and the medians, by selection: numpy's default definition
 * (linear interpolation between closest ranks), non-finite values ignored, NaN when nothing is left. The stack core's {@code ExactStats} selects without
 * sorting for the millions of values of whole frames; this is for everything smaller.
 */
public final class Percentiles {
    private Percentiles() {}

    /** Percentile p ∈ [0, 100] (clamped) of the finite values. */
    public static double percentile(double[] values, double p) {
        double[] s = finiteSorted(values);
        return s.length == 0 ? Double.NaN : ofSorted(s, s.length, p);
    }

    /**
     * Several percentiles of the finite values, exactly as a sort would give them (numpy's
     * linear interpolation). Only the two ranks around each percentile are found, and from the
     * size of a preview on ({@link #BRACKET_FROM} values) without moving the array at all: a sorted
     * sample of every {@code n / SAMPLE}-th value gives, for each rank, bounds that should hold it
     * with a margin of ten standard deviations of a sample rank; one pass counts the values below the bounds
     * and gathers those between them, and the ranks are selected among those few. A rank the
     * bounds missed (a sample unlike the whole: never seen on images, possible in principle) is
     * selected from a copy of all the values, so the result is exact in every case. A preview's
     * two percentiles of 1.8 M values: about 30 ms cold instead of 50-100 ms for two selections.
     */
    public static double[] percentiles(float[] values, double... ps) {
        double[] r = new double[ps.length];
        int n = 0;
        for (float v : values) if (Float.isFinite(v)) n++;
        if (n == 0) {
            Arrays.fill(r, Double.NaN);
            return r;
        }
        float[] sample = n >= BRACKET_FROM ? sample(values, values.length, n) : null;
        float[] all = null; // the finite values, copied only when a rank needs a full selection
        for (int i = 0; i < ps.length; i++) {
            double pos = position(ps[i], n);
            int k = (int) Math.floor(pos);
            double[] ab = sample == null ? null : bracketed(values, values.length, n, sample, k, Math.min(k + 1, n - 1));
            if (ab == null) {
                if (all == null) {
                    all = new float[n];
                    int m = 0;
                    for (float v : values) if (Float.isFinite(v)) all[m++] = v;
                }
                ab = selected(all, n, k);
            }
            r[i] = k >= n - 1 ? ab[0] : ab[0] + (pos - k) * (ab[1] - ab[0]);
        }
        return r;
    }

    /** From this many finite values on, {@link #percentiles(float[], double...)} brackets its ranks. */
    static final int BRACKET_FROM = 1 << 16;
    /** About how many values the bracketing sample holds. */
    private static final int SAMPLE = 1 << 13;

    /** Every (n / SAMPLE)-th finite value of {@code values[0..len)} (n of them are finite), sorted. */
    private static float[] sample(float[] values, int len, int n) {
        int step = Math.max(1, n / SAMPLE), m = 0, skip = 0; // a count down, not a division per value
        float[] s = new float[n / step + 1];
        for (int i = 0; i < len; i++) {
            float v = values[i];
            if (!Float.isFinite(v)) continue;
            if (skip == 0 && m < s.length) {
                s[m++] = v;
                skip = step;
            }
            skip--;
        }
        s = Arrays.copyOf(s, m);
        Arrays.sort(s);
        return s;
    }

    /** Every (n / SAMPLE)-th of the n finite values {@code values[0..n)}, sorted. */
    private static double[] sample(double[] values, int n) {
        int step = Math.max(1, n / SAMPLE), m = 0;
        double[] s = new double[(n + step - 1) / step];
        for (int i = 0; i < n; i += step) s[m++] = values[i];
        Arrays.sort(s);
        return s;
    }

    /**
     * The values of ranks {@code k} and {@code k1} (k1 = k or k + 1) of the n finite values, from
     * those between two bounds taken from the sorted sample around where rank k falls in it; null
     * when the bounds do not hold both ranks (then the caller selects from all values).
     */
    private static double[] bracketed(float[] values, int len, int n, float[] sample, int k, int k1) {
        int m = sample.length;
        int jl = lowIndex(k, n, m), jh = highIndex(k, n, m);
        float lo = jl < 0 ? Float.NEGATIVE_INFINITY : sample[jl];
        float hi = jh >= m ? Float.POSITIVE_INFINITY : sample[jh];
        int cap = capacity(jl, jh, n, m);
        float[] between = new float[cap];
        int below = 0, c = 0;
        for (int i = 0; i < len; i++) { // NaN compares false both ways: neither counted nor kept; ±∞ is no rank
            float v = values[i];
            if (v < lo) {
                if (v != Float.NEGATIVE_INFINITY) below++;
            } else if (v <= hi && Float.isFinite(v)) {
                if (c == cap) return null;
                between[c++] = v;
            }
        }
        if (k < below || k1 >= below + c) return null;
        return selected(between, c, k - below, k1 - below);
    }

    /** {@link #bracketed(float[], int, int, float[], int, int)} for the n finite doubles values[0..n). */
    private static double[] bracketed(double[] values, int n, double[] sample, int k, int k1) {
        int m = sample.length;
        int jl = lowIndex(k, n, m), jh = highIndex(k, n, m);
        double lo = jl < 0 ? Double.NEGATIVE_INFINITY : sample[jl];
        double hi = jh >= m ? Double.POSITIVE_INFINITY : sample[jh];
        int cap = capacity(jl, jh, n, m);
        double[] between = new double[cap];
        int below = 0, c = 0;
        for (int i = 0; i < n; i++) {
            double v = values[i];
            if (v < lo) {
                below++;
            } else if (v <= hi) {
                if (c == cap) return null;
                between[c++] = v;
            }
        }
        if (k < below || k1 >= below + c) return null;
        return selected(between, c, k - below, k1 - below);
    }

    /** The sample's index of the lower bound for rank k of n: ten standard deviations of a sample rank below, and some. */
    private static int lowIndex(int k, int n, int m) {
        double q = (k + 0.5) / n;
        return (int) Math.floor(q * m - 10 * Math.sqrt(m * q * (1 - q)) - 8);
    }

    /** The sample's index of the upper bound for rank k of n (m values in the sample). */
    private static int highIndex(int k, int n, int m) {
        double q = (k + 0.5) / n;
        return (int) Math.ceil(q * m + 10 * Math.sqrt(m * q * (1 - q)) + 8);
    }

    /** Expected between the bounds: (jh - jl) / m of the n values; room for twice that. */
    private static int capacity(int jl, int jh, int n, int m) {
        return (int) Math.min(n, 2L * (Math.min(jh, m) - Math.max(jl, 0) + 2) * n / m + 64);
    }

    /** Ranks k and k + 1 (or k again at the last rank) of s[0..n), by selection; reorders s. */
    private static double[] selected(float[] s, int n, int k) {
        return selected(s, n, k, Math.min(k + 1, n - 1));
    }

    private static double[] selected(float[] s, int n, int k, int k1) {
        float a = kth(s, n, k);
        // After selecting rank k, every value right of k is ≥ it: rank k + 1 is their minimum.
        float b = a;
        if (k1 > k) {
            b = s[k + 1];
            for (int j = k + 2; j < n; j++) if (s[j] < b) b = s[j];
        }
        return new double[] {a, b};
    }

    /** {@link #selected(float[], int, int, int)} for doubles. */
    private static double[] selected(double[] s, int n, int k, int k1) {
        double a = kth(s, n, k), b = a;
        if (k1 > k) {
            b = s[k + 1];
            for (int j = k + 2; j < n; j++) if (s[j] < b) b = s[j];
        }
        return new double[] {a, b};
    }

    /**
     * Median of s[0..n) (n ≥ 1, finite values; the mean of the two middle ones for an even n),
     * exactly as sorting would give it, by selection; reorders s.
     */
    public static double medianInPlace(float[] s, int n) {
        int h = n >>> 1;
        float hi = kth(s, n, h);
        if ((n & 1) == 1) return hi;
        return 0.5 * ((double) maxBelow(s, h) + hi);
    }

    /**
     * {@link #median(double[])} of the finite values s[0..n) (n ≥ 1), signed zeros included, in
     * place: no copy and no widening to double (the final background extraction takes the median
     * of every 24×24 cell of a mosaic). Selection compares floats as it would their exact doubles,
     * so the value is the one a sort of the doubles gives; may reorder s. From
     * {@link #BRACKET_FROM} values on (a tile's luminance in the outlier gate, its deviations for
     * the MAD), the two middle ranks are found between bounds from a strided sample, as in
     * {@link #percentiles(float[], double...)}: one pass instead of a selection's several, the same value.
     */
    public static double medianAsSorted(float[] s, int n) {
        int h = n >>> 1, k = (n & 1) == 0 ? h - 1 : h; // the middle ranks: k and h (the same for an odd n)
        double[] ab = n >= BRACKET_FROM ? bracketed(s, n, n, sample(s, n, n), k, h) : null;
        if (ab == null) ab = selected(s, n, k, h);
        return medianOfRanks(ab[0], ab[1], n, ab[0] == 0 || ab[1] == 0 ? negatives(s, n) : 0);
    }

    /** {@link #medianAsSorted(float[], int)} for doubles: {@link #median(double[])} of s[0..n) (finite, n ≥ 1) in place. */
    public static double medianAsSorted(double[] s, int n) {
        int h = n >>> 1, k = (n & 1) == 0 ? h - 1 : h;
        double[] ab = n >= BRACKET_FROM ? bracketed(s, n, sample(s, n), k, h) : null;
        if (ab == null) ab = selected(s, n, k, h);
        return medianOfRanks(ab[0], ab[1], n, ab[0] == 0 || ab[1] == 0 ? negatives(s, n) : 0);
    }

    /** After selecting rank h, s[0..h) holds the h smallest values: rank h − 1 is their maximum (h ≥ 1). */
    private static float maxBelow(float[] s, int h) {
        float lo = s[0];
        for (int i = 1; i < h; i++) if (s[i] > lo) lo = s[i];
        return lo;
    }

    /** How many of s[0..n) a sort puts before +0.0 (−0.0 among them). */
    private static int negatives(float[] s, int n) {
        int neg = 0;
        for (int i = 0; i < n; i++) if (Float.compare(s[i], 0f) < 0) neg++;
        return neg;
    }

    /** As {@link #negatives(float[], int)}, for doubles. */
    private static int negatives(double[] s, int n) {
        int neg = 0;
        for (int i = 0; i < n; i++) if (Double.compare(s[i], 0.0) < 0) neg++;
        return neg;
    }

    /**
     * The median of n values from the selected ranks h − 1 ({@code lo}, used for an even n) and
     * h ({@code hi}), h = n / 2, with the zero a sort gives: selection sees −0.0 and 0.0 as equal,
     * a sort puts −0.0 first, so the zero of each rank is negative when more values than its rank
     * sort before +0.0 ({@code neg}, only read when lo or hi is a zero).
     */
    private static double medianOfRanks(double lo, double hi, int n, int neg) {
        int h = n >>> 1;
        if (hi == 0) hi = neg > h ? -0.0 : 0.0;
        if (lo == 0) lo = neg > ((n & 1) == 0 ? h - 1 : h) ? -0.0 : 0.0;
        return (n & 1) == 1 ? hi : 0.5 * (lo + hi);
    }

    /**
     * The value of rank k (0-based) of s[0..n), leaving s[0..k) ≤ s[k] ≤ s[k+1..n). Quickselect with
     * a branch-free partition (the comparison only moves an index): on noisy pixel values a
     * comparison branch is mispredicted half of the time, and this ran about 3× faster than a Hoare
     * partition. The same value a sort gives.
     */
    static float kth(float[] a, int n, int k) {
        int l = 0, r = n - 1;
        while (r - l > 16) {
            int m = (l + r) >>> 1;
            float x = a[l], y = a[m], z = a[r];
            float p = Math.max(Math.min(x, y), Math.min(Math.max(x, y), z)); // median of three
            int s = l; // a[l..s) < p ≤ a[s..r]
            for (int i = l; i <= r; i++) {
                float v = a[i];
                a[i] = a[s];
                a[s] = v;
                s += v < p ? 1 : 0;
            }
            if (k < s) {
                r = s - 1;
                continue;
            }
            int e = s; // a[s..e) == p ≤ a[e..r]; p is one of the values, so e > s and the range shrinks
            for (int i = s; i <= r; i++) {
                float v = a[i];
                a[i] = a[e];
                a[e] = v;
                e += v <= p ? 1 : 0;
            }
            if (k < e) return p;
            l = e;
        }
        insertionSort(a, l, r + 1);
        return a[k];
    }

    /**
     * Median of the finite values (the mean of the two middle ones for an even count), exactly as
     * a sort gives it, by selection (a tile's half-million sky samples: a sort was half of a small
     * job's CPU time).
     */
    public static double median(double[] values) {
        double[] s = new double[values.length];
        int n = 0;
        for (double v : values) if (Double.isFinite(v)) s[n++] = v;
        return n == 0 ? Double.NaN : medianAsSorted(s, n);
    }

    /** {@link #kth(float[], int, int)} for doubles (finite values). */
    static double kth(double[] a, int n, int k) {
        return kth(a, n, k, 16);
    }

    /**
     * The k-th smallest (0-based) of a[0..n) (finite values); reorders a so that a[0..k) ≤ a[k] ≤
     * a[k+1..n). Ranges of at most {@code sortUpTo + 1} values are finished by an insertion sort
     * (so a count up to that is left sorted whole); larger ones are partitioned (branch-free) down
     * to that size. The value is the same for any cut-off; only the speed differs.
     */
    public static double kth(double[] a, int n, int k, int sortUpTo) {
        int l = 0, r = n - 1;
        while (r - l > sortUpTo) {
            int m = (l + r) >>> 1;
            double x = a[l], y = a[m], z = a[r];
            double p = Math.max(Math.min(x, y), Math.min(Math.max(x, y), z));
            int s = l;
            for (int i = l; i <= r; i++) {
                double v = a[i];
                a[i] = a[s];
                a[s] = v;
                s += v < p ? 1 : 0;
            }
            if (k < s) {
                r = s - 1;
                continue;
            }
            int e = s;
            for (int i = s; i <= r; i++) {
                double v = a[i];
                a[i] = a[e];
                a[e] = v;
                e += v <= p ? 1 : 0;
            }
            if (k < e) return p;
            l = e;
        }
        insertionSort(a, l, r + 1);
        return a[k];
    }

    /** Sorts a[from..to) in place by insertion: the finish of the selections here and in stack / io. */
    public static void insertionSort(float[] a, int from, int to) {
        for (int i = from + 1; i < to; i++) {
            float v = a[i];
            int j = i - 1;
            while (j >= from && a[j] > v) {
                a[j + 1] = a[j];
                j--;
            }
            a[j + 1] = v;
        }
    }

    /** As {@link #insertionSort(float[], int, int)}, for doubles. */
    public static void insertionSort(double[] a, int from, int to) {
        for (int i = from + 1; i < to; i++) {
            double v = a[i];
            int j = i - 1;
            while (j >= from && a[j] > v) {
                a[j + 1] = a[j];
                j--;
            }
            a[j + 1] = v;
        }
    }

    /** Median of the finite values. */
    public static double median(float[] values) {
        double[] d = new double[values.length];
        int n = 0;
        for (float v : values) if (Float.isFinite(v)) d[n++] = v;
        return median(Arrays.copyOf(d, n));
    }

    private static double[] finiteSorted(double[] values) {
        double[] s = new double[values.length];
        int n = 0;
        for (double v : values) if (Double.isFinite(v)) s[n++] = v;
        s = Arrays.copyOf(s, n);
        Arrays.sort(s);
        return s;
    }

    private static double ofSorted(double[] s, int n, double p) {
        double pos = position(p, n);
        int i = (int) Math.floor(pos);
        if (i >= n - 1) return s[n - 1];
        return s[i] + (pos - i) * (s[i + 1] - s[i]);
    }

    /** Where percentile p (clamped to [0, 100]) falls among n sorted values: numpy's fractional rank. */
    private static double position(double p, int n) {
        return Math.min(100, Math.max(0, p)) / 100.0 * (n - 1);
    }
}

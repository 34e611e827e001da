package org.tessera.math;

import java.util.Arrays;

/**
 * Percentiles and medians of small arrays (previews, separations, fit residuals) by sorting a
 * copy: numpy's default definition (linear interpolation between closest ranks), non-finite
 * values ignored, NaN when nothing is left. The stack core's {@code ExactStats} selects without
 * sorting for the millions of values of whole frames; this is for everything smaller.
 */
public final class Percentiles {
    private Percentiles() {}

    /** Percentile p ∈ [0, 100] (clamped) of the finite values. */
    public static double percentile(double[] values, double p) {
        double[] s = finiteSorted(values);
        return s.length == 0 ? Double.NaN : ofSorted(s, s.length, p);
    }

    /** Several percentiles of the finite values, one sort. */
    public static double[] percentiles(float[] values, double... ps) {
        double[] s = new double[values.length];
        int n = 0;
        for (float v : values) if (Float.isFinite(v)) s[n++] = v;
        Arrays.sort(s, 0, n);
        double[] r = new double[ps.length];
        for (int i = 0; i < ps.length; i++) r[i] = n == 0 ? Double.NaN : ofSorted(s, n, ps[i]);
        return r;
    }

    /** Median of the finite values (the mean of the two middle ones for an even count). */
    public static double median(double[] values) {
        double[] s = finiteSorted(values);
        int n = s.length, m = n / 2;
        if (n == 0) return Double.NaN;
        return n % 2 == 1 ? s[m] : 0.5 * (s[m - 1] + s[m]);
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
        double pos = Math.min(100, Math.max(0, p)) / 100.0 * (n - 1);
        int i = (int) Math.floor(pos);
        if (i >= n - 1) return s[n - 1];
        return s[i] + (pos - i) * (s[i + 1] - s[i]);
    }
}

package org.tessera.stack;

/**
 * The median and the median absolute deviation of one pixel's samples, found through a window
 * around the previous pixel's values. Neighbouring pixels of a stack have nearly the same median
 * and MAD, so one branch-free pass counts the samples below the window and gathers the few inside
 * it; when the middle ranks fall inside, only those few are selected. Otherwise (first pixel, an
 * edge, a star) the whole array is. The values are the exact order statistics either way, equal
 * to {@link SmallSelect#median} of the same samples: the window and its guesses only decide how
 * fast they are found, never what they are, so results do not depend on which pixels a thread
 * saw before.
 * <p>
 * Not thread-safe: one per {@link PixelRules}.
 */
final class WindowSelect {
    /** Window half-widths in units of the previous MAD; adapted so that a few samples fall inside. */
    private double medianHalf = 0.6, madHalf = 0.3;
    private double guessMedian = Double.NaN, guessMad = Double.NaN;
    private final double[] buf, s1, s2;
    /** Of the last window: samples below it, samples gathered inside it. */
    private int below, inside;

    WindowSelect(int capacity) {
        buf = new double[capacity];
        s1 = new double[capacity];
        s2 = new double[capacity];
    }

    /** Median of x[0..n), n ≥ 1; x is not changed. */
    double median(double[] x, int n) {
        double g = guessMedian, a = medianHalf * guessMad;
        boolean hit = window(x, n, g - a, g + a, Double.NaN);
        double m = hit ? middle(n) : SmallSelect.medianOf(x, n, s1, s2);
        medianHalf = adapt(medianHalf, hit);
        guessMedian = m;
        return m;
    }

    /** Median of |x[k] − m| over k &lt; n (t: scratch of length ≥ n for the deviations). */
    double mad(double[] x, int n, double m, double[] t) {
        double g = guessMad, a = madHalf * g;
        boolean hit = window(x, n, g - a, g + a, m);
        double mad;
        if (hit) {
            mad = middle(n);
        } else {
            for (int k = 0; k < n; k++) t[k] = Math.abs(x[k] - m);
            mad = SmallSelect.medianOf(t, n, s1, s2);
        }
        madHalf = adapt(madHalf, hit);
        guessMad = mad;
        return mad;
    }

    /**
     * One pass over v = x[k] (or |x[k] − centre| when centre is not NaN): counts v &lt; lo and
     * gathers lo ≤ v ≤ hi into buf. True when both middle ranks lie among the gathered values.
     * The compares are read from the sign bit of a difference, without a branch (noise would
     * mispredict one): for finite values, v − lo &lt; 0 exactly when v &lt; lo, since a difference of
     * unequal doubles is never zero; only v = −0.0, lo = +0.0 differs (−0.0 − 0.0 = −0.0 counts as
     * below), which is the order that puts −0.0 before +0.0, applied to every value alike: the ranks
     * found are those of a sort, up to the sign of a zero. A NaN bound puts every value on the
     * same side: the window misses or holds everything. Values are of float range (a sample, or its
     * distance to the median), so no difference overflows.
     */
    private boolean window(double[] x, int n, double lo, double hi, double centre) {
        int b = 0, in = 0;
        double[] g = buf;
        if (Double.isNaN(centre)) {
            for (int k = 0; k < n; k++) {
                double v = x[k];
                long below = Double.doubleToRawLongBits(v - lo), above = Double.doubleToRawLongBits(hi - v);
                b += (int) (below >>> 63);
                g[in] = v;
                in += 1 - (int) ((below | above) >>> 63);
            }
        } else {
            for (int k = 0; k < n; k++) {
                double v = Math.abs(x[k] - centre);
                long below = Double.doubleToRawLongBits(v - lo), above = Double.doubleToRawLongBits(hi - v);
                b += (int) (below >>> 63);
                g[in] = v;
                in += 1 - (int) ((below | above) >>> 63);
            }
        }
        below = b;
        inside = in;
        return b <= (n - 1) >>> 1 && (n >>> 1) < b + in;
    }

    /** The median of all n samples from the gathered window (after a successful {@link #window}). */
    private double middle(int n) {
        return SmallSelect.middle(buf, inside, ((n - 1) >>> 1) - below, (n >>> 1) - below, s1, s2);
    }

    /** Wider after a miss, narrower when many samples fell inside. */
    private double adapt(double half, boolean hit) {
        if (!hit) return Math.min(half * 1.5, 8);
        return inside > 16 ? Math.max(half * 0.9, 0.02) : inside < 6 ? Math.min(half * 1.1, 8) : half;
    }
}

package org.tessera.stack;

/**
 * The median and the median absolute deviation of one pixel's samples, found through a window
 * around a guess of each. One branch-free pass counts the samples below the window and gathers the
 * few inside it; when the middle ranks fall inside, only those few are selected. Otherwise (first
 * pixel, an edge, a star) the whole array is. The values are the exact order statistics either
 * way, equal to {@link SmallSelect#median} of the same samples: the guesses and the windows only
 * decide how fast they are found, never what they are, so results do not depend on which pixels a
 * thread saw before.
 * <p>
 * The guesses come from the pixel's own mean and standard deviation (one pass of four independent
 * sums), scaled by what the previous pixels' MAD / std was: the previous pixel's median and MAD
 * differ from this pixel's by their own sampling noise, which needs a wider window (on the stacks
 * of a real run, with the same window rule, the median's window held the middle ranks in 98 % of
 * pixels with 12 values gathered, against 90 % with 20 around the previous median; the MAD's 97 %
 * with 13 against 90 % with 18). Where outliers pull the mean and the spread, the previous
 * pixel's values guess better: each guess is used while its recent errors are the smaller.
 * <p>
 * Not thread-safe: one per {@link PixelRules}.
 */
final class WindowSelect {
    /** Window half-widths in units of the previous MAD; adapted so that a few samples fall inside. */
    private double medianHalf = 0.6, madHalf = 0.3;
    private double guessMedian = Double.NaN, guessMad = Double.NaN;
    /** This pixel's standard deviation (from {@link #median}) and the recent ratio MAD / std. */
    private double spread = Double.NaN, madPerSpread = 0.67;
    /**
     * Recent errors of the two guesses of each: the pixel's own mean / spread is the better one on
     * the stacks of a real run, the previous pixel's where outliers pull the mean and the spread.
     */
    private double meanMisses, prevMisses = 1, spreadMisses, prevMadMisses = 1;
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
        double prev = guessMedian, a = medianHalf * guessMad, mean = Double.NaN;
        if (prev == prev) mean = meanAndSpread(x, n, prev); // no guess yet (NaN): the window misses
        double g = meanMisses < prevMisses ? mean : prev;
        boolean hit = window(x, n, g - a, g + a, Double.NaN);
        double m = hit ? middle(n) : SmallSelect.medianOf(x, n, s1, s2);
        medianHalf = adapt(medianHalf, hit, n);
        if (guessMad > 0) { // how far each guess was, in MADs (decaying averages)
            meanMisses += 0.1 * (Math.abs(m - mean) / guessMad - meanMisses);
            prevMisses += 0.1 * (Math.abs(m - prev) / guessMad - prevMisses);
        }
        guessMedian = m;
        return m;
    }

    /**
     * Median of |x[k] − m| over k &lt; n (t: scratch of length ≥ n for the deviations), after
     * {@link #median} of the same x.
     */
    double mad(double[] x, int n, double m, double[] t) {
        double prev = guessMad, fromSpread = madPerSpread * spread;
        double g = spreadMisses < prevMadMisses ? fromSpread : prev, a = madHalf * prev;
        boolean hit = window(x, n, g - a, g + a, m);
        double mad;
        if (hit) {
            mad = middle(n);
        } else {
            for (int k = 0; k < n; k++) t[k] = Math.abs(x[k] - m);
            mad = SmallSelect.medianOf(t, n, s1, s2);
        }
        madHalf = adapt(madHalf, hit, n);
        if (spread > 0) madPerSpread += 0.1 * (Math.min(2, mad / spread) - madPerSpread);
        if (prev > 0) {
            spreadMisses += 0.1 * (Math.abs(mad - fromSpread) / prev - spreadMisses);
            prevMadMisses += 0.1 * (Math.abs(mad - prev) / prev - prevMadMisses);
        }
        guessMad = mad;
        return mad;
    }

    /**
     * The mean of x[0..n), a guess of its median, and its standard deviation into {@link #spread}.
     * Sums of x − c (c: the previous median, for precision) in four independent chains: a guess
     * need not be bit-exact, and one chain would wait on each addition.
     */
    private double meanAndSpread(double[] x, int n, double c) {
        double s0 = 0, s1 = 0, s2 = 0, s3 = 0, q0 = 0, q1 = 0, q2 = 0, q3 = 0;
        int k = 0;
        for (; k + 3 < n; k += 4) {
            double a = x[k] - c, b = x[k + 1] - c, d = x[k + 2] - c, e = x[k + 3] - c;
            s0 += a;
            s1 += b;
            s2 += d;
            s3 += e;
            q0 += a * a;
            q1 += b * b;
            q2 += d * d;
            q3 += e * e;
        }
        for (; k < n; k++) {
            double a = x[k] - c;
            s0 += a;
            q0 += a * a;
        }
        double mean = (s0 + s1 + s2 + s3) / n;
        spread = Math.sqrt(Math.max(0, (q0 + q1 + q2 + q3) / n - mean * mean));
        return c + mean;
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

    /**
     * Wider after a miss, narrower when many samples fell inside: about 3-8 of n ≤ 48 (the
     * selection of a dozen costs more than the odd miss), more for larger n, whose middle ranks
     * move further in values between pixels.
     */
    private double adapt(double half, boolean hit, int n) {
        if (!hit) return Math.min(half * 1.5, 8);
        int most = Math.max(8, n / 6), least = most * 3 / 8;
        return inside > most ? Math.max(half * 0.9, 0.02) : inside < least ? Math.min(half * 1.1, 8) : half;
    }
}

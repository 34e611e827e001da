package org.tessera.stack;

import org.tessera.math.Percentiles;

/**
 * In-place selection on the few samples of one pixel (N frames): exact median as numpy's
 * {@code nanmedian} (mean of the two middle values for an even count). Quickselect with a
 * branch-free partition: pixel samples are noise, so a comparison branch would be mispredicted
 * half of the time; here the comparison only moves an index.
 */
final class SmallSelect {
    private SmallSelect() {}

    private static final int INSERTION = 12;
    /** Ranges of more than this many values are partitioned once the count is above SORTED_UP_TO. */
    private static final int FEW = 4;

    /** Median of a[0..n), n ≥ 1; reorders a. */
    static double median(double[] a, int n) {
        return median(a, n, null);
    }

    /**
     * Median of a[0..n); when pair is given, also the two middle values (equal for odd n):
     * pair[0] = rank ⌊(n−1)/2⌋, pair[1] = rank ⌊n/2⌋.
     */
    static double median(double[] a, int n, double[] pair) {
        int h = n >>> 1;
        double hi = kth(a, n, h);
        double lo = hi;
        if ((n & 1) == 0) {
            lo = a[0]; // after kth, a[0..h) holds the h smallest values: their maximum is rank h-1
            for (int i = 1; i < h; i++) if (a[i] > lo) lo = a[i];
        }
        if (pair != null) {
            pair[0] = lo;
            pair[1] = hi;
        }
        return (n & 1) == 1 ? hi : 0.5 * (lo + hi);
    }

    /** Up to this many samples {@link #median} leaves them sorted (one insertion sort, no partition). */
    static final int SORTED_UP_TO = INSERTION + 1;

    /**
     * Median of |a[k] − m| over sorted a[0..n) (as {@link #median} of those deviations gives it): the
     * deviations grow outwards from m on both sides, so they are visited in increasing order by two
     * indices moving apart, without a second selection.
     */
    static double sortedMedianDeviation(double[] a, int n, double m) {
        int h = n >>> 1, j = 0;
        while (j < n && a[j] < m) j++;
        int i = j - 1;
        double prev = 0, cur = 0;
        for (int r = 0; r <= h; r++) {
            prev = cur;
            double dl = i >= 0 ? m - a[i] : Double.POSITIVE_INFINITY;
            double dr = j < n ? a[j] - m : Double.POSITIVE_INFINITY;
            if (dl <= dr) {
                cur = dl;
                i--;
            } else {
                cur = dr;
                j++;
            }
        }
        return (n & 1) == 1 ? cur : 0.5 * (prev + cur);
    }

    /** The k-th smallest (0-based) of a[0..n); reorders a so that a[0..k) ≤ a[k] ≤ a[k+1..n). */
    static double kth(double[] a, int n, int k) {
        // Small counts are sorted whole (sortedMedianDeviation relies on it); larger ones are
        // partitioned down to a few values, since the insertion sort's exits are mispredicted.
        return Percentiles.kth(a, n, k, n <= SORTED_UP_TO ? INSERTION : FEW);
    }
}

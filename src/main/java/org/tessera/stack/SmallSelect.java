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

    /** Ranges of at most this many values are finished by an insertion sort in {@link #medianOf}. */
    private static final int FINISH = 6;

    /**
     * Median of a[0..n), n ≥ 1, as {@link #median}, without changing a (b and c: scratch of length
     * ≥ n).
     */
    static double medianOf(double[] a, int n, double[] b, double[] c) {
        return middle(a, n, (n - 1) >>> 1, n >>> 1, b, c);
    }

    /**
     * The value of rank k2 of a[0..n) when k1 = k2, else the mean of ranks k1 and k2 = k1 + 1 (the
     * median's rule for the two middle values), without changing a (b and c: scratch of length
     * ≥ n). Quickselect that partitions into a buffer rather than in place: values below the pivot
     * fill it from the front, values above from the back, values equal to the pivot are only
     * counted; each pass is one read and two stores per value, branch-free, with no swap whose
     * load waits on the previous store. Finite values: the compares are the sign bits of v − p and
     * p − v (a compiled {@code v < p ? 1 : 0} may still branch), exact except that −0.0 sorts
     * before +0.0, for every value alike (see {@link WindowSelect}): the same ranks up to the sign
     * of a zero.
     */
    static double middle(double[] a, int n, int k1, int k2, double[] b, double[] c) {
        double[] src = a, out = b;
        int off = 0, len = n;
        while (len > FINISH) {
            double x = src[off], y = src[off + (len >>> 1)], z = src[off + len - 1];
            double p = Math.max(Math.min(x, y), Math.min(Math.max(x, y), z));
            int nl = 0, nh = 0, last = len - 1;
            for (int i = off, e = off + len; i < e; i++) {
                double v = src[i];
                out[nl] = v;
                nl += (int) (Double.doubleToRawLongBits(v - p) >>> 63);
                out[last - nh] = v; // a stray store lands on a free slot or repeats v
                nh += (int) (Double.doubleToRawLongBits(p - v) >>> 63);
            }
            int hiStart = len - nh;
            if (k2 < nl) { // both ranks below the pivot
                off = 0;
                len = nl;
            } else if (k1 >= hiStart) { // both above
                k1 -= hiStart;
                k2 -= hiStart;
                off = hiStart;
                len = nh;
            } else { // the pivot holds k1 or k2, or separates them (then they are the ends of the sides)
                double hi = k2 < hiStart ? p : min(out, hiStart, len);
                if (k1 == k2) return hi;
                double lo = k1 >= nl ? p : max(out, 0, nl);
                return 0.5 * (lo + hi);
            }
            src = out;
            out = out == b ? c : b;
        }
        if (src == a) {
            System.arraycopy(a, 0, b, 0, len);
            src = b;
            off = 0;
        }
        Percentiles.insertionSort(src, off, off + len);
        double hi = src[off + k2];
        return k1 == k2 ? hi : 0.5 * (src[off + k1] + hi);
    }

    private static double max(double[] a, int from, int to) {
        double m = a[from];
        for (int i = from + 1; i < to; i++) m = a[i] > m ? a[i] : m;
        return m;
    }

    private static double min(double[] a, int from, int to) {
        double m = a[from];
        for (int i = from + 1; i < to; i++) m = a[i] < m ? a[i] : m;
        return m;
    }

    /** The k-th smallest (0-based) of a[0..n); reorders a so that a[0..k) ≤ a[k] ≤ a[k+1..n). */
    static double kth(double[] a, int n, int k) {
        // Small counts are sorted whole (sortedMedianDeviation relies on it); larger ones are
        // partitioned down to a few values, since the insertion sort's exits are mispredicted.
        return Percentiles.kth(a, n, k, n <= SORTED_UP_TO ? INSERTION : FEW);
    }
}

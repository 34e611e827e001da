package org.tessera.stack;

/**
 * In-place selection on the few samples of one pixel (N frames): exact median as numpy's
 * {@code nanmedian} (mean of the two middle values for an even count).
 */
final class SmallSelect {
    private SmallSelect() {}

    /** Median of a[0..n), n ≥ 1; reorders a. */
    static double median(double[] a, int n) {
        int h = n >>> 1;
        double hi = kth(a, n, h);
        if ((n & 1) == 1) return hi;
        double lo = a[0]; // after kth, a[0..h) holds the h smallest values: their maximum is rank h-1
        for (int i = 1; i < h; i++) if (a[i] > lo) lo = a[i];
        return 0.5 * (lo + hi);
    }

    /** The k-th smallest (0-based) of a[0..n); reorders a so that a[0..k) ≤ a[k] ≤ a[k+1..n). */
    static double kth(double[] a, int n, int k) {
        int l = 0, r = n - 1;
        while (r > l) {
            if (r - l < 16) {
                insertion(a, l, r);
                return a[k];
            }
            int m = (l + r) >>> 1;
            // median of three as pivot, placed at a[m]
            if (a[m] < a[l]) swap(a, m, l);
            if (a[r] < a[l]) swap(a, r, l);
            if (a[r] < a[m]) swap(a, r, m);
            double p = a[m];
            int i = l, j = r;
            while (i <= j) {
                while (a[i] < p) i++;
                while (a[j] > p) j--;
                if (i <= j) {
                    swap(a, i, j);
                    i++;
                    j--;
                }
            }
            if (k <= j) r = j;
            else if (k >= i) l = i;
            else return a[k];
        }
        return a[k];
    }

    private static void insertion(double[] a, int l, int r) {
        for (int i = l + 1; i <= r; i++) {
            double v = a[i];
            int j = i - 1;
            while (j >= l && a[j] > v) {
                a[j + 1] = a[j];
                j--;
            }
            a[j + 1] = v;
        }
    }

    private static void swap(double[] a, int i, int j) {
        double t = a[i];
        a[i] = a[j];
        a[j] = t;
    }
}

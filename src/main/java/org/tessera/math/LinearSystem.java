package org.tessera.math;

/**
 * The small dense linear systems of registration (normal equations of a few unknowns): Gaussian
 * elimination with partial pivoting, in place. One routine for the area correlation's sub-pixel
 * peak and the session's field-rotation fit, which each had a copy.
 */
public final class LinearSystem {
    private LinearSystem() {}

    /** A pivot below this in magnitude makes the system singular. */
    public static final double SINGULAR = 1e-12;

    /**
     * The solution of the n × (n + 1) augmented system {@code a} (overwritten), or null when a
     * pivot falls below {@link #SINGULAR} in magnitude.
     */
    public static double[] solve(double[][] a) {
        int n = a.length;
        for (int c = 0; c < n; c++) {
            int p = c;
            for (int i = c + 1; i < n; i++) if (Math.abs(a[i][c]) > Math.abs(a[p][c])) p = i;
            double[] t = a[c]; a[c] = a[p]; a[p] = t;
            if (Math.abs(a[c][c]) < SINGULAR) return null;
            for (int i = c + 1; i < n; i++) {
                double f = a[i][c] / a[c][c];
                for (int j = c; j <= n; j++) a[i][j] -= f * a[c][j];
            }
        }
        double[] x = new double[n];
        for (int i = n - 1; i >= 0; i--) {
            double v = a[i][n];
            for (int j = i + 1; j < n; j++) v -= a[i][j] * x[j];
            x[i] = v / a[i][i];
        }
        return x;
    }
}

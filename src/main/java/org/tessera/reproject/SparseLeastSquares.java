package org.tessera.reproject;

import java.util.ArrayList;
import java.util.List;

/**
 * Weighted linear least squares whose rows each touch a few unknowns (those of the two tiles of a
 * pair), some unknowns fixed: the global gain, offset and background solves of the photometric
 * matching. Solved by Jacobi-preconditioned conjugate gradients on the normal equations, matrix
 * free, so a thousand tiles cost milliseconds and no N×N matrix.
 */
final class SparseLeastSquares {

    /** Σ coef[k]·x[idx[k]] = rhs, weight w. */
    private record Row(int[] idx, double[] coef, double rhs, double w) {}

    private final int n;
    private final List<Row> rows = new ArrayList<>();
    private final boolean[] fixed;
    private final double[] fixedValue;

    SparseLeastSquares(int unknowns) {
        this.n = unknowns;
        this.fixed = new boolean[unknowns];
        this.fixedValue = new double[unknowns];
    }

    /** Adds the equation ci·x[i] + cj·x[j] = rhs with weight w (j may be -1 for a single unknown). */
    void add(int i, double ci, int j, double cj, double rhs, double w) {
        if (j < 0) add(new int[] {i}, new double[] {ci}, rhs, w);
        else add(new int[] {i, j}, new double[] {ci, cj}, rhs, w);
    }

    /** Adds the equation Σ coef[k]·x[idx[k]] = rhs with weight w. */
    void add(int[] idx, double[] coef, double rhs, double w) {
        if (!(w > 0) || !Double.isFinite(rhs) || idx.length != coef.length) return;
        for (double c : coef) if (!Double.isFinite(c)) return;
        rows.add(new Row(idx.clone(), coef.clone(), rhs, w));
    }

    void fix(int i, double value) {
        fixed[i] = true;
        fixedValue[i] = value;
    }

    /** The solution; unknowns that no row reaches keep {@code fallback}. */
    double[] solve(double fallback) {
        double[] x = new double[n];
        for (int k = 0; k < n; k++) x[k] = fixed[k] ? fixedValue[k] : fallback;
        // b = Aᵀ W (rhs − A·x_fixed), diag = diag(Aᵀ W A) over free unknowns.
        double[] b = new double[n], diag = new double[n];
        for (Row r : rows) {
            double res = r.rhs;
            for (int k = 0; k < r.idx.length; k++) if (fixed[r.idx[k]]) res -= r.coef[k] * fixedValue[r.idx[k]];
            for (int k = 0; k < r.idx.length; k++) {
                int i = r.idx[k];
                if (fixed[i]) continue;
                b[i] += r.w * r.coef[k] * res;
                diag[i] += r.w * r.coef[k] * r.coef[k];
            }
        }
        boolean[] free = new boolean[n];
        int nFree = 0;
        for (int k = 0; k < n; k++) if (!fixed[k] && diag[k] > 0) { free[k] = true; nFree++; }
        if (nFree == 0) return x;
        double[] u = new double[n];
        for (int k = 0; k < n; k++) if (free[k]) u[k] = x[k];
        double[] r = new double[n], z = new double[n], p = new double[n], q = new double[n];
        apply(u, free, q);
        for (int k = 0; k < n; k++) if (free[k]) r[k] = b[k] - q[k];
        for (int k = 0; k < n; k++) if (free[k]) z[k] = r[k] / diag[k];
        System.arraycopy(z, 0, p, 0, n);
        double rz = dot(r, z, free), bnorm = Math.sqrt(dot(b, b, free));
        if (bnorm == 0) bnorm = 1;
        for (int it = 0; it < 20 * nFree + 50; it++) {
            if (Math.sqrt(dot(r, r, free)) <= 1e-13 * bnorm) break;
            apply(p, free, q);
            double pq = dot(p, q, free);
            if (!(pq > 0)) break;
            double alpha = rz / pq;
            for (int k = 0; k < n; k++) if (free[k]) { u[k] += alpha * p[k]; r[k] -= alpha * q[k]; }
            for (int k = 0; k < n; k++) if (free[k]) z[k] = r[k] / diag[k];
            double rz2 = dot(r, z, free);
            double beta = rz2 / rz;
            rz = rz2;
            for (int k = 0; k < n; k++) if (free[k]) p[k] = z[k] + beta * p[k];
        }
        for (int k = 0; k < n; k++) if (free[k]) x[k] = u[k];
        return x;
    }

    /** out = Aᵀ W A v restricted to the free unknowns (fixed ones count as 0). */
    private void apply(double[] v, boolean[] free, double[] out) {
        java.util.Arrays.fill(out, 0);
        for (Row r : rows) {
            double av = 0;
            for (int k = 0; k < r.idx.length; k++) if (free[r.idx[k]]) av += r.coef[k] * v[r.idx[k]];
            for (int k = 0; k < r.idx.length; k++) if (free[r.idx[k]]) out[r.idx[k]] += r.w * r.coef[k] * av;
        }
    }

    private static double dot(double[] a, double[] b, boolean[] free) {
        double s = 0;
        for (int k = 0; k < a.length; k++) if (free[k]) s += a[k] * b[k];
        return s;
    }
}

package org.tessera.register;

/**
 * Least-squares transforms from point pairs (moving → reference): the similarity (rotation, uniform
 * scale, shift; Umeyama's closed form, no reflection) and the full affine (normal equations on
 * centred coordinates, so large pixel coordinates do not ruin the conditioning).
 */
final class TransformFit {
    private TransformFit() {}

    /** Similarity fitted to pairs (mx, my) → (rx, ry), indices [0, n); null when degenerate. */
    static Affine similarity(double[] mx, double[] my, double[] rx, double[] ry, int n) {
        return similarity(mx, my, rx, ry, null, n);
    }

    /** Weighted similarity (weights null = all 1). */
    static Affine similarity(double[] mx, double[] my, double[] rx, double[] ry, double[] wt, int n) {
        if (n < 2) return null;
        double[] c = centroids(mx, my, rx, ry, wt, n);
        if (c == null) return null;
        double cmx = c[0], cmy = c[1], crx = c[2], cry = c[3];
        double s = 0, p = 0, q = 0;
        for (int i = 0; i < n; i++) {
            double w = wt == null ? 1 : wt[i];
            double ux = mx[i] - cmx, uy = my[i] - cmy, vx = rx[i] - crx, vy = ry[i] - cry;
            s += w * (ux * ux + uy * uy);
            p += w * (ux * vx + uy * vy);
            q += w * (ux * vy - uy * vx);
        }
        if (!(s > 1e-12)) return null;
        double a = p / s, b = q / s;
        // x' = a·x − b·y + c, y' = b·x + a·y + f
        return new Affine(a, -b, crx - (a * cmx - b * cmy), b, a, cry - (b * cmx + a * cmy));
    }

    /** Weighted affine (weights null = all 1); null when the moving points are (nearly) collinear or n < 3. */
    static Affine affine(double[] mx, double[] my, double[] rx, double[] ry, double[] wt, int n) {
        if (n < 3) return null;
        double[] c = centroids(mx, my, rx, ry, wt, n);
        if (c == null) return null;
        double cmx = c[0], cmy = c[1], crx = c[2], cry = c[3];
        double sxx = 0, sxy = 0, syy = 0, xu = 0, yu = 0, xv = 0, yv = 0;
        for (int i = 0; i < n; i++) {
            double w = wt == null ? 1 : wt[i];
            double ux = mx[i] - cmx, uy = my[i] - cmy, vx = rx[i] - crx, vy = ry[i] - cry;
            sxx += w * ux * ux; sxy += w * ux * uy; syy += w * uy * uy;
            xu += w * ux * vx; yu += w * uy * vx; xv += w * ux * vy; yv += w * uy * vy;
        }
        double det = sxx * syy - sxy * sxy;
        if (!(det > 1e-9 * (sxx + syy) * (sxx + syy))) return null;
        double a = (xu * syy - yu * sxy) / det, b = (yu * sxx - xu * sxy) / det;
        double d = (xv * syy - yv * sxy) / det, e = (yv * sxx - xv * sxy) / det;
        return new Affine(a, b, crx - a * cmx - b * cmy, d, e, cry - d * cmx - e * cmy);
    }

    /** Weighted centroids {moving x, moving y, reference x, reference y}; null without positive weight. */
    private static double[] centroids(double[] mx, double[] my, double[] rx, double[] ry, double[] wt, int n) {
        double cmx = 0, cmy = 0, crx = 0, cry = 0, sw = 0;
        for (int i = 0; i < n; i++) {
            double w = wt == null ? 1 : wt[i];
            cmx += w * mx[i]; cmy += w * my[i]; crx += w * rx[i]; cry += w * ry[i]; sw += w;
        }
        if (!(sw > 0)) return null;
        return new double[] {cmx / sw, cmy / sw, crx / sw, cry / sw};
    }
}

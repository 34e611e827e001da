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
        if (n < 2) return null;
        double cmx = 0, cmy = 0, crx = 0, cry = 0;
        for (int i = 0; i < n; i++) { cmx += mx[i]; cmy += my[i]; crx += rx[i]; cry += ry[i]; }
        cmx /= n; cmy /= n; crx /= n; cry /= n;
        double s = 0, p = 0, q = 0;
        for (int i = 0; i < n; i++) {
            double ux = mx[i] - cmx, uy = my[i] - cmy, vx = rx[i] - crx, vy = ry[i] - cry;
            s += ux * ux + uy * uy;
            p += ux * vx + uy * vy;
            q += ux * vy - uy * vx;
        }
        if (!(s > 1e-12)) return null;
        double a = p / s, b = q / s;
        // x' = a·x − b·y + c, y' = b·x + a·y + f
        return new Affine(a, -b, crx - (a * cmx - b * cmy), b, a, cry - (b * cmx + a * cmy));
    }

    /** Affine fitted to pairs; null when the moving points are (nearly) collinear or n < 3. */
    static Affine affine(double[] mx, double[] my, double[] rx, double[] ry, int n) {
        if (n < 3) return null;
        double cmx = 0, cmy = 0, crx = 0, cry = 0;
        for (int i = 0; i < n; i++) { cmx += mx[i]; cmy += my[i]; crx += rx[i]; cry += ry[i]; }
        cmx /= n; cmy /= n; crx /= n; cry /= n;
        double sxx = 0, sxy = 0, syy = 0, xu = 0, yu = 0, xv = 0, yv = 0;
        for (int i = 0; i < n; i++) {
            double ux = mx[i] - cmx, uy = my[i] - cmy, vx = rx[i] - crx, vy = ry[i] - cry;
            sxx += ux * ux; sxy += ux * uy; syy += uy * uy;
            xu += ux * vx; yu += uy * vx; xv += ux * vy; yv += uy * vy;
        }
        double det = sxx * syy - sxy * sxy;
        if (!(det > 1e-9 * (sxx + syy) * (sxx + syy))) return null;
        double a = (xu * syy - yu * sxy) / det, b = (yu * sxx - xu * sxy) / det;
        double d = (xv * syy - yv * sxy) / det, e = (yv * sxx - xv * sxy) / det;
        return new Affine(a, b, crx - a * cmx - b * cmy, d, e, cry - d * cmx - e * cmy);
    }
}

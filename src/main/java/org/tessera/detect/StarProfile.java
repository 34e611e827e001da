package org.tessera.detect;

import java.util.Arrays;

import org.tessera.math.Percentiles;

/**
 * The FWHM of one star by a Gaussian profile fit: one measurement shared by the stack's
 * {@code noise_fwhm} weights ({@code stack.StarFwhm}) and the star detector. A Gaussian is fitted
 * to the background-subtracted profile by weighted least squares on ln I = a − r² / (2 s²) (pixels
 * above max(10 % of the peak, 2σ) within {@value #RADIUS} px), FWHM = 2·√(2 ln 2)·s.
 */
public final class StarProfile {
    private StarProfile() {}

    /** Half-size of the fitting window; the whole window must lie inside the image. */
    public static final int RADIUS = 8;
    static final double SIGMA_TO_FWHM = 2 * Math.sqrt(2 * Math.log(2));

    /**
     * FWHM of the star whose brightest pixel is (x0, y0), which must lie at least {@value #RADIUS}
     * pixels inside the image; NaN when the window holds a missing or saturated pixel or the fit fails. The
     * background is local (median of the annulus {@value #RADIUS} − 2 ≤ r ≤ {@value #RADIUS}), so a
     * sky gradient does not bend faint profiles; the centre is refined once with Gaussian-weighted
     * moments of the first fit.
     */
    public static double fwhm(float[] p, int w, int x0, int y0, double bkgGlobal, double noise, double saturation) {
        double[] ring = new double[(2 * RADIUS + 1) * (2 * RADIUS + 1)];
        int nr = 0;
        for (int dy = -RADIUS; dy <= RADIUS; dy++)
            for (int dx = -RADIUS; dx <= RADIUS; dx++) {
                float raw = p[(y0 + dy) * w + x0 + dx];
                if (!Float.isFinite(raw) || raw >= saturation) return Double.NaN;
                int r2 = dx * dx + dy * dy;
                if (r2 >= (RADIUS - 2) * (RADIUS - 2) && r2 <= RADIUS * RADIUS) ring[nr++] = raw;
            }
        double bkg = nr >= 8 ? Percentiles.median(Arrays.copyOf(ring, nr)) : bkgGlobal;
        double sw = 0, sx = 0, sy = 0;
        for (int dy = -2; dy <= 2; dy++)
            for (int dx = -2; dx <= 2; dx++) {
                double v = p[(y0 + dy) * w + x0 + dx] - bkg;
                if (v > 0) {
                    sw += v;
                    sx += v * dx;
                    sy += v * dy;
                }
            }
        if (!(sw > 0)) return Double.NaN;
        double cx = x0 + sx / sw, cy = y0 + sy / sw;
        double peak = p[y0 * w + x0] - bkg;
        double s2 = profile(p, w, x0, y0, cx, cy, bkg, Math.max(0.1 * peak, 2 * noise));
        if (!(s2 > 0)) return Double.NaN;
        // Windowed centroid with the fitted width, then the final fit.
        sw = sx = sy = 0;
        for (int dy = -RADIUS; dy <= RADIUS; dy++)
            for (int dx = -RADIUS; dx <= RADIUS; dx++) {
                double v = p[(y0 + dy) * w + x0 + dx] - bkg;
                double rx = x0 + dx - cx, ry = y0 + dy - cy;
                double g = v * Math.exp(-(rx * rx + ry * ry) / (2 * s2));
                sw += g;
                sx += g * (x0 + dx);
                sy += g * (y0 + dy);
            }
        if (sw > 0) {
            double nx = sx / sw, ny = sy / sw;
            if (Math.abs(nx - x0) <= 1.5 && Math.abs(ny - y0) <= 1.5) {
                cx = nx;
                cy = ny;
            }
        }
        s2 = profile(p, w, x0, y0, cx, cy, bkg, Math.max(0.1 * peak, 2 * noise));
        if (!(s2 > 0)) return Double.NaN;
        double fwhm = SIGMA_TO_FWHM * Math.sqrt(s2);
        return fwhm >= 0.7 && fwhm <= 30 ? fwhm : Double.NaN;
    }

    /**
     * Gaussian σ² from a weighted least-squares line through (r², ln v) for the pixels above floor;
     * weight v² since the variance of ln v is about noise² / v². NaN when the fit fails.
     */
    private static double profile(float[] p, int w, int x0, int y0, double cx, double cy, double bkg, double floor) {
        double s0 = 0, s1 = 0, s2 = 0, t0 = 0, t1 = 0;
        int used = 0;
        for (int dy = -RADIUS; dy <= RADIUS; dy++)
            for (int dx = -RADIUS; dx <= RADIUS; dx++) {
                double v = p[(y0 + dy) * w + x0 + dx] - bkg;
                double rx = x0 + dx - cx, ry = y0 + dy - cy, r2 = rx * rx + ry * ry;
                if (r2 > RADIUS * RADIUS || v <= floor) continue;
                double wt = v * v, l = Math.log(v);
                s0 += wt;
                s1 += wt * r2;
                s2 += wt * r2 * r2;
                t0 += wt * l;
                t1 += wt * r2 * l;
                used++;
            }
        if (used < 6) return Double.NaN;
        double det = s0 * s2 - s1 * s1;
        if (!(det > 0)) return Double.NaN;
        double slope = (s0 * t1 - s1 * t0) / det;
        return slope < 0 ? -1 / (2 * slope) : Double.NaN;
    }
}

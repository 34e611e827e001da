package org.tessera.stack;

import java.util.ArrayList;
import java.util.List;

/**
 * Star FWHM of one frame (for {@code noise_fwhm} weights). Background and noise are the 3σ-clipped
 * median and std of the plane; stars are local maxima above background + 5σ (the original's
 * DAOStarFinder threshold), not saturated, isolated, with no missing pixel around them. On each
 * star a Gaussian is fitted to the background-subtracted profile by weighted least squares on
 * ln I = a − r² / (2 s²) (pixels above max(10 % of the peak, 2σ) within {@value #RADIUS} px),
 * FWHM = 2·√(2 ln 2)·s. The frame's FWHM is the median over up to {@value #MAX_STARS} stars,
 * and undefined (NaN) below {@value #MIN_STARS} stars, as in the original.
 */
public final class StarFwhm {
    private StarFwhm() {}

    static final int RADIUS = 8;
    static final int MIN_STARS = 5;
    static final int MAX_STARS = 200;
    static final double DETECT_SIGMA = 5;
    static final double SIGMA_TO_FWHM = 2 * Math.sqrt(2 * Math.log(2));

    public record Result(double fwhm, int stars) {}

    /** Measures a row-major plane of {@code width × height} floats (NaN = no data). */
    public static Result measure(float[] plane, int width, int height) {
        float[] compact = new float[plane.length];
        int m = 0;
        float max = Float.NEGATIVE_INFINITY;
        for (float v : plane)
            if (Float.isFinite(v)) {
                compact[m++] = v;
                if (v > max) max = v;
            }
        if (m < 1000) return new Result(Double.NaN, 0);
        ExactStats.Clipped bg = ExactStats.sigmaClipped(compact, m, 3, 3, 5);
        compact = null;
        double bkg = bg.median(), noise = bg.std();
        if (!(noise > 0)) return new Result(Double.NaN, 0);
        double threshold = bkg + DETECT_SIGMA * noise;
        double saturation = bkg + 0.95 * (max - bkg);

        List<int[]> candidates = new ArrayList<>();
        for (int y = RADIUS; y < height - RADIUS; y++) {
            for (int x = RADIUS; x < width - RADIUS; x++) {
                int i = y * width + x;
                float v = plane[i];
                if (!(v > threshold) || v >= saturation) continue;
                if (isPeak(plane, width, i, v)) candidates.add(new int[] {i});
            }
        }
        candidates.sort((a, b) -> Float.compare(plane[b[0]], plane[a[0]]));
        double[] fwhms = new double[MAX_STARS];
        int n = 0;
        int iso = 2 * RADIUS, gw = width / iso + 1, gh = height / iso + 1;
        @SuppressWarnings("unchecked") List<int[]>[] grid = new List[gw * gh];
        for (int[] cand : candidates) {
            if (n >= MAX_STARS) break;
            int x0 = cand[0] % width, y0 = cand[0] / width;
            boolean crowded = false;
            int gx = x0 / iso, gy = y0 / iso;
            for (int j = Math.max(0, gy - 1); j <= Math.min(gh - 1, gy + 1) && !crowded; j++)
                for (int k = Math.max(0, gx - 1); k <= Math.min(gw - 1, gx + 1) && !crowded; k++) {
                    List<int[]> cell = grid[j * gw + k];
                    if (cell == null) continue;
                    for (int[] a : cell) {
                        int dx = a[0] - x0, dy = a[1] - y0;
                        if (dx * dx + dy * dy < iso * iso) {
                            crowded = true;
                            break;
                        }
                    }
                }
            // Every brighter peak, measured or not, marks its surroundings: it would spoil a profile.
            if (grid[gy * gw + gx] == null) grid[gy * gw + gx] = new ArrayList<>();
            grid[gy * gw + gx].add(new int[] {x0, y0});
            if (crowded) continue;
            double f = fit(plane, width, x0, y0, bkg, noise, saturation);
            if (Double.isFinite(f)) fwhms[n++] = f;
        }
        if (n < MIN_STARS) return new Result(Double.NaN, n);
        java.util.Arrays.sort(fwhms, 0, n);
        double med = (n & 1) == 1 ? fwhms[n / 2] : 0.5 * (fwhms[n / 2 - 1] + fwhms[n / 2]);
        return new Result(med, n);
    }

    private static boolean isPeak(float[] p, int w, int i, float v) {
        for (int dy = -1; dy <= 1; dy++)
            for (int dx = -1; dx <= 1; dx++) {
                if (dx == 0 && dy == 0) continue;
                float u = p[i + dy * w + dx];
                // Ties go to the first pixel in scan order so a flat top gives one peak.
                if (u > v || (u == v && dy * w + dx < 0)) return false;
            }
        return true;
    }

    /**
     * FWHM of the star around (x0, y0), NaN when the window is incomplete or the fit fails. The
     * background is local (median of the annulus {@value #RADIUS} − 2 ≤ r ≤ {@value #RADIUS}), so a
     * sky gradient does not bend faint profiles; the centre is refined once with Gaussian-weighted
     * moments of the first fit.
     */
    static double fit(float[] p, int w, int x0, int y0, double bkgGlobal, double noise, double saturation) {
        double[] ring = new double[(2 * RADIUS + 1) * (2 * RADIUS + 1)];
        int nr = 0;
        for (int dy = -RADIUS; dy <= RADIUS; dy++)
            for (int dx = -RADIUS; dx <= RADIUS; dx++) {
                float raw = p[(y0 + dy) * w + x0 + dx];
                if (!Float.isFinite(raw) || raw >= saturation) return Double.NaN;
                int r2 = dx * dx + dy * dy;
                if (r2 >= (RADIUS - 2) * (RADIUS - 2) && r2 <= RADIUS * RADIUS) ring[nr++] = raw;
            }
        double bkg = nr >= 8 ? SmallSelect.median(ring, nr) : bkgGlobal;
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

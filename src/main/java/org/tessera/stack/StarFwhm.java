package org.tessera.stack;

import java.util.ArrayList;
import java.util.List;

import org.tessera.detect.StarProfile;

/**
 * Star FWHM of one frame (for {@code noise_fwhm} weights). Background and noise are the 3σ-clipped
 * median and std of the plane; stars are local maxima above background + 5σ (the original's
 * DAOStarFinder threshold), not saturated, isolated, with no missing pixel around them. On each
 * star a Gaussian is fitted to the background-subtracted profile by weighted least squares on
 * ln I = a − r² / (2 s²) (pixels above max(10 % of the peak, 2σ) within {@value #RADIUS} px),
 * FWHM = 2·√(2 ln 2)·s ({@link StarProfile}, shared with {@code detect.StarDetector}). The frame's
 * FWHM is the median over up to {@value #MAX_STARS} stars, and undefined (NaN) below
 * {@value #MIN_STARS} stars, as in the original.
 * <p>
 * The candidate selection stays its own (global clipped statistics, local maxima, isolation) rather
 * than {@code StarDetector}'s regions: it follows the original's DAOStarFinder threshold and the
 * stack's known-answer numbers rest on it.
 */
public final class StarFwhm {
    private StarFwhm() {}

    static final int RADIUS = StarProfile.RADIUS;
    static final int MIN_STARS = 5;
    static final int MAX_STARS = 200;
    static final double DETECT_SIGMA = 5;

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
            double f = StarProfile.fwhm(plane, width, x0, y0, bkg, noise, saturation);
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
}

package org.tessera.tiles;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * Star shape on a mono image, for tests: isolated, unsaturated local maxima well above the
 * background, measured on their bright core (see {@link #moments}): FWHM and ellipticity
 * 1 − √(λmin/λmax) of the second moments.
 */
final class StarMeasure {
    private StarMeasure() {}

    record Star(double x, double y, double peak, double fwhm, double ellipticity) {}

    record Stats(int count, double medianFwhm, double medianEllipticity) {}

    static final int R = 5;

    static List<Star> detect(float[] img, int w, int h, double kSigma, int brightest) {
        float[] finite = new float[img.length];
        int n = 0;
        for (float v : img) if (Float.isFinite(v)) finite[n++] = v;
        float[] s = Arrays.copyOf(finite, n);
        Arrays.sort(s);
        double bg = s[n / 2];
        float[] dev = new float[n];
        for (int i = 0; i < n; i++) dev[i] = (float) Math.abs(s[i] - bg);
        Arrays.sort(dev);
        double sigma = 1.4826 * dev[n / 2];
        double sat = s[n - 1] * 0.95;
        List<Star> stars = new ArrayList<>();
        for (int y = R + 2; y < h - R - 2; y++)
            for (int x = R + 2; x < w - R - 2; x++) {
                float v = img[y * w + x];
                if (!(v > bg + kSigma * sigma) || v >= sat) continue;
                if (!isPeak(img, w, x, y)) continue;
                Star st = moments(img, w, x, y, bg);
                if (st != null) stars.add(st);
            }
        // Isolated ones only: a neighbour within 3R would bias the moments.
        List<Star> iso = new ArrayList<>();
        for (Star a : stars) {
            boolean alone = true;
            for (Star b : stars)
                if (a != b && Math.hypot(a.x() - b.x(), a.y() - b.y()) < 3 * R) { alone = false; break; }
            if (alone) iso.add(a);
        }
        iso.sort(Comparator.comparingDouble(Star::peak).reversed());
        return iso.subList(0, Math.min(brightest, iso.size()));
    }

    private static boolean isPeak(float[] img, int w, int x, int y) {
        float v = img[y * w + x];
        for (int dy = -2; dy <= 2; dy++)
            for (int dx = -2; dx <= 2; dx++) {
                if (dx == 0 && dy == 0) continue;
                float u = img[(y + dy) * w + x + dx];
                if (!Float.isFinite(u) || u > v || (u == v && (dy < 0 || (dy == 0 && dx < 0)))) return false;
            }
        return true;
    }

    /** Part of the profile used: pixels above this fraction of the peak (noise-robust). */
    static final double CORE = 0.25;

    /**
     * Shape from the bright core: centroid and ellipticity from the a-weighted moments of the
     * pixels above {@link #CORE}·peak, FWHM from the least-squares slope of ln(a) against r² there
     * (a Gaussian core gives ln a = ln A − r²/2σ²). Noise far from the star does not enter.
     */
    private static Star moments(float[] img, int w, int px, int py, double bg) {
        double peak = img[py * w + px] - bg;
        if (!(peak > 0)) return null;
        double s = 0, sx = 0, sy = 0;
        for (int dy = -R; dy <= R; dy++)
            for (int dx = -R; dx <= R; dx++) {
                if (dx * dx + dy * dy > R * R) continue;
                float v = img[(py + dy) * w + px + dx];
                if (!Float.isFinite(v)) return null;
                double a = v - bg;
                if (a < CORE * peak) continue;
                s += a; sx += a * dx; sy += a * dy;
            }
        double cx = sx / s, cy = sy / s, mxx = 0, myy = 0, mxy = 0;
        double n = 0, sr = 0, sl = 0, srr = 0, srl = 0;
        for (int dy = -R; dy <= R; dy++)
            for (int dx = -R; dx <= R; dx++) {
                if (dx * dx + dy * dy > R * R) continue;
                double a = img[(py + dy) * w + px + dx] - bg;
                if (a < CORE * peak) continue;
                double ex = dx - cx, ey = dy - cy, r2 = ex * ex + ey * ey, l = Math.log(a);
                mxx += a * ex * ex; myy += a * ey * ey; mxy += a * ex * ey;
                n++; sr += r2; sl += l; srr += r2 * r2; srl += r2 * l;
            }
        double slope = (n * srl - sr * sl) / (n * srr - sr * sr);
        if (!(n >= 4) || !(slope < 0)) return null;
        double sigma = Math.sqrt(-1 / (2 * slope));
        double tr = mxx + myy, det = mxx * myy - mxy * mxy;
        double disc = Math.sqrt(Math.max(0, tr * tr / 4 - det));
        double l1 = tr / 2 + disc, l2 = Math.max(1e-12, tr / 2 - disc);
        return new Star(px + cx, py + cy, peak, 2.3548 * sigma, 1 - Math.sqrt(l2 / l1));
    }

    static Stats stats(List<Star> stars) {
        double[] f = stars.stream().mapToDouble(Star::fwhm).sorted().toArray();
        double[] e = stars.stream().mapToDouble(Star::ellipticity).sorted().toArray();
        return new Stats(stars.size(), f.length == 0 ? Double.NaN : f[f.length / 2], e.length == 0 ? Double.NaN : e[e.length / 2]);
    }
}

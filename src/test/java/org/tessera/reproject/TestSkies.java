package org.tessera.reproject;

import java.util.Random;

import org.tessera.image.FloatImage;
import org.tessera.wcs.FitsWcs;
import org.tessera.wcs.Projection;
import org.tessera.wcs.Wcs;
import org.tessera.wcs.WcsException;

/** Synthetic WCS and images for the reprojection tests. */
final class TestSkies {
    private TestSkies() {}

    /**
     * A TAN WCS centred on pixel ((w-1)/2, (h-1)/2) at (ra, dec), east left, rotated by rotDeg.
     */
    static FitsWcs tan(double ra, double dec, double scaleArcsec, double rotDeg, int w, int h) {
        double s = scaleArcsec / 3600.0, t = Math.toRadians(rotDeg);
        try {
            return new FitsWcs(Projection.forCode("TAN"), (w + 1) / 2.0, (h + 1) / 2.0, ra, dec,
                    -s * Math.cos(t), s * Math.sin(t), s * Math.sin(t), s * Math.cos(t));
        } catch (WcsException e) {
            throw new AssertionError(e);
        }
    }

    /** A star: sky position and flux (integrated ADU·px² on a grid of pixel scale {@code scale}). */
    record Star(double ra, double dec, double flux) {}

    /** Random stars inside the central part of a grid. */
    static Star[] stars(Wcs wcs, int w, int h, int n, int margin, long seed) {
        Random rnd = new Random(seed);
        Star[] out = new Star[n];
        double[] t = new double[2];
        for (int i = 0; i < n; i++) {
            double x = margin + rnd.nextDouble() * (w - 2 * margin), y = margin + rnd.nextDouble() * (h - 2 * margin);
            wcs.pixelToWorld(x, y, t);
            out[i] = new Star(t[0], t[1], 2000 + 8000 * rnd.nextDouble());
        }
        return out;
    }

    /**
     * Renders Gaussian stars (sigma in pixels of this grid) on a constant sky, pixel-integrated
     * (each pixel holds the integral of the profile over its area, so sums are exact fluxes).
     */
    static FloatImage render(Wcs wcs, int w, int h, Star[] stars, double sigmaPx, double sky, double noise, long seed) {
        FloatImage img = new FloatImage(w, h, 1);
        float[] p = img.plane(0);
        java.util.Arrays.fill(p, (float) sky);
        double[] t = new double[2];
        int rad = (int) Math.ceil(6 * sigmaPx);
        for (Star s : stars) {
            wcs.worldToPixel(s.ra(), s.dec(), t);
            double cx = t[0], cy = t[1];
            int x0 = (int) Math.floor(cx) - rad, x1 = (int) Math.floor(cx) + rad;
            int y0 = (int) Math.floor(cy) - rad, y1 = (int) Math.floor(cy) + rad;
            for (int y = Math.max(0, y0); y <= Math.min(h - 1, y1); y++) {
                double fy = integ(y - cy, sigmaPx);
                for (int x = Math.max(0, x0); x <= Math.min(w - 1, x1); x++)
                    p[y * w + x] += (float) (s.flux() * fy * integ(x - cx, sigmaPx));
            }
        }
        if (noise > 0) {
            Random rnd = new Random(seed);
            for (int i = 0; i < p.length; i++) p[i] += (float) (noise * rnd.nextGaussian());
        }
        return img;
    }

    /** Integral of a unit Gaussian (sigma s) over [d - 0.5, d + 0.5]. */
    static double integ(double d, double s) {
        double k = 1 / (s * Math.sqrt(2));
        return 0.5 * (erf((d + 0.5) * k) - erf((d - 0.5) * k));
    }

    /** Abramowitz-Stegun 7.1.26 is too coarse for flux tests: use a series / continued fraction. */
    static double erf(double x) {
        double ax = Math.abs(x);
        double r;
        if (ax < 2.5) {
            // Maclaurin series, converges fast here.
            double sum = ax, term = ax, x2 = ax * ax;
            for (int n = 1; n < 80; n++) {
                term *= -x2 / n;
                double add = term / (2 * n + 1);
                sum += add;
                if (Math.abs(add) < 1e-17) break;
            }
            r = 2 / Math.sqrt(Math.PI) * sum;
        } else {
            // Continued fraction for erfc.
            double f = 0;
            for (int n = 60; n >= 1; n--) f = n / 2.0 / (ax + f);
            r = 1 - Math.exp(-ax * ax) / Math.sqrt(Math.PI) / (ax + f);
        }
        return x < 0 ? -r : r;
    }
}

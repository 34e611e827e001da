package org.tessera.tiles;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.tessera.image.FloatImage;
import org.tessera.io.InMemoryFrame;
import org.tessera.io.MountMode;
import org.tessera.wcs.FitsWcs;
import org.tessera.wcs.Projection;
import org.tessera.wcs.Wcs;
import org.tessera.wcs.WcsException;

/** Synthetic frames of one star field, seen with chosen pointings and field rotations. */
final class SyntheticSky {

    /** A star: sky position (degrees) and peak amplitude above the background. */
    record Star(double ra, double dec, double peak) {}

    final List<Star> stars = new ArrayList<>();
    final double sigmaPx;
    final double background;
    final double noise;

    /**
     * Stars on a grid of step {@code spacingDeg} within {@code radiusDeg} of (ra, dec), each moved
     * by up to ±15% of the step (reproducible), so that no two are closer than 0.7 step.
     */
    SyntheticSky(double ra, double dec, double radiusDeg, double spacingDeg, long seed, double sigmaPx, double background,
                 double noise) {
        this.sigmaPx = sigmaPx;
        this.background = background;
        this.noise = noise;
        Random r = new Random(seed);
        double cosd = Math.cos(Math.toRadians(dec));
        for (double dy = -radiusDeg; dy <= radiusDeg; dy += spacingDeg)
            for (double dx = -radiusDeg; dx <= radiusDeg; dx += spacingDeg) {
                double jx = (2 * r.nextDouble() - 1) * 0.15 * spacingDeg, jy = (2 * r.nextDouble() - 1) * 0.15 * spacingDeg;
                stars.add(new Star(ra + (dx + jx) / cosd, dec + dy + jy, 200 + 2000 * r.nextDouble()));
            }
    }

    /** A TAN WCS centred on the image, pixel scale in degrees, field rotation in degrees. */
    static Wcs wcs(double ra, double dec, double scaleDeg, double rotDeg, int w, int h) {
        double c = Math.cos(Math.toRadians(rotDeg)), s = Math.sin(Math.toRadians(rotDeg));
        try {
            return new FitsWcs(Projection.forCode("TAN"), (w + 1) / 2.0, (h + 1) / 2.0, ra, dec,
                    -scaleDeg * c, scaleDeg * s, scaleDeg * s, scaleDeg * c);
        } catch (WcsException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Renders the sky through {@code wcs} into a w×h×channels frame. */
    InMemoryFrame frame(String name, Wcs wcs, int w, int h, int channels, MountMode mount, Map<String, String> keys, long seed) {
        FloatImage img = new FloatImage(w, h, channels);
        Random r = new Random(seed);
        float[] base = new float[w * h];
        for (int i = 0; i < base.length; i++) base[i] = (float) (background + noise * r.nextGaussian());
        double[] p = new double[2];
        int rad = (int) Math.ceil(4 * sigmaPx);
        for (Star s : stars) {
            wcs.worldToPixel(s.ra(), s.dec(), p);
            if (!(p[0] > -rad && p[0] < w + rad && p[1] > -rad && p[1] < h + rad)) continue;
            int x0 = (int) Math.floor(p[0]), y0 = (int) Math.floor(p[1]);
            for (int y = Math.max(0, y0 - rad); y <= Math.min(h - 1, y0 + rad); y++)
                for (int x = Math.max(0, x0 - rad); x <= Math.min(w - 1, x0 + rad); x++) {
                    double d2 = (x - p[0]) * (x - p[0]) + (y - p[1]) * (y - p[1]);
                    base[y * w + x] += (float) (s.peak() * Math.exp(-d2 / (2 * sigmaPx * sigmaPx)));
                }
        }
        for (int c = 0; c < channels; c++) System.arraycopy(base, 0, img.plane(c), 0, base.length);
        Map<String, String> k = new LinkedHashMap<>(keys);
        return new InMemoryFrame(name, img, wcs, mount, 10.0, k);
    }

    static Map<String, String> keys(String... kv) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i + 1 < kv.length; i += 2) m.put(kv[i], kv[i + 1]);
        return m;
    }
}

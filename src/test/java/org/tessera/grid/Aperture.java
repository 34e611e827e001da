package org.tessera.grid;

import org.tessera.image.FloatImage;

/** Centroid and background-subtracted aperture flux of a star (test helper). */
public final class Aperture {
    private Aperture() {}

    static final double R = 7, R_IN = 9, R_OUT = 13;

    /** {x, y, flux} of channel c around (x0, y0), or null when the window holds NaN or leaves the image. */
    public static double[] measure(FloatImage img, int c, double x0, double y0) {
        int half = (int) Math.ceil(R_OUT) + 1;
        int cx = (int) Math.round(x0), cy = (int) Math.round(y0);
        if (cx - half < 0 || cy - half < 0 || cx + half >= img.width() || cy + half >= img.height()) return null;
        java.util.List<Double> ring = new java.util.ArrayList<>();
        for (int y = cy - half; y <= cy + half; y++)
            for (int x = cx - half; x <= cx + half; x++) {
                float v = img.get(c, x, y);
                if (Float.isNaN(v)) return null;
                double r = Math.hypot(x - x0, y - y0);
                if (r >= R_IN && r <= R_OUT) ring.add((double) v);
            }
        java.util.Collections.sort(ring);
        double bg = ring.get(ring.size() / 2);
        double x = x0, y = y0, flux = 0;
        for (int it = 0; it < 5; it++) {
            double sx = 0, sy = 0, s = 0;
            for (int yy = cy - half; yy <= cy + half; yy++)
                for (int xx = cx - half; xx <= cx + half; xx++) {
                    if (Math.hypot(xx - x, yy - y) > R) continue;
                    double v = img.get(c, xx, yy) - bg;
                    sx += v * xx;
                    sy += v * yy;
                    s += v;
                }
            flux = s;
            x = sx / s;
            y = sy / s;
        }
        return new double[] {x, y, flux};
    }
}

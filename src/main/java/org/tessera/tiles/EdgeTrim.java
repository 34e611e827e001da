package org.tessera.tiles;

import org.tessera.image.FloatImage;

/**
 * The edge trim of a stacked tile (reference §3.6): border rows and columns whose valid fraction
 * is below 0.90 are peeled off, the worst border line first, each fraction measured within what
 * is left, until every border line is at least 90% valid or the tile is 64×64 (or its original
 * size where smaller). A pixel is valid when all its channels are finite and, when there is an
 * alpha mask, its alpha is above 0. Peeling (rather than keeping the rows that are 90% valid over
 * the full width) keeps the well-covered core of a rotated footprint instead of collapsing it.
 */
public final class EdgeTrim {
    private EdgeTrim() {}

    public static final double MIN_VALID_FRACTION = 0.90;
    public static final int MIN_SIZE = 64;

    /** A kept rectangle [x0, x0+width) × [y0, y0+height). */
    public record Rect(int x0, int y0, int width, int height) {}

    public static boolean[] validMask(FloatImage img, FloatImage alpha) {
        int n = img.width() * img.height();
        boolean[] v = new boolean[n];
        float[] a = alpha == null ? null : alpha.plane(0);
        for (int i = 0; i < n; i++) {
            boolean ok = a == null || a[i] > 0;
            for (int c = 0; ok && c < img.channels(); c++) ok = Float.isFinite(img.plane(c)[i]);
            v[i] = ok;
        }
        return v;
    }

    public static Rect trim(boolean[] valid, int w, int h) {
        int x0 = 0, x1 = w, y0 = 0, y1 = h;
        int minW = Math.min(MIN_SIZE, w), minH = Math.min(MIN_SIZE, h);
        while (true) {
            double top = y1 - y0 > minH ? rowFraction(valid, w, y0, x0, x1) : 2;
            double bottom = y1 - y0 > minH ? rowFraction(valid, w, y1 - 1, x0, x1) : 2;
            double left = x1 - x0 > minW ? colFraction(valid, w, x0, y0, y1) : 2;
            double right = x1 - x0 > minW ? colFraction(valid, w, x1 - 1, y0, y1) : 2;
            double worst = Math.min(Math.min(top, bottom), Math.min(left, right));
            if (worst >= MIN_VALID_FRACTION) break;
            if (worst == top) y0++;
            else if (worst == bottom) y1--;
            else if (worst == left) x0++;
            else x1--;
        }
        return new Rect(x0, y0, x1 - x0, y1 - y0);
    }

    private static double rowFraction(boolean[] v, int w, int y, int x0, int x1) {
        int n = 0;
        for (int x = x0; x < x1; x++) if (v[y * w + x]) n++;
        return (double) n / (x1 - x0);
    }

    private static double colFraction(boolean[] v, int w, int x, int y0, int y1) {
        int n = 0;
        for (int y = y0; y < y1; y++) if (v[y * w + x]) n++;
        return (double) n / (y1 - y0);
    }

    /** A copy of the rectangle of an image. */
    public static FloatImage crop(FloatImage img, Rect r) {
        float[][] planes = new float[img.channels()][r.width() * r.height()];
        for (int c = 0; c < planes.length; c++) {
            float[] src = img.plane(c);
            for (int y = 0; y < r.height(); y++)
                System.arraycopy(src, (r.y0() + y) * img.width() + r.x0(), planes[c], y * r.width(), r.width());
        }
        return new FloatImage(r.width(), r.height(), planes);
    }
}

package org.tessera.io;

/**
 * Bilinear demosaicing of a band of CFA rows into planar R, G, B.
 * <p>
 * A pixel keeps its own raw value in the channel its filter samples; each other channel is the mean
 * of the pixels of that colour in its 3×3 neighbourhood: the 4 orthogonal greens at an R or B site,
 * the 4 diagonal B (or R) at an R (or B) site, the 2 horizontal or 2 vertical R/B at a G site. That is
 * the classic bilinear interpolation; at the image border and next to NaN only the neighbours that
 * exist and are finite are averaged, so a flat field stays flat up to the edge.
 */
public final class Debayer {

    private Debayer() {}

    /**
     * Demosaics output rows {@code [y0, y0 + rows)} of an image of the given width and full height.
     *
     * @param raw     CFA rows {@code [rawY0, rawY0 + rawRows)}, row-major; must include the row above
     *                and below the output band where the image has them
     * @param dst     three planes receiving {@code rows × width} values each
     */
    public static void demosaic(float[] raw, int width, int height, int rawY0, int rawRows, BayerPattern pattern,
                                int y0, int rows, float[][] dst) {
        if (rawY0 > Math.max(y0 - 1, 0) || rawY0 + rawRows < Math.min(y0 + rows + 1, height))
            throw new IllegalArgumentException("raw rows [" + rawY0 + ", " + (rawY0 + rawRows)
                    + ") do not cover output rows [" + y0 + ", " + (y0 + rows) + ") with context");
        int w1 = width - 1;
        for (int y = y0; y < y0 + rows; y++) {
            int out = (y - y0) * width;
            int cur = (y - rawY0) * width;
            boolean hasUp = y > 0, hasDn = y < height - 1;
            if (!hasUp || !hasDn || width < 3) {
                for (int x = 0; x < width; x++) general(raw, width, height, pattern, x, y, cur, out, dst);
                continue;
            }
            general(raw, width, height, pattern, 0, y, cur, out, dst);
            inside(raw, width, pattern, y, cur, out, dst);
            general(raw, width, height, pattern, w1, y, cur, out, dst);
        }
    }

    /**
     * Pixels 1 .. width − 2 of a row that has rows above and below: every neighbour exists. The
     * green sites and the red/blue sites of the row each in their own pass (no per-pixel test of
     * the colour); sums in the order of {@link #general}, which takes over where a neighbour is NaN
     * (the sum is then NaN), so the values are the same.
     */
    private static void inside(float[] raw, int width, BayerPattern pattern, int y, int cur, int out, float[][] dst) {
        int w1 = width - 1, up = cur - width, dn = cur + width;
        int c0 = pattern.colorAt(0, y), c1 = pattern.colorAt(1, y);
        int gParity = c0 == 1 ? 0 : 1, other = c0 == 1 ? c1 : c0; // the row's red or blue
        float[] dG = dst[1], dOther = dst[other], dCross = dst[2 - other];
        // green sites: the row's colour left/right, the other one above/below
        for (int x = gParity == 1 ? 1 : 2; x < w1; x += 2) {
            double sh = 0.0 + raw[cur + x - 1] + raw[cur + x + 1];
            double sv = 0.0 + raw[up + x] + raw[dn + x];
            if (sh == sh && sv == sv) {
                dOther[out + x] = (float) (sh / 2);
                dCross[out + x] = (float) (sv / 2);
                dG[out + x] = raw[cur + x];
            } else {
                generalAt(raw, width, pattern, x, y, cur, out, dst, true, true);
            }
        }
        // red or blue sites: green on the 4 orthogonal neighbours, the other colour on the diagonals
        for (int x = gParity == 1 ? 2 : 1; x < w1; x += 2) {
            double so = 0.0 + raw[cur + x - 1] + raw[cur + x + 1] + raw[up + x] + raw[dn + x];
            double sd = 0.0 + raw[up + x - 1] + raw[up + x + 1] + raw[dn + x - 1] + raw[dn + x + 1];
            if (so == so && sd == sd) {
                dG[out + x] = (float) (so / 4);
                dCross[out + x] = (float) (sd / 4);
                dOther[out + x] = raw[cur + x];
            } else {
                generalAt(raw, width, pattern, x, y, cur, out, dst, true, true);
            }
        }
    }

    /** Pixel (x, y) with only the neighbours that exist and are finite averaged. */
    private static void general(float[] raw, int width, int height, BayerPattern pattern, int x, int y, int cur, int out,
                                float[][] dst) {
        generalAt(raw, width, pattern, x, y, cur, out, dst, y > 0, y < height - 1);
    }

    private static void generalAt(float[] raw, int width, BayerPattern pattern, int x, int y, int cur, int out,
                                  float[][] dst, boolean hasUp, boolean hasDn) {
        int up = cur - width, dn = cur + width, w1 = width - 1;
        int own = pattern.colorAt(x, y);
        boolean l = x > 0, r = x < w1;
        double s;
        int n;
        float v;
        if (own == 1) {
            // G site: one colour left/right, the other above/below
            int hc = pattern.colorAt(x + 1, y);
            s = 0; n = 0;
            if (l && (v = raw[cur + x - 1]) == v) { s += v; n++; } // v == v: not NaN
            if (r && (v = raw[cur + x + 1]) == v) { s += v; n++; }
            dst[hc][out + x] = n > 0 ? (float) (s / n) : Float.NaN;
            s = 0; n = 0;
            if (hasUp && (v = raw[up + x]) == v) { s += v; n++; }
            if (hasDn && (v = raw[dn + x]) == v) { s += v; n++; }
            dst[2 - hc][out + x] = n > 0 ? (float) (s / n) : Float.NaN;
        } else {
            // R or B site: green on the 4 orthogonal neighbours, the other colour on the 4 diagonals
            s = 0; n = 0;
            if (l && (v = raw[cur + x - 1]) == v) { s += v; n++; }
            if (r && (v = raw[cur + x + 1]) == v) { s += v; n++; }
            if (hasUp && (v = raw[up + x]) == v) { s += v; n++; }
            if (hasDn && (v = raw[dn + x]) == v) { s += v; n++; }
            dst[1][out + x] = n > 0 ? (float) (s / n) : Float.NaN;
            s = 0; n = 0;
            if (hasUp && l && (v = raw[up + x - 1]) == v) { s += v; n++; }
            if (hasUp && r && (v = raw[up + x + 1]) == v) { s += v; n++; }
            if (hasDn && l && (v = raw[dn + x - 1]) == v) { s += v; n++; }
            if (hasDn && r && (v = raw[dn + x + 1]) == v) { s += v; n++; }
            dst[2 - own][out + x] = n > 0 ? (float) (s / n) : Float.NaN;
        }
        dst[own][out + x] = raw[cur + x];
    }
}

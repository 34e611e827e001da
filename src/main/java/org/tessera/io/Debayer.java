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
            int up = cur - width, dn = cur + width;
            int c0 = pattern.colorAt(0, y), c1 = pattern.colorAt(1, y);
            for (int x = 0; x < width; x++) {
                int own = (x & 1) == 0 ? c0 : c1;
                float self = raw[cur + x];
                if (hasUp && hasDn && x > 0 && x < w1) {
                    // Inside: every neighbour exists. Sums in the order of the general code below,
                    // which takes over where a neighbour is NaN (the sum is then NaN).
                    if (own == 1) {
                        double sh = 0.0 + raw[cur + x - 1] + raw[cur + x + 1];
                        double sv = 0.0 + raw[up + x] + raw[dn + x];
                        if (sh == sh && sv == sv) {
                            int hc = (x & 1) == 0 ? c1 : c0;
                            dst[hc][out + x] = (float) (sh / 2);
                            dst[2 - hc][out + x] = (float) (sv / 2);
                            dst[1][out + x] = self;
                            continue;
                        }
                    } else {
                        double so = 0.0 + raw[cur + x - 1] + raw[cur + x + 1] + raw[up + x] + raw[dn + x];
                        double sd = 0.0 + raw[up + x - 1] + raw[up + x + 1] + raw[dn + x - 1] + raw[dn + x + 1];
                        if (so == so && sd == sd) {
                            dst[1][out + x] = (float) (so / 4);
                            dst[2 - own][out + x] = (float) (sd / 4);
                            dst[own][out + x] = self;
                            continue;
                        }
                    }
                }
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
                dst[own][out + x] = self;
            }
        }
    }
}

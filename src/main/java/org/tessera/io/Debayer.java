package org.tessera.io;

/**
 * Gradient-corrected linear demosaicing (Malvar, He and Cutler, ICASSP 2004) of a band of CFA rows
 * into planar R, G, B, with the bilinear rule where its 5×5 neighbourhood is incomplete.
 * <p>
 * A pixel keeps its own raw value in the channel its filter samples. Each other channel is the
 * bilinear estimate (the mean of that colour's pixels in the 3×3 neighbourhood) corrected by the
 * Laplacian of the pixel's own colour over the 5×5 neighbourhood (the fixed 5×5 filters of the
 * paper). Why not bilinear alone, the original's demosaic: on stars of 2–3 px FWHM (a Seestar's)
 * the bilinear R and B planes, sampled every other pixel, are up to 50 % wider than green, and the
 * luminance's stars came out 20–25 % wider than drawn (synthetic frames of known PSF; on the M 94
 * frames 28 % wider than Siril's RCD demosaic): docs/benchmarks.md, "Star shapes". The correction
 * gives the drawn width back within 1–2 %.
 * <p>
 * Within 2 px of the image border, and where a pixel of the 5×5 neighbourhood is not finite, the
 * pixel is the bilinear one: the mean of only the neighbours that exist and are finite, so a flat
 * field stays flat up to the edge and a NaN spreads no further than before.
 */
public final class Debayer {

    private Debayer() {}

    /**
     * Demosaics output rows {@code [y0, y0 + rows)} of an image of the given width and full height.
     *
     * @param raw     CFA rows {@code [rawY0, rawY0 + rawRows)}, row-major; must include the
     *                {@link #CONTEXT} rows above and below the output band where the image has them
     * @param dst     three planes receiving {@code rows × width} values each
     */
    public static void demosaic(float[] raw, int width, int height, int rawY0, int rawRows, BayerPattern pattern,
                                int y0, int rows, float[][] dst) {
        if (rawY0 > Math.max(y0 - CONTEXT, 0) || rawY0 + rawRows < Math.min(y0 + rows + CONTEXT, height))
            throw new IllegalArgumentException("raw rows [" + rawY0 + ", " + (rawY0 + rawRows)
                    + ") do not cover output rows [" + y0 + ", " + (y0 + rows) + ") with context");
        for (int y = y0; y < y0 + rows; y++) {
            int out = (y - y0) * width;
            int cur = (y - rawY0) * width;
            if (y < CONTEXT || y >= height - CONTEXT || width < 2 * CONTEXT + 1) {
                for (int x = 0; x < width; x++) general(raw, width, height, pattern, x, y, cur, out, dst);
                continue;
            }
            for (int x = 0; x < CONTEXT; x++) general(raw, width, height, pattern, x, y, cur, out, dst);
            corrected(raw, width, pattern, y, cur, out, dst);
            for (int x = width - CONTEXT; x < width; x++) general(raw, width, height, pattern, x, y, cur, out, dst);
        }
    }

    /** CFA rows of context needed above and below a band (the 5×5 neighbourhood's half-width). */
    public static final int CONTEXT = 2;

    /**
     * The original's bilinear demosaic alone, of output rows {@code [y0, y0 + rows)} (raw rows
     * must include one row above and below the band where the image has them): the pixels stars
     * are detected on for registration ({@link FrameReading#STAR_DETECTION}), whose thresholds
     * were set on them, and the stack's with {@code stacking_demosaic = bilinear}. The corrected filters raise the luminance's pixel-to-pixel noise by ~70 %
     * (M 94 sky: 15.5 against 9.1 ADU) with the stars' width given back, and the detector, which
     * asks for 5 connected pixels above 5 sigma, then finds ~17 % fewer faint stars.
     */
    public static void bilinear(float[] raw, int width, int height, int rawY0, int rawRows, BayerPattern pattern,
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
     * Pixels 2 .. width − 3 of a row that has 2 rows above and below: the gradient-corrected
     * estimates, the green sites and the red/blue sites of the row each in their own pass. Sums of
     * the filters' taps in eighths; a neighbourhood holding a NaN or an infinity (the sum is then
     * not finite) takes the bilinear rule of {@link #generalAt}.
     */
    private static void corrected(float[] raw, int width, BayerPattern pattern, int y, int cur, int out, float[][] dst) {
        int u1 = cur - width, d1 = cur + width, u2 = cur - 2 * width, d2 = cur + 2 * width, end = width - CONTEXT;
        int c0 = pattern.colorAt(0, y);
        int gParity = c0 == 1 ? 0 : 1, other = c0 == 1 ? pattern.colorAt(1, y) : c0; // the row's red or blue
        float[] dG = dst[1], dOther = dst[other], dCross = dst[2 - other];
        // green sites: the row's colour left/right, the other one above/below
        for (int x = gParity == 0 ? 2 : 3; x < end; x += 2) {
            double c = raw[cur + x];
            double h1 = 0.0 + raw[cur + x - 1] + raw[cur + x + 1], h2 = 0.0 + raw[cur + x - 2] + raw[cur + x + 2];
            double v1 = 0.0 + raw[u1 + x] + raw[d1 + x], v2 = 0.0 + raw[u2 + x] + raw[d2 + x];
            double dg = 0.0 + raw[u1 + x - 1] + raw[u1 + x + 1] + raw[d1 + x - 1] + raw[d1 + x + 1];
            double h = (5 * c + 4 * h1 - h2 - dg + 0.5 * v2) / 8;
            double v = (5 * c + 4 * v1 - v2 - dg + 0.5 * h2) / 8;
            if (h - h == 0 && v - v == 0) { // both finite
                dOther[out + x] = (float) h;
                dCross[out + x] = (float) v;
                dG[out + x] = raw[cur + x];
            } else {
                generalAt(raw, width, pattern, x, y, cur, out, dst, true, true);
            }
        }
        // red or blue sites: green from the 4 orthogonal neighbours, the other colour from the diagonals
        for (int x = gParity == 0 ? 3 : 2; x < end; x += 2) {
            double c = raw[cur + x];
            double o1 = 0.0 + raw[cur + x - 1] + raw[cur + x + 1] + raw[u1 + x] + raw[d1 + x];
            double o2 = 0.0 + raw[cur + x - 2] + raw[cur + x + 2] + raw[u2 + x] + raw[d2 + x];
            double dg = 0.0 + raw[u1 + x - 1] + raw[u1 + x + 1] + raw[d1 + x - 1] + raw[d1 + x + 1];
            double g = (4 * c + 2 * o1 - o2) / 8;
            double k = (6 * c + 2 * dg - 1.5 * o2) / 8;
            if (g - g == 0 && k - k == 0) {
                dG[out + x] = (float) g;
                dCross[out + x] = (float) k;
                dOther[out + x] = raw[cur + x];
            } else {
                generalAt(raw, width, pattern, x, y, cur, out, dst, true, true);
            }
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

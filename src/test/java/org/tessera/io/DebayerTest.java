package org.tessera.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;

import org.junit.jupiter.api.Test;

/**
 * Demosaicing: the gradient-corrected filters of Malvar, He and Cutler inside, the bilinear rule at
 * the border and next to NaN or infinities, the same values whatever the band split, and stars as
 * wide as they were drawn.
 */
class DebayerTest {

    /** The bilinear rule alone (every neighbour checked): the original's demosaic, and Debayer's at borders and holes. */
    static void bilinear(float[] raw, int width, int height, int rawY0, int rawRows, BayerPattern pattern,
                         int y0, int rows, float[][] dst) {
        int w1 = width - 1;
        for (int y = y0; y < y0 + rows; y++) {
            int out = (y - y0) * width;
            int cur = (y - rawY0) * width;
            boolean hasUp = y > 0, hasDn = y < height - 1;
            int up = cur - width, dn = cur + width;
            for (int x = 0; x < width; x++) {
                int own = pattern.colorAt(x, y);
                float self = raw[cur + x];
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


    /** The paper's 5×5 filters (in eighths) by the site's colour; ROW: R/B at a G site from its row's neighbours. */
    private static final double[][] G_AT_RB = {
            {0, 0, -1, 0, 0}, {0, 0, 2, 0, 0}, {-1, 2, 4, 2, -1}, {0, 0, 2, 0, 0}, {0, 0, -1, 0, 0}};
    private static final double[][] ROW = {
            {0, 0, 0.5, 0, 0}, {0, -1, 0, -1, 0}, {-1, 4, 5, 4, -1}, {0, -1, 0, -1, 0}, {0, 0, 0.5, 0, 0}};
    private static final double[][] DIAG = {
            {0, 0, -1.5, 0, 0}, {0, 2, 0, 2, 0}, {-1.5, 0, 6, 0, -1.5}, {0, 2, 0, 2, 0}, {0, 0, -1.5, 0, 0}};

    /** Malvar-He-Cutler written plainly from the filter matrices, the bilinear rule where a tap is missing or not finite. */
    static float[][] reference(float[] raw, int w, int h, BayerPattern p) {
        float[][] out = new float[3][w * h];
        bilinear(raw, w, h, 0, h, p, 0, h, out);
        for (int y = 2; y < h - 2; y++)
            for (int x = 2; x < w - 2; x++) {
                int own = p.colorAt(x, y);
                double[] v = new double[3];
                boolean finite = true; // a tap the filters weigh is NaN or infinite: the bilinear rule, all channels
                for (int c = 0; c < 3; c++) {
                    if (c == own) continue;
                    double[][] k = own != 1 ? (c == 1 ? G_AT_RB : DIAG) : (p.colorAt(x + 1, y) == c ? ROW : transpose(ROW));
                    for (int j = -2; j <= 2; j++)
                        for (int i = -2; i <= 2; i++)
                            if (k[j + 2][i + 2] != 0) v[c] += k[j + 2][i + 2] * raw[(y + j) * w + x + i];
                    finite &= Double.isFinite(v[c]);
                }
                if (finite)
                    for (int c = 0; c < 3; c++) if (c != own) out[c][y * w + x] = (float) (v[c] / 8);
            }
        return out;
    }

    private static double[][] transpose(double[][] k) {
        double[][] t = new double[5][5];
        for (int j = 0; j < 5; j++) for (int i = 0; i < 5; i++) t[i][j] = k[j][i];
        return t;
    }

    @Test
    void everyPatternAndBandGivesTheFiltersResultAndTheSameBitsWhateverTheSplit() {
        for (int w : new int[] {37, 38, 5, 4, 2}) compare(w, 29);
    }

    private static void compare(int w, int h) {
        Random r = new Random(4);
        float[] raw = new float[w * h];
        for (int i = 0; i < raw.length; i++) raw[i] = (float) (100 + 900 * r.nextDouble());
        for (int k = 0; k < 25; k++) raw[r.nextInt(raw.length)] = Float.NaN;
        raw[5 * w + Math.min(7, w - 1)] = Float.POSITIVE_INFINITY;
        raw[9 * w + Math.min(3, w - 1)] = Float.NEGATIVE_INFINITY;
        raw[9 * w + Math.min(5, w - 1)] = Float.POSITIVE_INFINITY;
        int compared = 0, corrected = 0;
        for (BayerPattern p : BayerPattern.values()) {
            float[][] whole = new float[3][w * h];
            Debayer.demosaic(raw, w, h, 0, h, p, 0, h, whole);
            float[][] expect = reference(raw, w, h, p), bil = new float[3][w * h], fast = new float[3][w * h];
            bilinear(raw, w, h, 0, h, p, 0, h, bil);
            // registration's demosaic (Debayer.bilinear, its fast inside path): the bilinear rule bit for bit
            Debayer.bilinear(raw, w, h, 0, h, p, 0, h, fast);
            for (int c = 0; c < 3; c++)
                for (int i = 0; i < w * h; i++)
                    assertEquals(Float.floatToRawIntBits(bil[c][i]), Float.floatToRawIntBits(fast[c][i]), "bilinear " + p + " c" + c + " at " + i);
            for (int c = 0; c < 3; c++)
                for (int i = 0; i < w * h; i++) {
                    String at = p + " channel " + c + " at " + (i % w) + "," + (i / w);
                    if (Float.isNaN(expect[c][i]) || Float.isInfinite(expect[c][i])) assertEquals(expect[c][i], whole[c][i], at);
                    else assertEquals(expect[c][i], whole[c][i], 2e-4, at);
                    if (Float.floatToRawIntBits(whole[c][i]) != Float.floatToRawIntBits(bil[c][i])) corrected++;
                }
            for (int rows : new int[] {1, 4, h})
                for (int y0 = 0; y0 < h; y0 += rows) {
                    int n = Math.min(rows, h - y0);
                    // only the rows the band needs, as FitsFrame reads them
                    int r0 = Math.max(0, y0 - Debayer.CONTEXT), r1 = Math.min(h, y0 + n + Debayer.CONTEXT);
                    float[] band = java.util.Arrays.copyOfRange(raw, r0 * w, r1 * w);
                    float[][] got = new float[3][n * w];
                    Debayer.demosaic(band, w, h, r0, r1 - r0, p, y0, n, got);
                    for (int c = 0; c < 3; c++)
                        for (int i = 0; i < n * w; i++) {
                            assertEquals(Float.floatToRawIntBits(whole[c][y0 * w + i]), Float.floatToRawIntBits(got[c][i]),
                                    p + " band of " + rows + " channel " + c + " at " + (i % w) + "," + (y0 + i / w));
                            compared++;
                        }
                }
        }
        assertEquals(4 * 3 * 3 * w * h, compared);
        // the filters apply inside (wide frames), the bilinear rule alone on frames under 5 px wide
        if (w > 30) assertTrue(corrected > w * h, "corrected pixels " + corrected);
        else if (w < 5) assertEquals(0, corrected);
    }

    /**
     * A 16-bit frame's values (half-integers after hot-pixel medians) through the float filters give
     * the double filters' values bit for bit, at both ends of the range (±2¹⁶, where a sum of 20
     * values needs 23 bits) and next to NaN and infinities; any pattern, any band split.
     */
    @Test
    void halfIntegerValuesGiveTheSameBitsInFloat() {
        int w = 41, h = 23;
        Random r = new Random(11);
        float[] raw = new float[w * h];
        for (int i = 0; i < raw.length; i++) {
            int kind = r.nextInt(10);
            double v = kind == 0 ? Debayer.EXACT_IN_FLOAT : kind == 1 ? -Debayer.EXACT_IN_FLOAT
                    : kind == 2 ? 0 : Math.rint(2 * (r.nextDouble() * 2 - 1) * Debayer.EXACT_IN_FLOAT) / 2;
            raw[i] = (float) v;
        }
        for (int k = 0; k < 12; k++) raw[r.nextInt(raw.length)] = Float.NaN;
        raw[7 * w + 9] = Float.POSITIVE_INFINITY;
        raw[15 * w + 20] = Float.NEGATIVE_INFINITY;
        int differing = 0;
        for (BayerPattern p : BayerPattern.values()) {
            float[][] ref = new float[3][w * h], bil = new float[3][w * h];
            Debayer.demosaic(raw, w, h, 0, h, p, 0, h, ref, false);
            Debayer.bilinear(raw, w, h, 0, h, p, 0, h, bil);
            for (int rows : new int[] {1, 3, h})
                for (int y0 = 0; y0 < h; y0 += rows) {
                    int n = Math.min(rows, h - y0);
                    int r0 = Math.max(0, y0 - Debayer.CONTEXT), r1 = Math.min(h, y0 + n + Debayer.CONTEXT);
                    float[][] got = new float[3][n * w];
                    Debayer.demosaic(java.util.Arrays.copyOfRange(raw, r0 * w, r1 * w), w, h, r0, r1 - r0, p, y0, n, got, true);
                    for (int c = 0; c < 3; c++)
                        for (int i = 0; i < n * w; i++)
                            assertEquals(Float.floatToRawIntBits(ref[c][y0 * w + i]), Float.floatToRawIntBits(got[c][i]),
                                    p + " band of " + rows + " channel " + c + " at " + (i % w) + "," + (y0 + i / w));
                }
            for (int c = 0; c < 3; c++)
                for (int i = 0; i < w * h; i++) if (Float.floatToRawIntBits(ref[c][i]) != Float.floatToRawIntBits(bil[c][i])) differing++;
        }
        assertTrue(differing > 4 * w * h, "pixels the filters correct: " + differing); // the float path ran the filters
    }

    /** A CFA band whose context rows are missing is refused, not demosaiced with the wrong neighbours. */
    @Test
    void aBandWithoutItsTwoRowsOfContextIsRefused() {
        float[] raw = new float[10 * 20];
        float[][] dst = new float[3][10 * 4];
        assertThrows(IllegalArgumentException.class, () -> Debayer.demosaic(raw, 10, 20, 9, 9, BayerPattern.GRBG, 10, 4, dst));
        Debayer.demosaic(raw, 10, 20, 8, 8, BayerPattern.GRBG, 10, 4, dst);
    }

    /**
     * Stars of 2.2 px FWHM (a Seestar's: Gaussian, pixel-integrated, white and red ones at every
     * sub-pixel phase) drawn on a GRBG mosaic: the luminance (mean of the planes) keeps the drawn
     * width within 3 % (1.009; FWHM of a fitted pixel-integrated Gaussian, as
     * bench/science/starshape.py measures) and stays round within 0.02 (second moments); G and B
     * within 3 % (1.005, 0.997), R 1.066 (the red stars' R, sampled on a quarter of the sites).
     * The bilinear demosaic gives 1.224 for the luminance (R 1.295, G 1.109, B 1.290), as
     * bench/science/starshape.py finds on the e2e frames (docs/benchmarks.md, "Star shapes").
     */
    @Test
    void starsKeepTheirWidth() {
        double fwhm = 2.2, sigma = fwhm / (2 * Math.sqrt(2 * Math.log(2)));
        int cell = 16, n = 8, w = cell * n, h = cell * n;
        float[] raw = new float[w * h];
        double[][] centre = new double[n * n][];
        Random r = new Random(11);
        BayerPattern p = BayerPattern.GRBG;
        for (int s = 0; s < n * n; s++) {
            double cx = (s % n) * cell + cell / 2.0 + r.nextDouble() - 0.5, cy = (s / n) * cell + cell / 2.0 + r.nextDouble() - 0.5;
            centre[s] = new double[] {cx, cy};
            double[] flux = s % 2 == 0 ? new double[] {1000, 1000, 1000} : new double[] {1500, 900, 450};
            for (int y = (int) cy - 7; y <= (int) cy + 7; y++)
                for (int x = (int) cx - 7; x <= (int) cx + 7; x++)
                    raw[y * w + x] += (float) (flux[p.colorAt(x, y)] * StarFits.pixelGaussian(x - cx, y - cy, sigma));
        }
        for (int i = 0; i < raw.length; i++) raw[i] += 100; // a sky level
        float[][] rgb = new float[3][w * h];
        Debayer.demosaic(raw, w, h, 0, h, p, 0, h, rgb);
        float[][] bil = new float[3][w * h];
        bilinear(raw, w, h, 0, h, p, 0, h, bil);
        double truth = fwhm;
        double[] lum = widths(luminance(rgb), w, centre), lumBil = widths(luminance(bil), w, centre);
        assertEquals(1.0, lum[0] / truth, 0.03, "luminance FWHM " + lum[0] + " against " + truth);
        assertTrue(lum[1] < 0.02, "elongation " + lum[1]);
        for (int c = 0; c < 3; c++) {
            double[] m = widths(rgb[c], w, centre);
            assertEquals(c == 0 ? 1.05 : 1.0, m[0] / truth, 0.03, "channel " + c + " FWHM " + m[0] + " against " + truth);
        }
        // what the bilinear rule did: the check above tells it apart
        assertEquals(1.22, lumBil[0] / truth, 0.03, "bilinear luminance FWHM " + lumBil[0]);
    }

    private static float[] luminance(float[][] rgb) {
        float[] l = new float[rgb[0].length];
        for (int i = 0; i < l.length; i++) l[i] = (rgb[0][i] + rgb[1][i] + rgb[2][i]) / 3;
        return l;
    }

    /**
     * Median over the stars of the FWHM of the pixel-integrated Gaussian fitted at the true centre
     * (sky 100 known, 6 px radius: amplitude by least squares, sigma by golden section) and of the
     * elongation 1 − b/a from second moments. Second moments alone do not give the width here:
     * the corrected filters' negative taps take some of them away (0.86 of the drawn width).
     */
    private static double[] widths(float[] img, int w, double[][] centres) {
        double[] f = new double[centres.length], e = new double[centres.length];
        for (int s = 0; s < centres.length; s++) {
            int cx = (int) Math.round(centres[s][0]), cy = (int) Math.round(centres[s][1]);
            double t = 0, mx = 0, my = 0;
            for (int y = cy - 6; y <= cy + 6; y++)
                for (int x = cx - 6; x <= cx + 6; x++) {
                    double v = img[y * w + x] - 100;
                    t += v; mx += v * x; my += v * y;
                }
            mx /= t; my /= t;
            double xx = 0, yy = 0, xy = 0;
            for (int y = cy - 6; y <= cy + 6; y++)
                for (int x = cx - 6; x <= cx + 6; x++) {
                    double v = img[y * w + x] - 100;
                    xx += v * (x - mx) * (x - mx); yy += v * (y - my) * (y - my); xy += v * (x - mx) * (y - my);
                }
            xx /= t; yy /= t; xy /= t;
            double tr = (xx + yy) / 2, d = Math.sqrt((xx - yy) * (xx - yy) / 4 + xy * xy);
            e[s] = 1 - Math.sqrt(tr - d) / Math.sqrt(tr + d);
            f[s] = StarFits.fwhm(img, w, centres[s][0], centres[s][1], 100);
        }
        java.util.Arrays.sort(f);
        java.util.Arrays.sort(e);
        return new double[] {f[f.length / 2], e[e.length / 2]};
    }

}

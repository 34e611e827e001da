package org.tessera.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import javax.imageio.ImageIO;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tessera.image.FloatImage;

class PreviewPngTest {

    @TempDir
    Path tmp;

    /** numpy.percentile (linear) written the plain way, independent of the class under test. */
    private static double percentile(double[] v, double p) {
        double[] s = Arrays.stream(v).filter(Double::isFinite).sorted().toArray();
        double pos = p / 100 * (s.length - 1);
        int i = (int) pos;
        return i + 1 < s.length ? s[i] + (pos - i) * (s[i + 1] - s[i]) : s[s.length - 1];
    }

    private static double asinh(double x) { return Math.log(x + Math.sqrt(x * x + 1)); }

    @Test
    void rgbPreviewDownsamplesStretchesAndMasks() throws IOException {
        int w = 500, h = 300;
        FloatImage img = new FloatImage(w, h, 3);
        FloatImage cov = new FloatImage(w, h, 1);
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++) {
                img.set(0, x, y, x + 0.5f * y);
                img.set(1, x, y, 2f * y);
                img.set(2, x, y, (x * 7 + y * 3) % 101);
                cov.set(0, x, y, x < 40 ? 0 : 3);
            }
        for (int y = 200; y < 220; y++) for (int x = 300; x < 320; x++) for (int c = 0; c < 3; c++) img.set(c, x, y, Float.NaN);
        Path png = tmp.resolve("preview.png");
        double pLow = 1, pHigh = 99.9, a = 0.5;
        PreviewPng.write(img, cov, png, pLow, pHigh, a, 128);

        assertFalse(Files.exists(tmp.resolve("preview.png.part")));
        BufferedImage out = ImageIO.read(png.toFile());
        int f = 4; // ceil(500 / 128)
        assertEquals(125, out.getWidth());
        assertEquals(75, out.getHeight());
        assertTrue(out.getWidth() <= 128 && out.getHeight() <= 128);

        // block means computed here, then percentiles and the formula of reference.md §9
        double[][] means = new double[3][125 * 75];
        for (int c = 0; c < 3; c++)
            for (int oy = 0; oy < 75; oy++)
                for (int ox = 0; ox < 125; ox++) {
                    double s = 0;
                    int n = 0;
                    for (int y = oy * f; y < oy * f + f; y++)
                        for (int x = ox * f; x < ox * f + f; x++)
                            if (!Float.isNaN(img.get(c, x, y))) { s += img.get(c, x, y); n++; }
                    means[c][oy * 125 + ox] = n == 0 ? Double.NaN : s / n;
                }
        int ox = 60, oy = 20;
        for (int c = 0; c < 3; c++) {
            double lo = percentile(means[c], pLow), hi = percentile(means[c], pHigh);
            double xv = Math.min(1, Math.max(0, (means[c][oy * 125 + ox] - lo) / (hi - lo)));
            int want = (int) Math.round(255 * asinh(xv / a) / asinh(1 / a));
            int argb = out.getRGB(ox, 74 - oy); // PNG row 0 is the top = last FITS row
            int got = argb >> (16 - 8 * c) & 0xFF;
            assertEquals(want, got, 1, "channel " + c);
            assertEquals(255, argb >>> 24);
        }
        // coverage 0 (x < 40 → output columns < 10) and all-NaN blocks (x 300–319, y 200–219) are transparent
        assertEquals(0, out.getRGB(5, 40) >>> 24);
        assertEquals(0, out.getRGB(77, 74 - 52) >>> 24);
        assertEquals(255, out.getRGB(12, 40) >>> 24);
    }

    @Test
    void greyImageGivesGreyPngAndTheStretchFollowsTheFormula() throws IOException {
        int w = 40, h = 10;
        FloatImage img = new FloatImage(w, h, 1);
        for (int y = 0; y < h; y++) for (int x = 0; x < w; x++) img.set(0, x, y, x);
        img.set(0, 0, 0, Float.NaN);
        Path png = tmp.resolve("grey.png");
        PreviewPng.write(img, null, png, 0, 100, 12, 3200);
        BufferedImage out = ImageIO.read(png.toFile());
        assertEquals(2, out.getColorModel().getNumComponents(), "grey + alpha");
        assertEquals(40, out.getWidth());
        int[] px = new int[2];
        // lo = 0, hi = 39: value 20 → x = 20/39, with a = 12 almost linear
        out.getRaster().getPixel(20, 9, px);
        double xv = 20 / 39.0;
        assertEquals(Math.round(255 * asinh(xv / 12) / asinh(1 / 12.0)), px[0]);
        assertEquals(131, px[0]); // a = 12 is nearly linear: 255 · 20/39 = 130.8
        assertEquals(255, px[1]);
        out.getRaster().getPixel(0, 9, px);
        assertEquals(0, px[1], "NaN pixel is transparent");
    }

    /**
     * The preview's bytes by thresholds equal the stretch formula's for every value: at each
     * threshold and the float just below it, at ±0, the largest floats and infinities, and on random
     * values, for ordinary windows, an empty one (hi = lo), one reversed, and one so narrow at a
     * large level that floats skip most bytes.
     */
    @Test
    void stretchBytesByThresholdsEqualTheFormula() {
        double[][] windows = {{0, 1000}, {-5, 3}, {7, 7}, {10, 2}, {1e6, 1e6 + 1}, {-2e-30, 3e-30}, {100.25, 4870.5}};
        java.util.Random r = new java.util.Random(3);
        for (double[] w : windows)
            for (double a : new double[] {12, 0.5, 1e-3, 300}) {
                PreviewPng.StretchBytes sb = new PreviewPng.StretchBytes(w[0], w[1], a);
                java.util.List<Float> probes = new java.util.ArrayList<>(java.util.List.of(-0f, 0f, Float.MAX_VALUE,
                        -Float.MAX_VALUE, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.MIN_VALUE, (float) w[0], (float) w[1]));
                for (int b = 1; b < 256; b++) {
                    float t = sb.threshold(b);
                    probes.add(t);
                    probes.add(Math.nextDown(t));
                    probes.add(Math.nextUp(t));
                }
                double span = Math.max(Math.abs(w[1] - w[0]), 1e-30);
                for (int i = 0; i < 20000; i++) probes.add((float) (w[0] + (r.nextDouble() * 1.4 - 0.2) * span));
                for (float v : probes)
                    assertEquals(sb.formula(v), sb.of(v), "window " + w[0] + ".." + w[1] + ", a = " + a + ", v = " + v);
            }
    }

    @Test
    void factorKeepsLongestSideWithinMaxDim() {
        assertEquals(1, PreviewPng.factor(3200, 2000, 3200));
        assertEquals(2, PreviewPng.factor(3201, 2000, 3200));
        assertEquals(2, PreviewPng.factor(5873, 4667, 3200));
        assertEquals(4, PreviewPng.factor(1000, 12000, 3200));
    }

    /**
     * A mosaic no larger than maxDim (block 1) is copied, not block-averaged: the same floats,
     * bit for bit, as the block means would give, −0, NaN and infinities included, image and coverage.
     */
    @Test
    void blockOfOnePixelIsTheBlockMeanBitForBit() throws IOException {
        int w = 37, h = 23;
        for (int nc : new int[] {1, 3}) {
            FloatImage img = new FloatImage(w, h, nc), cov = new FloatImage(w, h, 1);
            java.util.Random r = new java.util.Random(7 + nc);
            float[] special = {-0f, 0f, Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.MIN_VALUE};
            for (int y = 0; y < h; y++)
                for (int x = 0; x < w; x++) {
                    for (int c = 0; c < nc; c++)
                        img.set(c, x, y, r.nextInt(5) == 0 ? special[r.nextInt(special.length)] : (float) r.nextGaussian() * 1e3f);
                    cov.set(0, x, y, r.nextInt(4) == 0 ? special[r.nextInt(special.length)] : r.nextInt(3));
                }
            PreviewPng.Downsampled copy = PreviewPng.downsample(img, cov, 1), means = PreviewPng.downsample(img, cov, 1, true);
            assertEquals(w, copy.width());
            assertEquals(h, copy.height());
            for (int c = 0; c < nc; c++)
                for (int i = 0; i < w * h; i++)
                    assertEquals(Float.floatToRawIntBits(means.planes()[c][i]), Float.floatToRawIntBits(copy.planes()[c][i]),
                            "channel " + c + " pixel " + i + ": " + means.planes()[c][i] + " vs " + copy.planes()[c][i]);
            for (int i = 0; i < w * h; i++)
                assertEquals(Float.floatToRawIntBits(means.coverage()[i]), Float.floatToRawIntBits(copy.coverage()[i]), "coverage " + i);
        }
    }
}

package org.tessera.io;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;

import org.junit.jupiter.api.Test;

/** Demosaicing: the fast inside path gives exactly what the general code gives, NaNs and edges included. */
class DebayerTest {

    /** The general code alone (every neighbour checked), as Debayer was before its inside path. */
    static void reference(float[] raw, int width, int height, int rawY0, int rawRows, BayerPattern pattern,
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


    @Test
    void everyPatternAndBandGivesTheGeneralResultBitForBit() {
        for (int w : new int[] {37, 38, 2}) compareWithGeneral(w, 29);
    }

    private static void compareWithGeneral(int w, int h) {
        Random r = new Random(4);
        float[] raw = new float[w * h];
        for (int i = 0; i < raw.length; i++) raw[i] = (float) (100 + 900 * r.nextDouble());
        for (int k = 0; k < 25; k++) raw[r.nextInt(raw.length)] = Float.NaN;
        raw[5 * w + 7] = Float.POSITIVE_INFINITY;
        raw[9 * w + 3] = Float.NEGATIVE_INFINITY;
        raw[9 * w + 5] = Float.POSITIVE_INFINITY;
        int compared = 0;
        for (BayerPattern p : BayerPattern.values())
            for (int rows : new int[] {1, 4, h}) {
                for (int y0 = 0; y0 < h; y0 += rows) {
                    int n = Math.min(rows, h - y0);
                    float[][] got = new float[3][n * w], expect = new float[3][n * w];
                    Debayer.demosaic(raw, w, h, 0, h, p, y0, n, got);
                    reference(raw, w, h, 0, h, p, y0, n, expect);
                    for (int c = 0; c < 3; c++)
                        for (int i = 0; i < n * w; i++) {
                            assertEquals(Float.floatToRawIntBits(expect[c][i]), Float.floatToRawIntBits(got[c][i]),
                                    p + " channel " + c + " at " + (i % w) + "," + (y0 + i / w));
                            compared++;
                        }
                }
            }
        assertEquals(4 * 3 * 3 * w * h, compared);
    }
}

package org.tessera.tiles;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.tessera.image.FloatImage;

class EdgeTrimTest {

    @Test
    void peelsBordersUnderNinetyPercentValid() {
        int w = 200, h = 150;
        FloatImage img = new FloatImage(w, h, 2);
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++) {
                boolean nan = x < 7 || x >= w - 3 || y < 5 || y >= h - 11;
                boolean partial = y == 5 && x % 4 == 0; // 75% valid row: trimmed too
                for (int c = 0; c < 2; c++) img.set(c, x, y, nan || (partial && c == 1) ? Float.NaN : 1f);
            }
        EdgeTrim.Rect r = EdgeTrim.trim(EdgeTrim.validMask(img, null), w, h);
        assertEquals(new EdgeTrim.Rect(7, 6, w - 10, h - 17), r);
    }

    @Test
    void alphaZeroIsNotValid() {
        int w = 100, h = 100;
        FloatImage img = new FloatImage(w, h, 1);
        FloatImage alpha = new FloatImage(w, h, 1);
        for (int y = 0; y < h; y++) for (int x = 0; x < w; x++) alpha.set(0, x, y, x >= 20 ? 0.5f : 0f);
        assertEquals(new EdgeTrim.Rect(20, 0, 80, 100), EdgeTrim.trim(EdgeTrim.validMask(img, alpha), w, h));
    }

    @Test
    void keepsTheCoreOfARotatedFootprintAndNeverGoesBelow64() {
        int s = 300;
        boolean[] v = new boolean[s * s];
        for (int y = 0; y < s; y++) // a diamond |x - c| + |y - c| <= 140
            for (int x = 0; x < s; x++) v[y * s + x] = Math.abs(x - 149.5) + Math.abs(y - 149.5) <= 140;
        EdgeTrim.Rect r = EdgeTrim.trim(v, s, s);
        assertTrue(r.width() >= 64 && r.height() >= 64);
        // Every border line of the kept rectangle is at least 90% inside the diamond.
        assertTrue(frac(v, s, r, true, r.y0()) >= 0.9 && frac(v, s, r, true, r.y0() + r.height() - 1) >= 0.9);
        assertTrue(frac(v, s, r, false, r.x0()) >= 0.9 && frac(v, s, r, false, r.x0() + r.width() - 1) >= 0.9);
        assertTrue(r.width() > 120, "core kept: " + r);
        boolean[] none = new boolean[s * s];
        EdgeTrim.Rect m = EdgeTrim.trim(none, s, s);
        assertEquals(64, m.width());
        assertEquals(64, m.height());
        assertEquals(new EdgeTrim.Rect(0, 0, 40, 30), EdgeTrim.trim(new boolean[40 * 30], 40, 30));
    }

    private static double frac(boolean[] v, int s, EdgeTrim.Rect r, boolean row, int at) {
        int n = 0, len = row ? r.width() : r.height();
        for (int k = 0; k < len; k++) {
            int x = row ? r.x0() + k : at, y = row ? at : r.y0() + k;
            if (v[y * s + x]) n++;
        }
        return (double) n / len;
    }

    @Test
    void cropCopiesTheRectangle() {
        FloatImage img = new FloatImage(5, 4, 2);
        for (int i = 0; i < 20; i++) { img.plane(0)[i] = i; img.plane(1)[i] = -i; }
        FloatImage c = EdgeTrim.crop(img, new EdgeTrim.Rect(1, 2, 3, 2));
        assertEquals(11f, c.get(0, 0, 0));
        assertEquals(-18f, c.get(1, 2, 1));
    }
}

package org.tessera.reproject;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;

import org.junit.jupiter.api.Test;
import org.tessera.image.FloatImage;

/**
 * The blur equalisation of a preview made over a box only (the overlaps of its pairs, all that
 * the pair fits read) gives, inside the box, the same floats bit for bit as over the whole
 * preview, and NaN outside it.
 */
class PreviewEqualiseTest {

    @Test
    void boxEqualisationIsTheWholeEqualisationInsideTheBox() {
        int w = 31, h = 26, x0 = 5, y0 = 9;
        Tile t = new Tile(0, CoaddInput.of("t", new FloatImage(4, 4, 1), TestSkies.tan(150, 20, 2, 0, 4, 4)), 0, 0.02);
        Random r = new Random(11);
        PhotometricMatch.Preview p = new PhotometricMatch.Preview(t, x0, y0, w, h);
        for (int k = 0; k < w * h; k++) {
            p.lum[k] = r.nextInt(9) == 0 ? Float.NaN : (float) (100 + 30 * r.nextGaussian());
            p.bx[k] = (float) (0.25 * r.nextDouble());
            p.by[k] = (float) (0.25 * r.nextDouble());
        }
        p.equalise(0.24, 0.23);
        float[] whole = p.eq.clone();
        // Boxes on the preview grid: inside, touching each edge, sticking out, one row, one column, empty.
        int[][] boxes = {{x0 + 3, y0 + 4, x0 + 20, y0 + 15}, {x0, y0, x0 + w, y0 + h}, {0, 0, x0 + 7, y0 + 2},
                {x0 + 10, y0 + h - 1, 999, 999}, {x0 + 4, y0 + 6, x0 + 5, y0 + 20}, {x0 + 9, y0 + 3, x0 + 9, y0 + 8}};
        for (int[] b : boxes) {
            p.equalise(0.24, 0.23, b[0], b[1], b[2], b[3]);
            int inside = 0;
            for (int y = 0; y < h; y++)
                for (int x = 0; x < w; x++) {
                    int gx = x + x0, gy = y + y0, k = y * w + x;
                    boolean in = gx >= b[0] && gx < b[2] && gy >= b[1] && gy < b[3];
                    if (in) inside++;
                    assertEquals(Float.floatToRawIntBits(in ? whole[k] : Float.NaN), Float.floatToRawIntBits(p.eq[k]),
                            "box " + java.util.Arrays.toString(b) + " at (" + x + ", " + y + ")");
                }
            assertTrue(b[2] <= b[0] || inside > 0);
        }
    }

    /**
     * {@link PhotometricMatch#build} keeps each preview's largest resampling variance over its
     * valid pixels (the blur target): the same as the maximum taken over the finished previews.
     */
    @Test
    void buildKeepsTheLargestBlurOfTheValidPixels() throws java.io.IOException {
        org.tessera.wcs.WcsGrid grid = new org.tessera.wcs.WcsGrid(TestSkies.tan(150, 20, 1.7, 0, 160, 150), 160, 150);
        java.util.List<Tile> tiles = new java.util.ArrayList<>();
        Random r = new Random(3);
        for (int i = 0; i < 2; i++) {
            FloatImage img = new FloatImage(90, 80, 1);
            for (int y = 0; y < 80; y++)
                for (int x = 0; x < 90; x++) img.set(0, x, y, x < 6 && y < 30 ? Float.NaN : (float) (50 + r.nextGaussian()));
            Tile t = new Tile(i, CoaddInput.of("t" + i, img, TestSkies.tan(150 + 0.01 * i, 20 + 0.004 * i, 2.0, 7 + 20 * i, 90, 80)), 0, 0.02);
            t.survey(2);
            double[] b = t.footprintBox(grid.wcs(), false);
            t.bx0 = (int) Math.max(0, b[0]); t.by0 = (int) Math.max(0, b[1]);
            t.bx1 = (int) Math.min(grid.width(), b[2]); t.by1 = (int) Math.min(grid.height(), b[3]);
            tiles.add(t);
        }
        PhotometricMatch pm = PhotometricMatch.build(tiles, grid, 2, 0, 0, CoaddParams.MatchParams.DEFAULTS);
        assertEquals(2, pm.previews().size());
        for (PhotometricMatch.Preview p : pm.previews()) {
            double mx = 0, my = 0;
            int nan = 0;
            for (int k = 0; k < p.bx.length; k++) {
                if (Float.isNaN(p.lum[k])) { nan++; continue; }
                mx = Math.max(mx, p.bx[k]);
                my = Math.max(my, p.by[k]);
            }
            assertTrue(nan > 0 && mx > 0.05 && my > 0.05, nan + " " + mx + " " + my);
            assertEquals(mx, p.maxBx, 0.0);
            assertEquals(my, p.maxBy, 0.0);
        }
    }
}

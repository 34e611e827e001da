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
}

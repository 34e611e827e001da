package org.tessera.sds;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.tessera.image.FloatImage;
import org.tessera.image.RowSource;

/** The sky offsets between mega-tiles: per channel, on the common pixels, blind to stars and to NaN. */
class MegaTileLevelsTest {

    private static FloatImage sky(long seed, double[] level, int nanLeft) {
        FloatImage img = new FloatImage(400, 300, 3);
        Random r = new Random(seed);
        for (int y = 0; y < 300; y++)
            for (int x = 0; x < 400; x++)
                for (int c = 0; c < 3; c++)
                    img.set(c, x, y, x < nanLeft ? Float.NaN : (float) (level[c] + 3 * r.nextGaussian()));
        // bright "stars" on 2% of the pixels, in one mega-tile only: they must not move the level
        for (int k = 0; k < 2400; k++) {
            int x = r.nextInt(400), y = r.nextInt(300);
            if (x >= nanLeft) for (int c = 0; c < 3; c++) img.set(c, x, y, img.get(c, x, y) + 5000);
        }
        return img;
    }

    @Test
    void eachChannelIsBroughtOntoTheReferenceSky() throws IOException {
        FloatImage ref = sky(1, new double[] {100, 120, 90}, 0);
        FloatImage warm = sky(2, new double[] {130, 125, 70}, 150); // another night: redder sky, data on the right only
        FloatImage tiny = sky(3, new double[] {500, 500, 500}, 399); // one column: too few common pixels
        List<RowSource> tiles = List.of(warm, ref, tiny);
        double[][] off = MegaTileLevels.offsets(tiles, 1, List.of("warm", "ref", "tiny"));
        assertEquals(-30, off[0][0], 0.3);
        assertEquals(-5, off[0][1], 0.3);
        assertEquals(20, off[0][2], 0.3);
        assertArrayEquals(new double[3], off[1], 0.0, "the reference stays");
        assertArrayEquals(new double[3], off[2], 0.0, "too few common samples: left as it is");
        // applied: the warm tile now has the reference's level, NaN kept
        float[][] band = warm.newBand(1);
        MegaTileLevels.shifted(warm, off[0]).readRows(10, 1, band);
        assertEquals(Float.NaN, band[0][10], 0f);
        assertEquals(warm.get(2, 300, 10) + off[0][2], band[2][300], 1e-3);
    }
}

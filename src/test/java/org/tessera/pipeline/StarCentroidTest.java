package org.tessera.pipeline;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;
import org.tessera.image.FloatImage;

/** The acceptance test's centroid on stars whose position is known exactly. */
class StarCentroidTest {

    /** A Gaussian star (FWHM ~3.5 px) on a sloped background, split over three channels. */
    private static FloatImage star(int w, int h, double sx, double sy) {
        float[][] band = new float[3][w * h];
        double sigma = 1.5;
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++) {
                double g = 5000 * Math.exp(-((x - sx) * (x - sx) + (y - sy) * (y - sy)) / (2 * sigma * sigma));
                double bg = 300 + 0.5 * x - 0.3 * y;
                for (int c = 0; c < 3; c++) band[c][y * w + x] = (float) ((g + bg) * (c + 1) / 6.0);
            }
        return new FloatImage(w, h, band);
    }

    @Test
    void findsASubPixelStarFromAStartOnePixelOff() throws Exception {
        FloatImage img = star(80, 70, 40.37, 31.81);
        StarCentroid.Result r = StarCentroid.measure(img, 41.2, 31.0);
        assertEquals(StarCentroid.Status.FOUND, r.status());
        assertEquals(40.37, r.x(), 0.01);
        assertEquals(31.81, r.y(), 0.01);
        assertEquals(5000 * 2 * Math.PI * 1.5 * 1.5, r.flux(), 0.03 * 5000 * 2 * Math.PI * 1.5 * 1.5);
    }

    @Test
    void reportsNanWindowsAndEdges() throws Exception {
        FloatImage img = star(80, 70, 40, 30);
        img.set(1, 45, 38, Float.NaN); // inside the annulus of the star at (40, 30)
        assertEquals(StarCentroid.Status.NAN_IN_WINDOW, StarCentroid.measure(img, 40, 30).status());
        assertEquals(StarCentroid.Status.OUTSIDE, StarCentroid.measure(img, 8, 30).status());
    }
}

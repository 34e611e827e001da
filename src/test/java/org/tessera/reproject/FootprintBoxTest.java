package org.tessera.reproject;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.io.IOException;

import org.junit.jupiter.api.Test;
import org.tessera.image.FloatImage;
import org.tessera.wcs.FitsWcs;
import org.tessera.wcs.Wcs;

/** Tile.footprintBox maps shared row corners once; the box must be the one of every corner. */
class FootprintBoxTest {

    /**
     * The box over all four corners of every row's valid run (and the dense first/last rows): the
     * pixels whose centre it holds, or with {@code overlap} the pixels whose square it overlaps.
     */
    static double[] reference(Tile t, Wcs grid, boolean overlap) {
        double[] p = new double[2];
        double minX = Double.POSITIVE_INFINITY, maxX = Double.NEGATIVE_INFINITY, minY = minX, maxY = maxX;
        int first = -1, last = -1;
        for (int r = 0; r < t.rowMin.length; r++) if (t.rowMin[r] >= 0) { if (first < 0) first = r; last = r; }
        for (int r = first; r <= last; r++) {
            if (t.rowMin[r] < 0) continue;
            int lo = t.rowMin[r], hi = t.rowMax[r], y = r + t.cy0;
            java.util.List<double[]> pts = new java.util.ArrayList<>();
            if (r == first || r == last) {
                int steps = Math.max(1, (hi - lo + 1) / 8);
                for (int k = 0; k <= steps; k++) {
                    double x = lo - 0.5 + (hi - lo + 1) * (k / (double) steps);
                    if (r == first) pts.add(new double[] {x, y - 0.5});
                    if (r == last) pts.add(new double[] {x, y + 0.5});
                }
            }
            for (double dy : new double[] {-0.5, 0.5}) {
                pts.add(new double[] {lo - 0.5, y + dy});
                pts.add(new double[] {hi + 0.5, y + dy});
            }
            for (double[] q : pts) {
                t.input.wcs().pixelToWorld(q[0], q[1], p);
                grid.worldToPixel(p[0], p[1], p);
                minX = Math.min(minX, p[0]); maxX = Math.max(maxX, p[0]);
                minY = Math.min(minY, p[1]); maxY = Math.max(maxY, p[1]);
            }
        }
        if (overlap)
            return new double[] {Math.floor(minX - 0.5 + 1e-9) + 1, Math.floor(minY - 0.5 + 1e-9) + 1,
                    Math.ceil(maxX + 0.5 - 1e-9), Math.ceil(maxY + 0.5 - 1e-9)};
        return new double[] {Math.ceil(minX - 1e-9), Math.ceil(minY - 1e-9), Math.floor(maxX + 1e-9) + 1, Math.floor(maxY + 1e-9) + 1};
    }

    @Test
    void boxEqualsTheBoxOfEveryRowCorner() throws IOException {
        Wcs grid = TestSkies.tan(150.0, 20.0, 1.7, 0, 400, 400);
        for (int rot : new int[] {0, 23, -121, 90}) {
            FitsWcs w = TestSkies.tan(150.01, 20.01, 2.0, rot, 150, 120);
            FloatImage img = new FloatImage(150, 120, 1);
            // An irregular valid region: an ellipse with a notch, rows of equal and of changing extent.
            for (int y = 0; y < 120; y++)
                for (int x = 0; x < 150; x++) {
                    double dx = (x - 75) / 70.0, dy = (y - 60) / 55.0;
                    boolean in = dx * dx + dy * dy <= 1 && !(y > 50 && y < 58 && x > 100) || (y >= 20 && y < 40);
                    img.set(0, x, y, in ? 1f : Float.NaN);
                }
            for (double crop : new double[] {0, 3}) {
                Tile t = new Tile(0, CoaddInput.of("t", img, w), crop, 0.02);
                t.survey(0);
                for (boolean overlap : new boolean[] {false, true})
                    assertArrayEquals(reference(t, grid, overlap), t.footprintBox(grid, overlap),
                            "rotation " + rot + " crop " + crop + " overlap " + overlap);
            }
        }
    }
}

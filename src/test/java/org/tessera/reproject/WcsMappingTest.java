package org.tessera.reproject;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;
import org.tessera.wcs.Wcs;
import org.tessera.wcs.WcsMapping;

class WcsMappingTest {

    /**
     * Largest distance between the interpolated and the exact mapping over every pixel of every
     * {@code stride}-th row (all rows when 1).
     */
    private static double trueMaxError(WcsMapping m, int x0, int y0, int x1, int y1, int stride) {
        WcsMapping.Region r = m.region(x0, y0, x1, y1);
        int n = x1 - x0;
        double[] sx = new double[n], sy = new double[n], e = new double[2];
        double worst = 0;
        for (int y = y0; y < y1; y += stride) {
            r.mapRow(y, x0, x1, sx, sy);
            for (int i = 0; i < n; i++) {
                m.mapExact(x0 + i, y, e);
                if (Double.isNaN(e[0])) {
                    assertTrue(Double.isNaN(sx[i]), "pixel without mapping must stay NaN at " + (x0 + i) + "," + y);
                    continue;
                }
                if (Double.isNaN(sx[i])) {
                    // Only the rim of the projection's domain may be dropped: it maps to infinity.
                    assertTrue(Math.hypot(e[0], e[1]) > 1e5, "mapped pixel lost at " + (x0 + i) + "," + y);
                    continue;
                }
                worst = Math.max(worst, Math.hypot(sx[i] - e[0], sy[i] - e[1]));
            }
        }
        return worst;
    }

    @Test
    void rotatedTilesStayWithinTheErrorBound() {
        // A Seestar-like frame rotated by 121° and offset by 0.4°, mapped from a mosaic grid.
        Wcs grid = TestSkies.tan(315.0, 67.9, 2.37, 0, 2400, 2000);
        Wcs tile = TestSkies.tan(315.5, 68.2, 2.374, 121, 1920, 1080);
        WcsMapping m = new WcsMapping(grid, tile);
        double err = trueMaxError(m, 0, 0, 2400, 2000, 11);
        assertTrue(err < WcsMapping.DEFAULT_TOLERANCE_PX, "max error " + err);
        WcsMapping.Region r = m.region(0, 0, 2400, 2000);
        assertTrue(r.maxMeasuredError() <= WcsMapping.DEFAULT_TOLERANCE_PX / 2);
        // The point of the exercise: far fewer exact mappings than pixels.
        assertTrue(r.exactEvaluations() < 2400 * 2000 / 400, "evaluations " + r.exactEvaluations());
    }

    @Test
    void wideFieldsAndHighDeclinationSubdivideUntilTheBoundHolds() {
        // 45"/px grid 2000 px wide (25°) near the pole; tile 9° off-centre with a different scale.
        Wcs grid = TestSkies.tan(40.0, 80.0, 45, 10, 2000, 2000);
        Wcs tile = TestSkies.tan(80.0, 84.0, 30, -35, 1000, 1000);
        WcsMapping m = new WcsMapping(grid, tile, WcsMapping.DEFAULT_TOLERANCE_PX, 256);
        double err = trueMaxError(m, 0, 0, 2000, 2000, 13);
        assertTrue(err < WcsMapping.DEFAULT_TOLERANCE_PX, "max error " + err);
        WcsMapping.Region r = m.region(0, 0, 2000, 2000);
        boolean split = r.leaves().stream().anyMatch(l -> l[2] < 256);
        assertTrue(split, "the curvature of this field must force some cells to split");
    }

    @Test
    void pixelsWithNoMappingAreNaNAndTheRestStayAccurate() {
        // A 60"/px grid spanning 100°: its edges lie behind the tile's tangent plane (> 90° away).
        Wcs grid = TestSkies.tan(0, 0, 60 * 20, 0, 400, 300);
        Wcs tile = TestSkies.tan(60, 0, 60, 0, 500, 500);
        WcsMapping m = new WcsMapping(grid, tile);
        double err = trueMaxError(m, 0, 0, 400, 300, 1);
        assertTrue(err < WcsMapping.DEFAULT_TOLERANCE_PX, "max error " + err);
        double[] e = new double[2];
        m.mapExact(399, 150, e);
        assertTrue(Double.isNaN(e[0]), "test premise: the right (western) edge has no mapping");
    }

    @Test
    void aPixelMapsTheSameWhicheverBandAsksForIt() {
        Wcs grid = TestSkies.tan(10, 20, 2, 0, 1000, 1000);
        Wcs tile = TestSkies.tan(10.1, 20.05, 1.7, 33, 800, 600);
        WcsMapping m = new WcsMapping(grid, tile);
        WcsMapping.Region whole = m.region(0, 0, 1000, 1000);
        WcsMapping.Region part = m.region(123, 301, 777, 333);
        double[] ax = new double[1000], ay = new double[1000], bx = new double[1000], by = new double[1000];
        for (int y = 301; y < 333; y++) {
            whole.mapRow(y, 0, 1000, ax, ay);
            part.mapRow(y, 123, 777, bx, by);
            for (int x = 123; x < 777; x++) {
                assertEquals(ax[x], bx[x - 123], 0.0, "x at " + x + "," + y);
                assertEquals(ay[x], by[x - 123], 0.0, "y at " + x + "," + y);
            }
        }
    }

    @Test
    void boundsCoverEveryMappedPixel() {
        Wcs grid = TestSkies.tan(10, 20, 2, 0, 600, 600);
        Wcs tile = TestSkies.tan(10.02, 20.01, 2.5, 77, 400, 300);
        WcsMapping m = new WcsMapping(grid, tile);
        WcsMapping.Region r = m.region(50, 60, 550, 100);
        double[] b = r.sourceBounds();
        double[] sx = new double[500], sy = new double[500];
        for (int y = 60; y < 100; y++) {
            r.mapRow(y, 50, 550, sx, sy);
            for (int i = 0; i < 500; i++) {
                assertTrue(sx[i] >= b[0] && sx[i] <= b[1] && sy[i] >= b[2] && sy[i] <= b[3]);
            }
        }
    }

    /**
     * Pixel corners: within the tolerance of the exact mapping, inside the region's source bounds
     * (also where cells split down to single pixels), and bit-identical whichever region or band
     * maps them, so neighbouring pixels share them.
     */
    @Test
    void cornersAreAccurateBoundedAndShared() {
        Object[][] cases = {
            {TestSkies.tan(10, 20, 2, 0, 1000, 1000), TestSkies.tan(10.1, 20.05, 1.7, 33, 800, 600), 1000, 1000},
            // Cells split down to single pixels where the grid's edge has no mapping.
            {TestSkies.tan(0, 0, 60 * 20, 0, 400, 300), TestSkies.tan(60, 0, 60, 0, 500, 500), 400, 300}};
        for (Object[] c : cases) {
            WcsMapping m = new WcsMapping((Wcs) c[0], (Wcs) c[1]);
            int w = (int) c[2], h = (int) c[3];
            WcsMapping.Region whole = m.cornerRegion(0, 0, w, h);
            double[] b = whole.sourceBounds();
            double[] sx = new double[w + 1], sy = new double[w + 1], e = new double[2];
            double worst = 0;
            int mapped = 0;
            for (int y = 0; y <= h; y += 3) {
                whole.mapCorners(y, 0, w, sx, sy);
                for (int i = 0; i <= w; i++) {
                    m.mapExact(i - 0.5, y - 0.5, e);
                    if (Double.isNaN(sx[i])) continue;
                    mapped++;
                    assertTrue(sx[i] >= b[0] && sx[i] <= b[1] && sy[i] >= b[2] && sy[i] <= b[3], "corner outside the bounds");
                    if (!Double.isNaN(e[0])) worst = Math.max(worst, Math.hypot(sx[i] - e[0], sy[i] - e[1]));
                }
            }
            assertTrue(mapped > w * h / 20, "corners mapped: " + mapped);
            assertTrue(worst < WcsMapping.DEFAULT_TOLERANCE_PX, "corner error " + worst);
        }
        Wcs grid = (Wcs) cases[0][0], tile = (Wcs) cases[0][1];
        WcsMapping m = new WcsMapping(grid, tile);
        WcsMapping.Region whole = m.cornerRegion(0, 0, 1000, 1000);
        // Two bands meeting at row 320 (a cell boundary: the corners there lie in the cell above)
        // and a narrower column range.
        WcsMapping.Region above = m.cornerRegion(64, 301, 777, 320), below = m.cornerRegion(64, 320, 777, 333);
        double[] ax = new double[1001], ay = new double[1001], bx = new double[1001], by = new double[1001];
        for (int y = 301; y <= 333; y++) {
            whole.mapCorners(y, 0, 1000, ax, ay);
            // Row 320's corners belong to both bands.
            WcsMapping.Region[] parts = y < 320 ? new WcsMapping.Region[] {above}
                    : y == 320 ? new WcsMapping.Region[] {above, below} : new WcsMapping.Region[] {below};
            for (WcsMapping.Region part : parts) {
                part.mapCorners(y, 64, 777, bx, by);
                for (int x = 64; x <= 777; x++) {
                    assertEquals(ax[x], bx[x - 64], 0.0, "corner x at " + x + "," + y);
                    assertEquals(ay[x], by[x - 64], 0.0, "corner y at " + x + "," + y);
                }
            }
        }
        assertThrows(IndexOutOfBoundsException.class, () -> above.mapCorners(322, 64, 777, bx, by));
        // Pixel centres of a corner region are those of a plain region.
        WcsMapping.Region plain = m.region(64, 301, 777, 320);
        plain.mapRow(310, 64, 777, ax, ay);
        above.mapRow(310, 64, 777, bx, by);
        for (int i = 0; i < 777 - 64; i++) assertEquals(ax[i], bx[i], 0.0);
    }
}

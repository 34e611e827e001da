package org.tessera.wcs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.junit.jupiter.api.Test;

class OptimalGridTest {

    /** A TAN frame centred on (ra, dec), rotated by rot degrees (CROTA2 convention). */
    static WcsGrid frame(double ra, double dec, double rot, double arcsecPerPx, int w, int h) {
        double s = arcsecPerPx / 3600, c = Math.cos(Math.toRadians(rot)), n = Math.sin(Math.toRadians(rot));
        return new WcsGrid(new FitsWcs(Projections.TAN, (w + 1) / 2.0, (h + 1) / 2.0, ra, dec,
                -s * c, -s * n, -s * n, s * c), w, h);
    }

    /** Every input's border (64 points per side) lies on the output's pixel area; returns the grid. */
    static WcsGrid assertCovers(WcsGrid out, List<WcsGrid> in) {
        double[] p = new double[2];
        double xmin = Double.POSITIVE_INFINITY, ymin = Double.POSITIVE_INFINITY;
        double xmax = Double.NEGATIVE_INFINITY, ymax = Double.NEGATIVE_INFINITY;
        for (WcsGrid g : in)
            for (double[] wd : Footprints.borderWorld(g, 64)) {
                out.wcs().worldToPixel(wd[0], wd[1], p);
                assertTrue(p[0] >= -0.5 - 1e-6 && p[0] <= out.width() - 0.5 + 1e-6
                                && p[1] >= -0.5 - 1e-6 && p[1] <= out.height() - 0.5 + 1e-6,
                        String.format(Locale.ROOT, "border point (%.6f, %.6f) falls at (%.3f, %.3f), outside %dx%d",
                                wd[0], wd[1], p[0], p[1], out.width(), out.height()));
                xmin = Math.min(xmin, p[0]);
                ymin = Math.min(ymin, p[1]);
                xmax = Math.max(xmax, p[0]);
                ymax = Math.max(ymax, p[1]);
            }
        // Tight: the box starts at the outer edge of pixel 0 and ends within the last pixel.
        assertEquals(-0.5, xmin, 0.01);
        assertEquals(-0.5, ymin, 0.01);
        assertTrue(xmax > out.width() - 1.6 && ymax > out.height() - 1.6, "grid larger than needed");
        return out;
    }

    private static double area(WcsGrid g) {
        return (double) g.width() * g.height();
    }

    private static List<WcsGrid> fixtures(String prefix) throws WcsException {
        List<WcsGrid> out = new ArrayList<>();
        for (String n : WcsFixtures.names()) if (n.startsWith(prefix)) out.add(WcsFixtures.load(n).grid());
        return out;
    }

    @Test
    void singleNorthUpFrameGivesItsOwnGrid() {
        WcsGrid in = frame(150, 20, 0, 2.4, 1080, 1920);
        WcsGrid out = assertCovers(OptimalGrid.compute(List.of(in)), List.of(in));
        assertEquals(1080, out.width());
        assertEquals(1920, out.height());
        double[] w = new double[2], p = new double[2];
        for (double y = -0.5; y < 1920; y += 191.7)
            for (double x = -0.5; x < 1080; x += 107.3) {
                in.wcs().pixelToWorld(x, y, w);
                out.wcs().worldToPixel(w[0], w[1], p);
                assertEquals(x, p[0], 1e-6);
                assertEquals(y, p[1], 1e-6);
            }
    }

    @Test
    void singleRotatedFrameIsNotEnlarged() {
        WcsGrid in = frame(10, -30, 33, 2.4, 1080, 1920);
        WcsGrid out = assertCovers(OptimalGrid.compute(List.of(in)), List.of(in));
        assertTrue(Math.abs(area(out) - 1080.0 * 1920) <= 1080 + 1920 + 1, "rotated frame gives " + out.width() + "x" + out.height());
        WcsGrid northUp = assertCovers(OptimalGrid.compute(List.of(in), Double.NaN, false), List.of(in));
        assertTrue(area(northUp) > 1.5 * area(out), "north-up box of a 33° frame is much larger");
        double[] cd = ((FitsWcs) northUp.wcs()).cd();
        assertEquals(0, cd[1], 0);
        assertEquals(0, cd[2], 0);
    }

    @Test
    void twoOverlappingFramesAreaNotLargerThanUnrotatedBox() {
        List<WcsGrid> in = List.of(frame(200, 45, 0, 2.4, 1080, 1920), frame(200.3, 45.2, 25, 2.4, 1080, 1920));
        WcsGrid auto = assertCovers(OptimalGrid.compute(in), in);
        WcsGrid up = assertCovers(OptimalGrid.compute(in, Double.NaN, false), in);
        assertTrue(area(auto) <= area(up), "auto " + area(auto) + " vs unrotated " + area(up));
    }

    @Test
    void setStraddlingRa0GivesASmallGrid() {
        List<WcsGrid> in = List.of(frame(359.7, 10, 0, 2.4, 1080, 1920), frame(0.0, 10.1, 0, 2.4, 1080, 1920),
                frame(0.3, 9.9, 10, 2.4, 1080, 1920));
        WcsGrid out = assertCovers(OptimalGrid.compute(in), in);
        double s = out.wcs().pixelScaleDeg();
        // The frames span ~0.6° of RA plus a frame (0.7° x 1.3°): well under 2° a side, not 360°.
        assertTrue(out.width() * s < 2 && out.height() * s < 2, out.width() + "x" + out.height());
        double ra = ((FitsWcs) out.wcs()).crval1();
        assertTrue(ra < 0.1 || ra > 359.9, "centre RA " + ra);
    }

    @Test
    void framesAroundTheNorthPole() {
        List<WcsGrid> in = new ArrayList<>();
        for (int k = 0; k < 4; k++) in.add(frame(k * 90 + 5, 89.4, 17 * k, 2.4, 1080, 1920));
        WcsGrid out = assertCovers(OptimalGrid.compute(in), in);
        double s = out.wcs().pixelScaleDeg();
        assertTrue(out.width() * s < 4 && out.height() * s < 4, out.width() + "x" + out.height());
        assertTrue(((FitsWcs) out.wcs()).crval2() > 89.5, "centroid near the pole");
    }

    @Test
    void seestarNgc7023SessionsRotated121Degrees() throws Exception {
        List<WcsGrid> in = fixtures("real_ngc7023_");
        assertEquals(6, in.size());
        WcsGrid out = assertCovers(OptimalGrid.compute(in), in);
        double mean = OptimalGrid.meanScaleDeg(in);
        assertEquals(mean, out.wcs().pixelScaleDeg(), 1e-6 * mean);
        assertEquals(2.374 / 3600, mean, 0.003 / 3600);
        WcsGrid up = OptimalGrid.compute(in, Double.NaN, false);
        assertTrue(area(out) <= area(up));
        // Two frames overlapping ~66%: the union needs less than two frames' worth of box... but more than one.
        assertTrue(area(out) > 1080.0 * 1920 && area(out) < 3 * 1080.0 * 1920, out.width() + "x" + out.height());
    }

    @Test
    void seestarM94ThreeNightsAndDssPair() throws Exception {
        List<WcsGrid> m94 = fixtures("real_m94_");
        assertEquals(12, m94.size());
        assertCovers(OptimalGrid.compute(m94), m94);
        List<WcsGrid> dss = List.of(WcsFixtures.load("real_dss_test1").grid(), WcsFixtures.load("real_dss_test2").grid());
        WcsGrid out = assertCovers(OptimalGrid.compute(dss), dss);
        assertTrue(out.width() < 177 * 2 && out.height() < 177 * 2);
    }

    @Test
    void explicitScaleIsHonoured() {
        List<WcsGrid> in = List.of(frame(80, -10, 0, 2.0, 1000, 600));
        WcsGrid out = assertCovers(OptimalGrid.compute(in, 4.0 / 3600), in);
        assertEquals(4.0 / 3600, out.wcs().pixelScaleDeg(), 1e-15);
        assertEquals(500, out.width(), 1);
        assertEquals(300, out.height(), 1);
        assertEquals(2.0 / 3600, OptimalGrid.medianScaleDeg(in), 1e-15);
    }

    @Test
    void badInputsAreRefusedClearly() {
        assertThrows(IllegalArgumentException.class, () -> OptimalGrid.compute(List.of()));
        assertThrows(IllegalArgumentException.class, () -> OptimalGrid.compute(List.of(frame(0, 0, 0, 2, 10, 10)), -1));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> OptimalGrid.compute(List.of(frame(0, 0, 0, 2, 10, 10), frame(179, 0, 0, 2, 10, 10))));
        assertTrue(e.getMessage().contains("too wide"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> OptimalGrid.compute(List.of(frame(0, 0, 0, 2, 10, 10), frame(120, 10, 0, 2, 10, 10))));
        assertTrue(e.getMessage().contains("check the inputs"), e.getMessage());
    }

    @Test
    void bestRotationFindsTheHullEdge() {
        // A rectangle 100 x 10 rotated by 20°: the optimum is −20° (undoing it), found exactly.
        double c = Math.cos(Math.toRadians(20)), s = Math.sin(Math.toRadians(20));
        double[][] pts = {{0, 0}, {100, 0}, {100, 10}, {0, 10}, {50, 5}};
        double[] xs = new double[pts.length], ys = new double[pts.length];
        for (int i = 0; i < pts.length; i++) {
            xs[i] = c * pts[i][0] - s * pts[i][1];
            ys[i] = s * pts[i][0] + c * pts[i][1];
        }
        assertEquals(-20, OptimalGrid.bestRotation(xs, ys), 1e-9);
        assertEquals(1000, OptimalGrid.area(xs, ys, -20), 1e-9);
        assertEquals(4, OptimalGrid.convexHull(xs, ys).length);
    }
}

package org.tessera.wcs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class FootprintsTest {

    @Test
    void borderRunsAlongTheOuterPixelEdges() {
        double[][] b = Footprints.borderPixels(10, 6, 4);
        assertEquals(16, b.length);
        assertArrayEquals(new double[] {-0.5, -0.5}, b[0]);
        assertArrayEquals(new double[] {9.5, -0.5}, b[4]);
        assertArrayEquals(new double[] {9.5, 5.5}, b[8]);
        assertArrayEquals(new double[] {-0.5, 5.5}, b[12]);
        assertArrayEquals(new double[] {2.0, -0.5}, b[1]);
    }

    /**
     * The pixels of a target grid that a frame covers: a 100x50 frame rotated 30 deg in the middle of
     * a 300x300 grid covers its 5000 pixels; moved so that its centre lies on the grid's left edge,
     * about half of them; the frame itself, its own 100x50; off the grid, none.
     */
    @Test
    void areaOnAGridIsTheFramesPixelsThereClipped() {
        WcsGrid target = OptimalGridTest.frame(100, 30, 0, 2.0, 300, 300);
        WcsGrid mid = OptimalGridTest.frame(100, 30, 30, 2.0, 100, 50);
        assertEquals(5000, Footprints.areaOn(mid.wcs(), 100, 50, target), 5);
        assertEquals(5000, Footprints.areaOn(mid.wcs(), 100, 50, mid), 1e-6);
        double dra = 150 * 2.0 / 3600 / Math.cos(Math.toRadians(30)); // the grid's left edge, x = -0.5, 150 px from its centre
        WcsGrid edge = OptimalGridTest.frame(100 + dra, 30, 30, 2.0, 100, 50);
        assertEquals(2500, Footprints.areaOn(edge.wcs(), 100, 50, target), 2);
        WcsGrid off = OptimalGridTest.frame(101, 30, 30, 2.0, 100, 50);
        assertEquals(0, Footprints.areaOn(off.wcs(), 100, 50, target), 1e-9);
    }

    @Test
    void seestarSessionsOverlapAboutTwoThirds() throws Exception {
        WcsGrid a = WcsFixtures.load("real_ngc7023_20240730-224436").grid();
        WcsGrid a2 = WcsFixtures.load("real_ngc7023_20240730-224510").grid();
        WcsGrid b = WcsFixtures.load("real_ngc7023_20250630-023420").grid();
        assertTrue(Footprints.overlaps(a, b));
        double f = Footprints.overlapFraction(a, b);
        assertTrue(f > 0.55 && f < 0.77, "session overlap " + f);
        assertTrue(Footprints.overlapFraction(a, a2) > 0.95);
        double[] c = b.centre();
        assertTrue(Footprints.contains(a, c[0], c[1]) || Footprints.overlapFraction(a, b) > 0);
    }

    @Test
    void dssPairOverlapsAboutAThird() throws Exception {
        WcsGrid a = WcsFixtures.load("real_dss_test1").grid(), b = WcsFixtures.load("real_dss_test2").grid();
        assertTrue(Footprints.overlaps(a, b));
        double f = Footprints.overlapFraction(a, b, 64);
        assertTrue(f > 0.25 && f < 0.45, "DSS overlap " + f);
        assertEquals(f, Footprints.overlapFraction(b, a, 64), 0.03, "same size: symmetric");
    }

    @Test
    void thinSliverOverlapIsFoundAndDisjointFramesAreNot() {
        WcsGrid a = OptimalGridTest.frame(100, 30, 0, 2.0, 1000, 1000);
        // b's left edge lies 2 px inside a's right edge (Δx = 998 px of 2" at dec 30).
        double dra = 998 * 2.0 / 3600 / Math.cos(Math.toRadians(30));
        WcsGrid b = OptimalGridTest.frame(100 - dra, 30, 0, 2.0, 1000, 1000);
        assertTrue(Footprints.overlaps(a, b));
        assertTrue(Footprints.overlaps(b, a));
        assertEquals(0.002, Footprints.overlapFraction(a, b, 1000), 0.0015);
        WcsGrid far = OptimalGridTest.frame(100 - 2 * dra, 30, 0, 2.0, 1000, 1000);
        assertFalse(Footprints.overlaps(a, far));
        assertEquals(0, Footprints.overlapFraction(a, far), 0);
        WcsGrid other = OptimalGridTest.frame(280, -30, 0, 2.0, 1000, 1000);
        assertFalse(Footprints.overlaps(a, other));
    }

    @Test
    void identicalAndEdgeAlignedFramesOverlap() {
        WcsGrid a = OptimalGridTest.frame(100, 30, 0, 2.0, 1000, 1000);
        assertTrue(Footprints.overlaps(a, a));
        assertEquals(1, Footprints.overlapFraction(a, a), 0);
        // Shifted by exactly half a frame along a row: top and bottom edges are collinear.
        WcsGrid half = new WcsGrid(a.wcs().shifted(500, 0), 1000, 1000);
        assertTrue(Footprints.overlaps(a, half));
        assertTrue(Footprints.overlaps(half, a));
        assertEquals(0.5, Footprints.overlapFraction(a, half), 1e-9);
    }

    @Test
    void radiusOfASeestarFrameIsHalfItsDiagonal() throws Exception {
        WcsGrid a = WcsFixtures.load("real_ngc7023_20240730-224436").grid();
        double expect = Math.hypot(1080, 1920) / 2 * a.wcs().pixelScaleDeg();
        assertEquals(expect, Footprints.radiusDeg(a), expect * 1e-3);
    }
}

package org.tessera.tiles;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.tessera.image.FloatImage;
import org.tessera.io.Frame;
import org.tessera.io.InMemoryFrame;
import org.tessera.io.MountMode;

/** The stacking grid of a group holds every frame's footprint (issue 14, item 2). */
class TileGeometryTest {

    static final double SCALE = 0.001; // deg/px
    static final int W = 100, H = 80;

    static Frame at(String name, double ra, double dec) {
        return new InMemoryFrame(name, new FloatImage(W, H, 1), SyntheticSky.wcs(ra, dec, SCALE, 0, W, H), MountMode.EQ,
                1.0, SyntheticSky.keys());
    }

    @Test
    void dithersKeepTheReferenceGrid() {
        // 3 px and 5 px dithers: every frame keeps > 75 % of its footprint on the reference grid.
        List<Frame> f = List.of(at("a", 150, 20), at("b", 150 + 0.003 / Math.cos(Math.toRadians(20)), 20),
                at("c", 150, 20.005));
        TileGeometry.Plan p = TileGeometry.plan(f, MountMode.EQ);
        assertFalse(p.canvas());
        assertEquals(W, p.grid().width());
        assertEquals(H, p.grid().height());
        assertEquals(0, p.padX());
    }

    @Test
    void twoPanelsWithTenPercentOverlapGetAGridHoldingBoth() {
        // Second panel 90 px to the right: only 10 % of it lies on the first one's grid.
        double dRa = 0.090 / Math.cos(Math.toRadians(20));
        List<Frame> f = List.of(at("left", 150 + dRa, 20), at("right", 150, 20)); // RA grows to the left
        TileGeometry.Plan p = TileGeometry.plan(f, MountMode.EQ);
        assertTrue(p.canvas());
        assertEquals(190, p.grid().width(), 3); // 100 + 90 px, within the sub-pixel rounding of the edges
        assertEquals(H, p.grid().height(), 3);
        assertEquals(1.0, TileGeometry.minInsideFraction(f, p.grid().wcs(),
                new int[] {0, 0, p.grid().width(), p.grid().height()}), 1e-12);
        assertEquals(1.9, TileGeometry.spreadAreas(f), 0.1); // (100 + 90) x 80 px over 100 x 80, edges rounded out
    }
}

package org.tessera.grid;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.tessera.io.InMemoryFrame;
import org.tessera.wcs.Footprints;
import org.tessera.wcs.WcsGrid;

class GridLayoutTest {

    private static List<WcsGrid> footprints() {
        List<WcsGrid> out = new ArrayList<>();
        for (InMemoryFrame f : GridFixtures.sky().build()) out.add(new WcsGrid(f.wcs(), f.width(), f.height()));
        return out;
    }

    @Test
    void tileSizeIsFieldTimesFactorAndStepFollowsOverlap() {
        List<WcsGrid> fp = footprints();
        GridLayout.Layout l = GridLayout.compute(fp, 1.5, 40);
        // Frames are 96x72 at the grid's own scale: median larger side 96 px × 1.5 = 144.
        assertEquals(144, l.tileSize());
        assertEquals((int) Math.floor(144 * 0.6), l.step());
        GridLayout.Layout big = GridLayout.compute(fp, 4.0, 25);
        assertEquals(384, big.tileSize());
        // Never below 32 px.
        assertEquals(GridLayout.MIN_TILE, GridLayout.compute(fp, 0.1, 40).tileSize());
    }

    @Test
    void rasterCoversTheGridAndEveryFrame() {
        List<WcsGrid> fp = footprints();
        GridLayout.Layout l = GridLayout.compute(fp, 0.5, 40);
        int gw = l.global().width(), gh = l.global().height();
        assertTrue(l.tiles().size() >= 4, "tiles: " + l.tiles().size());
        // Starts: 0, step, …, the last flush with the far edge; consecutive tiles overlap by ≥ 40 %.
        int[] xs = GridLayout.starts(gw, l.tileSize(), l.step());
        assertEquals(0, xs[0]);
        assertEquals(gw - l.tileSize(), xs[xs.length - 1]);
        for (int i = 1; i < xs.length; i++) assertTrue(xs[i] - xs[i - 1] <= l.step() && xs[i] > xs[i - 1]);
        assertEquals(l.tileSize() - (int) Math.floor(l.tileSize() * 0.6), l.tileSize() - l.step());
        // Every frame pixel centre (sampled) lies in a tile that lists the frame.
        double[] w = new double[2], p = new double[2];
        for (int f = 0; f < fp.size(); f++) {
            WcsGrid g = fp.get(f);
            for (int y = 0; y < g.height(); y += 7)
                for (int x = 0; x < g.width(); x += 7) {
                    g.wcs().pixelToWorld(x, y, w);
                    l.global().wcs().worldToPixel(w[0], w[1], p);
                    boolean found = false;
                    for (GridLayout.Tile t : l.tiles())
                        if (p[0] >= t.x0() - 0.5 && p[0] < t.x0() + t.width() - 0.5 && p[1] >= t.y0() - 0.5
                                && p[1] < t.y0() + t.height() - 0.5 && t.frames().contains(f)) found = true;
                    assertTrue(found, "frame " + f + " pixel (" + x + ", " + y + ") in no tile listing it");
                }
        }
    }

    @Test
    void framesAreAssignedByFootprintIntersection() {
        List<WcsGrid> fp = footprints();
        GridLayout.Layout l = GridLayout.compute(fp, 0.5, 40);
        int assignments = 0;
        for (GridLayout.Tile t : l.tiles()) {
            assertEquals(l.global().crop(t.x0(), t.y0(), t.width(), t.height()).wcs().toString(), t.grid().wcs().toString());
            for (int f = 0; f < fp.size(); f++)
                assertEquals(Footprints.overlaps(t.grid(), fp.get(f)), t.frames().contains(f), "tile " + t.id() + " frame " + f);
            assignments += t.frames().size();
        }
        // Overlapping tiles share frames: more assignments than frames, fewer than tiles × frames.
        assertTrue(assignments > fp.size() && assignments < l.tiles().size() * fp.size(), "assignments " + assignments);
        // A single tile when the factor makes the tile larger than the grid.
        GridLayout.Layout one = GridLayout.compute(fp, 10, 40);
        assertEquals(1, one.tiles().size());
        assertEquals(one.global().width(), one.tiles().get(0).width());
        assertEquals(fp.size(), one.tiles().get(0).frames().size());
    }
}

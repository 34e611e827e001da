package org.tessera.reproject;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.tessera.Progress;
import org.tessera.image.FloatImage;
import org.tessera.wcs.FitsWcs;
import org.tessera.wcs.WcsGrid;

/** The strip cache's budget comes from the plan: every block read once, far less than every block held. */
class StripBudgetTest {

    /** Three mono tiles 1600×1000 (blocks of 327 rows: 4 per tile), rotated 0°, 40° and 150°. */
    static List<CoaddInput> tiles() {
        List<CoaddInput> in = new ArrayList<>();
        double[][] geo = {{150.00, 20.00, 0}, {150.10, 20.03, 40}, {150.04, 20.09, 150}};
        for (int k = 0; k < geo.length; k++) {
            FitsWcs w = TestSkies.tan(geo[k][0], geo[k][1], 2.0, geo[k][2], 1600, 1000);
            TestSkies.Star[] stars = TestSkies.stars(w, 1600, 1000, 40, 5, 7 + k);
            FloatImage img = TestSkies.render(w, 1600, 1000, stars, 1.3, 100 + 10 * k, 3, 11 + k);
            in.add(CoaddInput.of("t" + k, img, w));
        }
        return in;
    }

    static final WcsGrid GRID = new WcsGrid(TestSkies.tan(150.05, 20.05, 2.0, 0, 2600, 2400), 2600, 2400);

    @Test
    void budgetFromThePlanReadsEveryBlockOnceAndHoldsAFewBands() throws IOException {
        List<CoaddInput> in = tiles();
        CoaddParams p = CoaddParams.plain(Kernel.BILINEAR).withWorkers(2).withRowsPerBand(32);
        CoaddPlan plan = ReprojectCoadd.plan(in, GRID, p, Progress.NONE);
        List<Tile> tiles = ReprojectCoadd.tiles(plan, in, p);
        long block = StripBudget.blockBytes(tiles.get(0));
        assertEquals(327, tiles.get(0).blockRows);
        assertEquals(4L * 327 * 1600 + 64, block);
        long all = 0;
        for (Tile t : tiles) all += (long) Math.ceil(t.height / (double) t.blockRows) * StripBudget.blockBytes(t);
        long budget = ReprojectCoadd.stripCacheBytes(tiles, plan, p, plan.bands());
        // Three bands of 32 rows touch at most two blocks of the unrotated tile and, rotated by
        // 40° or 150°, at most all four: the budget is at most 10 of the 12 blocks, at least 1 per tile.
        assertTrue(budget <= 10 * block, "budget " + budget + " of " + all);
        assertTrue(budget >= 3 * block, "budget " + budget);

        MemorySinks fromPlan = new MemorySinks();
        ReprojectCoadd.Result r = ReprojectCoadd.run(in, GRID, p, fromPlan, Progress.NONE);
        assertEquals(12, r.blockReads(), "every block read once, none read again");

        MemorySinks everything = new MemorySinks();
        ReprojectCoadd.run(in, GRID, p.withStripCacheBytes(1L << 30), everything, Progress.NONE);
        assertArrayEquals(everything.mosaic.plane(0), fromPlan.mosaic.plane(0));
        assertArrayEquals(everything.coverage.plane(0), fromPlan.coverage.plane(0));
    }

    @Test
    void theHeapCapStillBounds() throws IOException {
        List<CoaddInput> in = tiles();
        CoaddParams p = CoaddParams.plain(Kernel.BILINEAR).withWorkers(2).withRowsPerBand(32);
        CoaddPlan plan = ReprojectCoadd.plan(in, GRID, p, Progress.NONE);
        List<Tile> tiles = ReprojectCoadd.tiles(plan, in, p);
        assertEquals(5000, StripBudget.bytes(tiles, plan, Kernel.BILINEAR, 2, 5000));
        assertEquals(12345, ReprojectCoadd.stripCacheBytes(tiles, plan, p.withStripCacheBytes(12345), plan.bands()));
    }
}

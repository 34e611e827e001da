package org.tessera.reproject;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import org.tessera.wcs.OptimalGrid;
import org.tessera.wcs.WcsGrid;
import org.tessera.wcs.WcsMapping;

/**
 * Phase 5's survey and photometric match of two overlapping tiles as {@link ReprojectCoadd#plan}
 * runs them (no crop), for the match's tests: the fitted pair (its ratio a and error σ of the
 * second tile over the first).
 */
final class MatchHarness {
    private MatchHarness() {}

    /**
     * @param factor the preview factor the inputs must give
     * @param stars  whether the pair is also measured on its stars at full resolution ({@link PhotometricMatch#measureStars})
     */
    static PhotometricMatch.Pair pair(List<CoaddInput> inputs, CoaddParams params, int factor, boolean stars) throws IOException {
        List<WcsGrid> fps = new ArrayList<>();
        for (CoaddInput in : inputs) fps.add(new WcsGrid(in.wcs(), in.image().width(), in.image().height()));
        WcsGrid grid = OptimalGrid.compute(fps);
        List<Tile> tiles = new ArrayList<>();
        for (int i = 0; i < inputs.size(); i++) tiles.add(new Tile(i, inputs.get(i), 0, params.alphaWeightFloor()));
        assertEquals(factor, ReprojectCoadd.previewFactor(tiles, params.match().previewSize()));
        boolean lattice = ReprojectCoadd.latticePreviews(tiles, factor, grid);
        int gx0 = Integer.MAX_VALUE, gy0 = Integer.MAX_VALUE, gx1 = 0, gy1 = 0;
        for (Tile t : tiles) {
            if (lattice) t.survey(factor, grid.wcs(), grid.width(), grid.height());
            else t.survey(factor);
            double[] b = t.footprintBox(grid.wcs(), false);
            t.bx0 = (int) Math.max(0, b[0]);
            t.by0 = (int) Math.max(0, b[1]);
            t.bx1 = (int) Math.min(grid.width(), b[2]);
            t.by1 = (int) Math.min(grid.height(), b[3]);
            gx0 = Math.min(gx0, t.bx0); gy0 = Math.min(gy0, t.by0);
            gx1 = Math.max(gx1, t.bx1); gy1 = Math.max(gy1, t.by1);
        }
        WcsGrid fin = grid.crop(gx0, gy0, gx1 - gx0, gy1 - gy0);
        for (Tile t : tiles) {
            t.bx0 -= gx0; t.bx1 -= gx0; t.by0 -= gy0; t.by1 -= gy0;
            t.mapping = new WcsMapping(fin.wcs(), t.input.wcs());
        }
        PhotometricMatch pm = PhotometricMatch.build(tiles, fin, factor, lattice ? gx0 : 0, lattice ? gy0 : 0, params.match());
        pm.findPairs();
        if (stars) {
            ExecutorService pool = Executors.newFixedThreadPool(2);
            try {
                pm.measureStars(pool);
            } finally {
                pool.shutdown();
            }
        }
        pm.solveAffine(true);
        assertEquals(1, pm.pairs().size(), "one overlapping pair");
        return pm.pairs().get(0);
    }
}

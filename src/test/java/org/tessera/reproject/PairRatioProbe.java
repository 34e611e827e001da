package org.tessera.reproject;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

import org.tessera.io.FitsFrame;
import org.tessera.math.Percentiles;
import org.tessera.wcs.OptimalGrid;
import org.tessera.wcs.WcsGrid;

/**
 * Phase 5's pair ratios and gains on master tiles of synthetic frames, against the truth: each
 * tile is on the scale of its reference frame ({@code MT_REF}), SYNGAIN × SYNTRANS in that
 * frame's header. Runs the survey and the match as {@link ReprojectCoadd#plan} does (defaults,
 * the final grid of {@code tessera reproject}); {@code -Dblocks=true} forces block-mean previews
 * (the resampled previews used before lattice previews). Prints each pair's ratio and its error
 * against the truth, the gains, and the tiles' scale after them over their median. For
 * docs/benchmarks.md, "Accuracy of the mosaics"; not a test.
 *
 * <pre>java ... org.tessera.reproject.PairRatioProbe FRAMES_DIR master_tile_*.fits</pre>
 */
public final class PairRatioProbe {
    private PairRatioProbe() {}

    public static void main(String[] args) throws Exception {
        Path frames = Path.of(args[0]);
        List<CoaddInput> inputs = new ArrayList<>();
        List<WcsGrid> fps = new ArrayList<>();
        double[] scale = new double[args.length - 1];
        for (int i = 1; i < args.length; i++) {
            FitsFrame f = FitsFrame.open(Path.of(args[i]));
            inputs.add(CoaddFiles.input(f));
            fps.add(new WcsGrid(f.wcs(), f.width(), f.height()));
            FitsFrame ref = FitsFrame.open(frames.resolve(f.keys().get("MT_REF")));
            scale[i - 1] = Double.parseDouble(ref.keys().get("SYNGAIN")) * Double.parseDouble(ref.keys().get("SYNTRANS"));
        }
        WcsGrid grid = OptimalGrid.compute(fps);
        CoaddParams params = CoaddParams.defaults();
        List<Tile> tiles = new ArrayList<>();
        double crop = params.applyMasterTileCrop() ? params.masterTileCropPercent() : 0;
        for (int i = 0; i < inputs.size(); i++) tiles.add(new Tile(i, inputs.get(i), crop, params.alphaWeightFloor()));
        int factor = ReprojectCoadd.previewFactor(tiles, params.match().previewSize());
        boolean lattice = !Boolean.getBoolean("blocks") && ReprojectCoadd.latticePreviews(tiles, factor, grid);
        int gx0 = Integer.MAX_VALUE, gy0 = Integer.MAX_VALUE, gx1 = Integer.MIN_VALUE, gy1 = Integer.MIN_VALUE;
        for (Tile t : tiles) {
            if (lattice) t.survey(factor, grid.wcs(), grid.width(), grid.height());
            else t.survey(factor);
            double[] b = t.footprintBox(grid.wcs(), params.kernel().mapsCorners());
            t.bx0 = (int) Math.max(0, b[0]);
            t.by0 = (int) Math.max(0, b[1]);
            t.bx1 = (int) Math.min(grid.width(), b[2]);
            t.by1 = (int) Math.min(grid.height(), b[3]);
            gx0 = Math.min(gx0, t.bx0); gy0 = Math.min(gy0, t.by0); gx1 = Math.max(gx1, t.bx1); gy1 = Math.max(gy1, t.by1);
        }
        WcsGrid fin = grid.crop(gx0, gy0, gx1 - gx0, gy1 - gy0);
        for (Tile t : tiles) {
            t.bx0 -= gx0; t.bx1 -= gx0; t.by0 -= gy0; t.by1 -= gy0;
        }
        System.out.printf(Locale.ROOT, "factor %d, %s previews, %.0f tile pixels per cell (tile 0)%n", factor,
                lattice ? "lattice" : "block-mean", tiles.get(0).pixelsPerCell(factor, grid.wcs()));
        PhotometricMatch pm = PhotometricMatch.build(tiles, fin, factor, lattice ? gx0 : 0, lattice ? gy0 : 0, params.match());
        pm.findPairs();
        double[] g = pm.solveAffine(true)[0];
        for (PhotometricMatch.Pair p : pm.pairs()) {
            double truth = scale[p.j()] / scale[p.i()];
            System.out.printf(Locale.ROOT, "pair %d-%d: ratio %.4f ± %.4f, truth %.4f, error %+.2f %%%n", p.i(), p.j(), p.a(),
                    p.sigmaA(), truth, 100 * (p.a() / truth - 1));
        }
        double[] t = new double[g.length];
        for (int i = 0; i < g.length; i++) t[i] = g[i] * scale[i];
        double med = Percentiles.median(t.clone());
        StringBuilder b = new StringBuilder("gains");
        for (double v : g) b.append(String.format(Locale.ROOT, " %.3f", v));
        b.append(", tiles / median");
        for (double v : t) b.append(String.format(Locale.ROOT, " %.3f", v / med));
        double lo = Arrays.stream(t).min().orElse(0), hi = Arrays.stream(t).max().orElse(0);
        System.out.println(b + String.format(Locale.ROOT, " (max - min %.1f %%)", 100 * (hi - lo) / med));
    }
}

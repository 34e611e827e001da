package org.tessera.sds;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.logging.Logger;

import org.tessera.Progress;
import org.tessera.io.FitsFrame;
import org.tessera.io.FitsImageWriter;
import org.tessera.reproject.BandCoadder;
import org.tessera.reproject.CoaddFiles;
import org.tessera.reproject.CoaddInput;
import org.tessera.reproject.CoaddParams;
import org.tessera.reproject.MosaicProvenance;
import org.tessera.reproject.ReprojectCoadd;
import org.tessera.wcs.WcsGrid;

/**
 * One SDS batch → one mega-tile: the batch's frames coadded straight onto the global grid by the
 * Phase 5 engine ({@link ReprojectCoadd}: streamed by bands, its photometric match putting the
 * batch's frames on one level, and frames of other exposures on one exposure first
 * ({@link CoaddFiles#frameInput}), no master-tile crop since the inputs are frames). The mega-tile is
 * written as the covered box of the global grid (FITS, NaN where no frame lands, with its frames'
 * observation cards: {@link MosaicProvenance#ofFrames}) with its coverage
 * (Σ frame weights) beside it, each through a temp file renamed when complete; the files stay for
 * a rerun to reuse ({@link #open}).
 */
final class MegaTiles {
    private MegaTiles() {}

    private static final Logger LOG = Logger.getLogger("org.tessera.sds");

    /**
     * A mega-tile on disk: its batch (1-based), frames, lattice coverage, files, its box
     * [x0, x0 + width) × [y0, y0 + height) on the global grid, and the exposure (s) its pixels are
     * counts per, NaN when unknown: its file's {@code EXPTIME} ({@link CoaddFiles#tileExposure}),
     * its frames' common one or the one the batch's match put them on.
     */
    record MegaTile(int batch, int frames, double coverage, Path image, Path coverageFile, int x0, int y0,
                    int width, int height, double exposure) {}

    static MegaTile coadd(int batch, int of, SdsBatches.Batch b, List<FitsFrame> frames, WcsGrid global,
                          CoaddParams params, Path dir, BandCoadder backend, Progress progress) throws IOException {
        long t0 = System.nanoTime();
        List<CoaddInput> inputs = new ArrayList<>();
        List<FitsFrame> batchFrames = new ArrayList<>();
        for (int i : b.frames()) {
            inputs.add(CoaddFiles.frameInput(frames.get(i))); // with its exposure: the batch's frames put on one
            batchFrames.add(frames.get(i));
        }
        MosaicProvenance about = MosaicProvenance.ofFrames(batchFrames); // a mega-tile says what it holds, as a master tile
        Path image = dir.resolve(files(batch).get(0)), cov = dir.resolve(files(batch).get(1));
        List<FitsImageWriter> open = new ArrayList<>();
        ReprojectCoadd.Result res;
        try {
            res = ReprojectCoadd.run(inputs, global, params.withSteps(false, params.intertilePhotometricMatch(),
                    params.matchBackground(), params.twoPassCoverageRenorm()), plan -> {
                WcsGrid g = plan.grid();
                int channels = plan.channels();
                // Frames of other exposures are put on one by the match: the mega-tile says which.
                FitsImageWriter m = new FitsImageWriter(image, g.width(), g.height(), channels,
                        CoaddFiles.header(g, inputs.size(), "SDS mega-tile " + batch, about.inUnitOf(plan.exposure())),
                        FitsImageWriter.AlphaMode.NONE);
                open.add(m);
                FitsImageWriter c = new FitsImageWriter(cov, g.width(), g.height(), 1,
                        CoaddFiles.header(g, inputs.size(), "coverage: sum of weights"), FitsImageWriter.AlphaMode.NONE);
                open.add(c);
                return new ReprojectCoadd.Sinks(m, c);
            }, progress, backend);
            for (FitsImageWriter w : open) w.close();
        } catch (IOException | RuntimeException | Error e) {
            for (FitsImageWriter w : open) w.abort();
            throw e;
        }
        int[] at = offset(res.grid(), global);
        MegaTile t = new MegaTile(batch, b.frames().size(), b.coverage(), image, cov, at[0], at[1],
                res.grid().width(), res.grid().height(), CoaddFiles.tileExposure(FitsFrame.open(image)));
        LOG.info(String.format(Locale.ROOT, "[SDS] batch %d/%d: %d frame(s), coverage %.1f%%: mega-tile %dx%d at (%d, %d)"
                + " of the global grid in %.2f s", batch, of, t.frames(), 100 * t.coverage(), t.width(), t.height(), t.x0(),
                t.y0(), (System.nanoTime() - t0) / 1e9));
        return t;
    }

    /** The files of mega-tile {@code batch} (1-based): {@code megatile_001.fits}, then its {@code megatile_001_coverage.fits}. */
    static List<String> files(int batch) {
        String stem = String.format(Locale.ROOT, "megatile_%03d", batch);
        return List.of(stem + ".fits", stem + "_coverage.fits");
    }

    /**
     * Mega-tile {@code batch} as an earlier run wrote it in {@code dir} (the run manifest has
     * verified its files): its box on the global grid read back from its WCS and size.
     */
    static MegaTile open(int batch, SdsBatches.Batch b, WcsGrid global, Path dir) throws IOException {
        Path image = dir.resolve(files(batch).get(0)), cov = dir.resolve(files(batch).get(1));
        FitsFrame f = FitsFrame.open(image);
        int[] at = offset(new WcsGrid(f.wcs(), f.width(), f.height()), global);
        MegaTile t = new MegaTile(batch, b.frames().size(), b.coverage(), image, cov, at[0], at[1], f.width(), f.height(),
                CoaddFiles.tileExposure(f));
        LOG.fine(String.format(Locale.ROOT, "[SDS] mega-tile %d taken from the earlier run: %dx%d at (%d, %d) of the global grid",
                batch, t.width(), t.height(), t.x0(), t.y0()));
        return t;
    }

    /** Where pixel (0, 0) of {@code crop} (a crop of {@code global}, so a whole-pixel shift) lies on {@code global}. */
    static int[] offset(WcsGrid crop, WcsGrid global) {
        double[] sky = new double[2], p = new double[2];
        crop.wcs().pixelToWorld(0, 0, sky);
        global.wcs().worldToPixel(sky[0], sky[1], p);
        return new int[] {(int) Math.round(p[0]), (int) Math.round(p[1])};
    }
}

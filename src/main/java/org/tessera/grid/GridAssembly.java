package org.tessera.grid;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.logging.Logger;

import org.tessera.Progress;
import org.tessera.config.Config;
import org.tessera.io.FitsFrame;
import org.tessera.io.Frame;
import org.tessera.reproject.CoaddFiles;
import org.tessera.reproject.CoaddInput;
import org.tessera.reproject.CoaddParams;
import org.tessera.reproject.CpuBandCoadder;
import org.tessera.reproject.MosaicProvenance;
import org.tessera.reproject.ReprojectCoadd;
import org.tessera.wcs.WcsGrid;

/**
 * Assembles Grid tiles onto the global grid with the Phase 5 engine ({@link ReprojectCoadd}): its
 * inter-tile photometric matching stands in for the original's damped-Jacobi gains (one shared
 * mechanism), its alpha-weighted coadd for the ramps. The master-tile crop is off: Grid tiles are
 * not master tiles, and cropping them would cut the mosaic's own edges. Writes
 * {@code mosaic_grid.fits} (+ ALPHA, with the observation cards of the tiles' frames),
 * {@code mosaic_grid_coverage.fits} and a PNG preview.
 */
final class GridAssembly {
    private GridAssembly() {}

    private static final Logger LOG = Logger.getLogger("org.tessera.grid");

    static final CoaddFiles.Names NAMES = new CoaddFiles.Names("mosaic_grid.fits", "mosaic_grid_coverage.fits",
            "mosaic_grid_preview.png");

    /**
     * @param frames the frames of the tiles written, each once: the mosaic's observation cards are
     *               theirs ({@link MosaicProvenance#ofFrames}), since overlapping tiles share frames;
     *               its {@code EXPTIME}, where the frames' exposures differ, the unit the tiles share
     *               ({@link MosaicProvenance#inUnitOfImages}) or the one the coadd put them on
     * @param coadd  the bar of the coadd; {@code save}: of the writing after it (background extraction, preview)
     */
    static CoaddFiles.Written assemble(List<Path> tiles, List<? extends Frame> frames, WcsGrid global, Path dir,
                                       Config config, Progress coadd, Progress save) throws IOException {
        List<CoaddInput> inputs = new ArrayList<>();
        for (Path t : tiles) inputs.add(CoaddFiles.input(FitsFrame.open(t)));
        CoaddParams base = CoaddParams.fromConfig(config);
        CoaddParams params = base.withSteps(false, base.intertilePhotometricMatch(), base.matchBackground(),
                base.twoPassCoverageRenorm());
        CoaddFiles.Written w = CoaddFiles.write(inputs, global, params, dir, NAMES, "Grid mode mosaic", config,
                coadd, save, CpuBandCoadder.INSTANCE, ReprojectCoadd.Bands.LOCAL,
                MosaicProvenance.ofFrames(frames).inUnitOfImages(inputs));
        LOG.info(String.format(Locale.ROOT, "[GRID] mosaic %dx%d from %d tile(s) written: %s", w.result().grid().width(),
                w.result().grid().height(), tiles.size(), w.mosaic()));
        save.update(1, "Grid mosaic written");
        return w;
    }
}

package org.tessera.grid;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.logging.Logger;

import nom.tam.fits.Header;
import nom.tam.fits.HeaderCardException;

import org.tessera.Progress;
import org.tessera.config.Config;
import org.tessera.io.FitsFrame;
import org.tessera.io.FitsImageWriter;
import org.tessera.io.PreviewPng;
import org.tessera.reproject.CoaddInput;
import org.tessera.reproject.CoaddParams;
import org.tessera.reproject.ReprojectCoadd;
import org.tessera.tiles.TileHeaders;
import org.tessera.wcs.WcsGrid;

/**
 * Assembles Grid tiles onto the global grid with the Phase 5 engine ({@link ReprojectCoadd}): its
 * inter-tile photometric matching stands in for the original's damped-Jacobi gains (one shared
 * mechanism), its alpha-weighted coadd for the ramps. The master-tile crop is off: Grid tiles are
 * not master tiles, and cropping them would cut the mosaic's own edges. Writes
 * {@code mosaic_grid.fits} (+ ALPHA), {@code mosaic_grid_coverage.fits} and a PNG preview.
 */
final class GridAssembly {
    private GridAssembly() {}

    private static final Logger LOG = Logger.getLogger("org.tessera.grid");

    static final String MOSAIC = "mosaic_grid.fits", COVERAGE = "mosaic_grid_coverage.fits",
            PREVIEW = "mosaic_grid_preview.png";

    record Written(Path mosaic, Path coverage, Path preview, ReprojectCoadd.Result result) {}

    static Written assemble(List<Path> tiles, WcsGrid global, Path dir, Config config, Progress progress)
            throws IOException {
        List<CoaddInput> inputs = new ArrayList<>();
        for (Path t : tiles) {
            FitsFrame f = FitsFrame.open(t);
            String nf = f.keys().get(TileHeaders.NFRAMES);
            inputs.add(new CoaddInput(f.name(), f, f.alpha(), f.wcs(), nf == null ? 1 : Double.parseDouble(nf.trim())));
        }
        CoaddParams base = CoaddParams.fromConfig(config);
        CoaddParams params = base.withSteps(false, base.intertilePhotometricMatch(), base.matchBackground(),
                base.twoPassCoverageRenorm());
        Path mosaic = dir.resolve(MOSAIC), coverage = dir.resolve(COVERAGE);
        List<FitsImageWriter> open = new ArrayList<>();
        ReprojectCoadd.Result res;
        try {
            res = ReprojectCoadd.run(inputs, global, params, (g, channels) -> {
                FitsImageWriter m = new FitsImageWriter(mosaic, g.width(), g.height(), channels,
                        header(g, tiles.size(), "Grid mode mosaic"), FitsImageWriter.AlphaMode.FROM_NAN);
                open.add(m);
                FitsImageWriter c = new FitsImageWriter(coverage, g.width(), g.height(), 1,
                        header(g, tiles.size(), "coverage: sum of weights"), FitsImageWriter.AlphaMode.NONE);
                open.add(c);
                return new ReprojectCoadd.Sinks(m, c);
            }, progress.sub(0, 0.9));
            for (FitsImageWriter w : open) w.close();
        } catch (IOException | RuntimeException | Error e) {
            for (FitsImageWriter w : open) w.abort();
            throw e;
        }
        LOG.info(String.format(Locale.ROOT, "[GRID] mosaic %dx%d from %d tile(s) written: %s", res.grid().width(),
                res.grid().height(), tiles.size(), mosaic));
        Path preview = dir.resolve(PREVIEW);
        PreviewPng.write(FitsFrame.open(mosaic), FitsFrame.open(coverage), preview,
                config.getDouble("preview_png_p_low"), config.getDouble("preview_png_p_high"),
                config.getDouble("preview_png_asinh_a"), config.getInt("preview_png_max_dim"));
        progress.update(1, "Grid mosaic written");
        return new Written(mosaic, coverage, preview, res);
    }

    private static Header header(WcsGrid g, int tiles, String what) throws IOException {
        Header h = new Header();
        try {
            g.wcs().writeTo(h);
            h.addValue("ORIGIN", "Tessera", "software");
            h.addValue("NTILES", tiles, "Grid tiles coadded");
            h.addValue("CONTENT", what, null);
        } catch (HeaderCardException e) {
            throw new IOException("cannot build output header: " + e.getMessage(), e);
        }
        return h;
    }
}

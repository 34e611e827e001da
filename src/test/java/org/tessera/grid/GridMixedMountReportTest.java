package org.tessera.grid;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tessera.Progress;
import org.tessera.command.OutcomeReport;
import org.tessera.io.MountMode;
import org.tessera.pipeline.MosaicPipeline;
import org.tessera.pipeline.MosaicPipeline.Outcome;
import org.tessera.synth.SyntheticSky;

/**
 * Grid mode with EQ and ALT_AZ frames writes two mosaics: the lines every front prints at the end
 * (what scripts read, also with --quiet) must name both, and each tiles/ folder with its own count.
 */
class GridMixedMountReportTest {

    @Test
    void bothMountsMosaicsAndTileFoldersAreReported(@TempDir Path dir) throws Exception {
        SyntheticSky sky = GridFixtures.sky().framesPerPanel(1).panelMount(2, MountMode.ALT_AZ).panelMount(3, MountMode.ALT_AZ);
        List<Path> files = sky.writeFits(dir.resolve("frames"));
        Path csv = GridFixtures.plan(dir, files, sky.exposureSeconds(), null);
        Path out = dir.resolve("out");
        Outcome o = MosaicPipeline.grid(csv, out, GridFixtures.config(2), Progress.NONE);

        Path eq = out.resolve("grid_EQ"), altaz = out.resolve("grid_ALTZ");
        long eqTiles, altazTiles;
        try (var s = Files.list(eq.resolve("tiles"))) { eqTiles = s.count(); }
        try (var s = Files.list(altaz.resolve("tiles"))) { altazTiles = s.count(); }
        assertEquals(eqTiles + altazTiles, o.masterTiles().size());
        Path log = out.resolve("tessera.log");
        assertEquals(List.of(
                "mosaic:   " + eq.resolve("mosaic_grid.fits"),
                "coverage: " + eq.resolve("mosaic_grid_coverage.fits"),
                "preview:  " + eq.resolve("mosaic_grid_preview.png"),
                "mosaic:   " + altaz.resolve("mosaic_grid.fits"),
                "coverage: " + altaz.resolve("mosaic_grid_coverage.fits"),
                "preview:  " + altaz.resolve("mosaic_grid_preview.png"),
                "tiles:    " + eqTiles + " in " + eq.resolve("tiles"),
                "tiles:    " + altazTiles + " in " + altaz.resolve("tiles"),
                "log:      " + log), OutcomeReport.outputs(o, log));
        for (String f : List.of("mosaic_grid.fits", "mosaic_grid_coverage.fits", "mosaic_grid_preview.png"))
            assertEquals(true, Files.isRegularFile(altaz.resolve(f)), f);
    }
}

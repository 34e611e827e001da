package org.tessera.reproject;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tessera.Progress;
import org.tessera.cli.Main;
import org.tessera.command.Jobs;
import org.tessera.config.Config;
import org.tessera.pipeline.MosaicPipeline;
import org.tessera.pipeline.MosaicPipeline.NotApplied;
import org.tessera.pipeline.MosaicPipeline.Outcome;
import org.tessera.wcs.FitsWcs;

/**
 * A whole run whose final background extraction fails: {@link MosaicPipeline#reproject} on two
 * master tiles, the command line on the same, Grid mode (two mounts, two mosaics) and SDS mode,
 * with the extraction's fit made to fail by
 * {@link CoaddBackground#withSteps} (the package's test seam: the pipeline passes no DBE strategy
 * down, and none a user could set). The mosaic is kept as coadded with {@code DBE = F}, the
 * outcome names the step not applied (not a skipped input), and the command line exits 1 with
 * that wording.
 */
class DbeFailureRunTest {

    private static final int W = 120, H = 90;
    private static final String STAGE = "the background fit failed";
    /** How the run words the fit's out of memory. */
    private static final String REASON = org.tessera.UserMessages.describe(new OutOfMemoryError("Java heap space"));

    /** Two overlapping colour tiles with a sky gradient, as master tiles of 6 frames each. */
    private static List<Path> tiles(Path dir) throws IOException {
        Path in = Files.createDirectories(dir.resolve("tiles"));
        Path[] files = new Path[2];
        for (int t = 0; t < 2; t++) {
            FitsWcs wcs = TestSkies.tan(150 + t * 0.02, 20, 2, 0, W, H); // 0.02° ≈ 34 px apart
            float[][][] img = new float[3][H][W];
            for (int c = 0; c < 3; c++)
                for (int y = 0; y < H; y++)
                    for (int x = 0; x < W; x++) img[c][y][x] = 100 + 10 * c + 0.3f * x + 0.2f * y + (float) Math.sin(x * 0.7 + y * 1.3 + t);
            files[t] = ZeMosaicTileFixture.write(in.resolve(String.format("master_tile_%03d.fits", t + 1)), wcs, img, null,
                    t + 1, 6, 6, 6, null);
        }
        return List.of(files);
    }

    private static Config config(boolean dbe) {
        return new Config().put("final_mosaic_dbe_enabled", dbe).put("final_mosaic_dbe_sample_step", 8).put("preview_png_max_dim", 90);
    }

    private static Outcome reproject(Path out, List<Path> tiles, boolean dbe, CoaddBackground.Steps steps) throws Exception {
        return CoaddBackground.withSteps(steps, () -> MosaicPipeline.reproject(out, tiles, config(dbe), Progress.NONE));
    }

    @Test
    void theMosaicIsKeptAsCoaddedAndTheOutcomeNamesTheStepNotApplied(@TempDir Path dir) throws Exception {
        List<Path> tiles = tiles(dir);
        Outcome off = reproject(dir.resolve("off"), tiles, false, CoaddBackground.STEPS);
        Outcome on = reproject(dir.resolve("on"), tiles, true, CoaddBackground.STEPS);
        assertFalse(java.util.Arrays.equals(DbeFailureTest.afterHeader(off.mosaic()), DbeFailureTest.afterHeader(on.mosaic())),
                "the extraction changes this mosaic when it runs");
        assertTrue(DbeFailureTest.headerText(on.mosaic()).contains(String.format("%-30s", "DBE     =                    T")));

        Outcome failed = reproject(dir.resolve("failed"), tiles, true, DbeFailureTest.fitThrows(new OutOfMemoryError("Java heap space")));
        Path mosaic = dir.resolve("failed").resolve(MosaicPipeline.MOSAIC);
        assertEquals(mosaic, failed.mosaic());
        assertArrayEquals(DbeFailureTest.afterHeader(off.mosaic()), DbeFailureTest.afterHeader(mosaic),
                "kept as coadded: the pixels and ALPHA of the run with DBE off, bit for bit");
        assertEquals(-1, Files.mismatch(off.coverage(), failed.coverage()), "the coverage as usual");
        assertEquals(-1, Files.mismatch(off.preview(), failed.preview()), "the preview of the uncorrected mosaic");
        String header = DbeFailureTest.headerText(mosaic);
        assertTrue(header.contains(String.format("%-80s", "DBE     =                    F / final background extraction failed")
                + String.format("%-80s", "HISTORY  DBE not applied: " + STAGE + ": out of memory")), header);
        assertEquals(List.of(new NotApplied(mosaic, "final background extraction (DBE)",
                STAGE + ": " + REASON + "; the mosaic was kept without it")),
                failed.notApplied());
        assertEquals(List.of(), failed.skipped(), "no input was set aside");
    }

    /**
     * Grid mode with EQ and ALT_AZ frames writes two mosaics: a failed extraction on each is one step
     * not applied per mosaic in the merged outcome (none lost, none a skipped input), and one
     * summary line naming the step once.
     */
    @Test
    void gridModesTwoMosaicsEachReportTheirStepNotApplied(@TempDir Path dir) throws Exception {
        // The field of the Grid tests: 4×2 panels of noiseless RGB frames, panels 3 and 4 ALT_AZ.
        org.tessera.synth.SyntheticSky sky = new org.tessera.synth.SyntheticSky().seed(7).panels(4, 2).overlap(0.35)
                .framesPerPanel(1).frameSize(96, 72).pixelScale(2.4).output(org.tessera.synth.SyntheticSky.Output.RGB_FLOAT)
                .perfectCamera().nebula(0).sky(30).gradient(0.15).starDensity(1.2).starFlux(500, 40000, 0.75).psfFwhm(3.0)
                .gaussianPsf().panelMount(2, org.tessera.io.MountMode.ALT_AZ).panelMount(3, org.tessera.io.MountMode.ALT_AZ);
        StringBuilder plan = new StringBuilder("file_path,exptime\n");
        for (Path f : sky.writeFits(dir.resolve("frames"))) plan.append(dir.relativize(f)).append(',').append(sky.exposureSeconds()).append('\n');
        Path csv = Files.writeString(dir.resolve("stack_plan.csv"), plan);
        Config c = new Config().put("grid_workers", 2).put("grid_size_factor", 1.7).put("batch_overlap_pct", 60)
                .put("final_mosaic_dbe_enabled", true);
        Path out = dir.resolve("out");
        Outcome o = CoaddBackground.withSteps(DbeFailureTest.fitThrows(new java.io.IOException("read error")),
                () -> MosaicPipeline.grid(csv, out, c, Progress.NONE));
        String why = STAGE + ": read error; the mosaic was kept without it";
        assertEquals(List.of(new NotApplied(out.resolve("grid_EQ").resolve("mosaic_grid.fits"), CoaddBackground.STEP, why),
                new NotApplied(out.resolve("grid_ALTZ").resolve("mosaic_grid.fits"), CoaddBackground.STEP, why)), o.notApplied());
        assertEquals(List.of(), o.skipped());
        for (NotApplied n : o.notApplied())
            assertTrue(DbeFailureTest.headerText(n.output()).contains(String.format("%-30s", "DBE     =                    F")), n.output().toString());
        Path log = out.resolve("tessera.log");
        assertEquals(List.of("2 steps not applied: final background extraction (DBE); see above and " + log),
                org.tessera.command.OutcomeReport.summary(o, log));
    }

    /** SDS mode's mosaic (its mega-tiles stacked): the same, its frames all in, none reported skipped. */
    @Test
    void sdsModesMosaicReportsItsStepNotApplied(@TempDir Path dir) throws Exception {
        // The field of the SDS tests: one pointing shot 15 times.
        org.tessera.synth.SyntheticSky sky = new org.tessera.synth.SyntheticSky().seed(20261206L).centre(150.0, 40.0)
                .panels(1, 1).framesPerPanel(15).frameSize(240, 180).pixelScale(2.4).mount(org.tessera.io.MountMode.EQ).dither(4)
                .psfFwhm(3.5).gradient(0).starDensity(1.2).starFlux(300, 60000, 0.5).gainVariation(0.03).offsetVariation(20)
                .output(org.tessera.synth.SyntheticSky.Output.RGB_FLOAT);
        sky.writeFits(dir.resolve("frames"));
        Config c = new Config().put("sds_mode_default", true).put("final_mosaic_dbe_enabled", true)
                .put("preview_png_enabled", false).put("hot_pixel_correction", false);
        Path out = dir.resolve("out");
        Outcome o = CoaddBackground.withSteps(DbeFailureTest.fitThrows(new java.io.IOException("cannot read the cells")),
                () -> MosaicPipeline.mosaic(List.of(dir.resolve("frames")), out, c, Progress.NONE));
        assertEquals(List.of(), o.masterTiles(), "SDS ran (no master tile)");
        assertEquals(List.of(new NotApplied(out.resolve(MosaicPipeline.MOSAIC), CoaddBackground.STEP,
                STAGE + ": cannot read the cells; the mosaic was kept without it")), o.notApplied());
        assertEquals(List.of(), o.skipped(), "every frame is in the mosaic");
        assertTrue(DbeFailureTest.headerText(o.mosaic()).contains(String.format("%-30s", "DBE     =                    F")));
    }

    @Test
    void theCommandLineExitsOneAndNamesTheStepNotAppliedNotASkippedInput(@TempDir Path dir) throws Exception {
        List<Path> tiles = tiles(dir);
        CoaddBackground.Steps oom = DbeFailureTest.fitThrows(new OutOfMemoryError("Java heap space"));
        Jobs failing = new Jobs() {
            @Override
            public Outcome mosaic(List<Path> inputs, Path outputDir, Config config, Progress progress) {
                throw new UnsupportedOperationException();
            }

            @Override
            public Outcome stack(Path output, List<Path> frames, Config config, Progress progress) {
                throw new UnsupportedOperationException();
            }

            @Override
            public Outcome reproject(Path outputDir, List<Path> images, Config config, Progress progress) throws IOException {
                try {
                    return CoaddBackground.withSteps(oom, () -> Jobs.PIPELINE.reproject(outputDir, images, config, progress));
                } catch (IOException | RuntimeException e) {
                    throw e;
                } catch (Exception e) {
                    throw new AssertionError(e);
                }
            }
        };
        Path out = dir.resolve("out");
        ByteArrayOutputStream o = new ByteArrayOutputStream(), e = new ByteArrayOutputStream();
        int rc = new Main(failing).run(new String[] {"-q", "reproject", "--set", "final_mosaic_dbe_enabled=true", "--set", "final_mosaic_dbe_sample_step=8", out.toString(),
                tiles.get(0).toString(), tiles.get(1).toString()},
                new PrintStream(o, true, StandardCharsets.UTF_8), new PrintStream(e, true, StandardCharsets.UTF_8));
        String err = e.toString(StandardCharsets.UTF_8);
        assertEquals(Main.SKIPPED, rc, err);
        assertEquals(1, rc);
        Path mosaic = out.resolve(MosaicPipeline.MOSAIC).toAbsolutePath();
        assertTrue(err.contains(" WARNING [cli] " + mosaic + ": final background extraction (DBE) not applied, " + STAGE + ": "
                + REASON + "; the mosaic was kept without it\n"), err);
        assertTrue(err.contains(" WARNING [cli] 1 step not applied: final background extraction (DBE); see above and "
                + out.toAbsolutePath().resolve("tessera.log") + "\n"), err);
        assertFalse(err.contains("skipped"), "not an input: " + err);
        assertTrue(o.toString(StandardCharsets.UTF_8).contains("mosaic:   " + mosaic), "the mosaic is named among the outputs");
        assertTrue(DbeFailureTest.headerText(mosaic).contains(String.format("%-30s", "DBE     =                    F")));
    }
}

package org.tessera.grid;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tessera.cli.Main;
import org.tessera.command.Jobs;
import org.tessera.io.FitsFrame;
import org.tessera.synth.SyntheticSky;

/**
 * Grid mode through the command line, as a user runs it: {@code tessera mosaic FOLDER OUT} with
 * a {@code stack_plan.csv} in FOLDER (or the CSV named directly) runs Grid mode; a failing tile
 * is named with its reason and the run exits 1 (inputs skipped), with the mosaic made.
 */
class GridFrontTest {

    @TempDir
    Path dir;

    private int run(ByteArrayOutputStream out, String... args) {
        return new Main(Jobs.PIPELINE).run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
    }

    private Path config() throws IOException {
        Path c = dir.resolve("grid.json");
        GridFixtures.config(2).save(c);
        return c;
    }

    @Test
    void aFolderWithAStackPlanRunsGridMode() throws IOException {
        List<Path> files = GridFixtures.sky().writeFits(dir.resolve("frames"));
        GridFixtures.plan(dir, files, 10, null);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int rc = run(out, "mosaic", "-q", "--config", config().toString(), dir.toString(), dir.resolve("out").toString());
        String text = out.toString(StandardCharsets.UTF_8);
        assertEquals(Main.OK, rc, text);
        Path mosaic = dir.resolve("out/mosaic_grid.fits");
        assertTrue(text.contains("mosaic:   " + mosaic.toAbsolutePath()), text);
        assertTrue(FitsFrame.open(mosaic).hasAlpha());
        assertTrue(Files.isRegularFile(dir.resolve("out/mosaic_grid_coverage.fits")));
        assertTrue(text.matches("(?s).*tiles: +\\d+ in .*tiles.*"), text);
        assertTrue(Files.readString(dir.resolve("out/tessera.log")).contains("[GRID] workers=2"), "log file has the Grid tags");
        // Classic mode was not run: no master tiles.
        assertTrue(Files.notExists(dir.resolve("out/master_tiles")));
    }

    @Test
    void theCsvItselfCanBeNamedAndSkippedFramesExitWithOne() throws IOException {
        SyntheticSky sky = GridFixtures.sky();
        List<Path> files = new ArrayList<>(sky.writeFits(dir.resolve("frames")));
        files.add(GridFixtures.monoFrame(dir.resolve("frames/mono.fits"), FitsFrame.open(files.get(0)).wcs(), 12, 12));
        Path csv = GridFixtures.plan(dir, files, sky.exposureSeconds(), null);
        Path renamed = Files.move(csv, dir.resolve("night1.csv"));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int rc = run(out, "mosaic", "--config", config().toString(), renamed.toString(), dir.resolve("out").toString());
        String text = out.toString(StandardCharsets.UTF_8);
        assertEquals(Main.SKIPPED, rc, text);
        String log = Files.readString(dir.resolve("out/tessera.log"));
        // The mono frame among colour frames is set aside alone (it used to fail its tiles).
        assertTrue(log.matches("(?s).*skipped .*mono\\.fits: mono \\(1-channel\\) frame among 16 colour.*"), log);
        assertFalse(log.contains("tile failed"), log);
        assertTrue(Files.isRegularFile(dir.resolve("out/mosaic_grid.fits")));
    }
}

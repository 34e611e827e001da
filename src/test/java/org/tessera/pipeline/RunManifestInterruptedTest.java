package org.tessera.pipeline;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tessera.Logged;
import org.tessera.config.Config;
import org.tessera.io.Frame;

/**
 * A run stopped after it wrote mosaic.fits (Ctrl-C during the preview), rerun as it was: its
 * mosaic files are its own unfinished work, made again, not "an earlier, different run" whose
 * files replace the previous-run/ of a run that really was different.
 */
class RunManifestInterruptedTest {

    @TempDir
    Path out;

    RunManifest begin(Frame a, Config c) throws IOException {
        return RunManifest.begin(out, Files.createDirectories(out.resolve(MosaicPipeline.TILES_DIR)), RunManifest.MASTER_TILES,
                List.of(new RunManifest.Unit(0, List.of(a), List.of("master_tile_000.fits"))), Map.of(), c);
    }

    /** A run that makes its tile and writes the mosaic files, then completes or is stopped. */
    void run(Frame a, Config c, String mosaic, boolean completes) throws IOException {
        RunManifest m = begin(a, c);
        if (m.reused().isEmpty()) {
            Files.writeString(out.resolve(MosaicPipeline.TILES_DIR).resolve("master_tile_000.fits"), "tile");
            m.done(0, false);
        }
        for (String n : List.of(MosaicPipeline.MOSAIC, MosaicPipeline.COVERAGE)) Files.writeString(out.resolve(n), mosaic);
        if (completes) m.complete();
    }

    @Test
    void theInterruptedRunsMosaicIsMadeAgainAndTheDifferentRunsStaysAside() throws IOException {
        Frame a = RunManifestPiecesTest.frame("a", 40);
        run(a, new Config(), "mosaic of run A", true);
        // run B, other Phase 5 settings: A's mosaic is another run's result, moved aside
        Config b = new Config().put("final_mosaic_dbe_enabled", false);
        List<String> logB = Logged.during("org.tessera.pipeline", () -> run(a, b, "mosaic of run B", false));
        assertTrue(logB.stream().anyMatch(s -> s.startsWith("[P3] 3 file(s) of an earlier, different run")), logB.toString());
        Path prev = out.resolve(RunManifest.PREVIOUS);
        assertEquals("mosaic of run A", Files.readString(prev.resolve(MosaicPipeline.MOSAIC)));

        // B stopped after writing its mosaic files; B again, unchanged
        List<String> log = Logged.during("org.tessera.pipeline", () -> assertEquals(1, begin(a, b).reused().size()));
        assertTrue(log.contains("[P3] mosaic.fits, mosaic_coverage.fits of the interrupted run removed: this run makes them again"),
                log.toString());
        assertFalse(log.stream().anyMatch(s -> s.contains("different run")), log.toString());
        assertFalse(Files.exists(out.resolve(MosaicPipeline.MOSAIC)), "an unfinished mosaic never looks current");
        assertFalse(Files.exists(out.resolve(MosaicPipeline.COVERAGE)));
        assertEquals("mosaic of run A", Files.readString(prev.resolve(MosaicPipeline.MOSAIC)), "run A's files are kept");
        assertEquals("tile", Files.readString(out.resolve(MosaicPipeline.TILES_DIR).resolve("master_tile_000.fits")));
    }

    /**
     * Run B stopped between writing its tile and recording it (kill -9, a power cut), or its tile
     * changed since: on the rerun that tile is B's own, made again in place, never "an earlier,
     * different run" moved into previous-run/, where it would replace run A's files.
     */
    @Test
    void anUnrecordedOrChangedTileOfThisRunIsMadeAgainAndPreviousRunKeepsTheOtherRun() throws IOException {
        Frame a = RunManifestPiecesTest.frame("a", 40);
        run(a, new Config(), "mosaic of run A", true);
        Config b = new Config().put("stacking_kappa_low", 2.5); // another tile: A's tile and mosaic moved aside
        Path tile = out.resolve(MosaicPipeline.TILES_DIR).resolve("master_tile_000.fits");
        Path prev = out.resolve(RunManifest.PREVIOUS);
        assertTrue(begin(a, b).reused().isEmpty());
        assertEquals("tile", Files.readString(prev.resolve(MosaicPipeline.TILES_DIR).resolve("master_tile_000.fits")));
        Files.writeString(tile, "tile of B, written, not recorded"); // B stopped here

        for (String why : List.of("not recorded as finished", "checksum differs")) {
            List<String> log = Logged.during("org.tessera.pipeline", () -> {
                RunManifest m = begin(a, b);
                assertTrue(m.reused().isEmpty(), why);
                assertFalse(Files.exists(tile), why + ": removed, to be made again");
                Files.writeString(tile, "tile of B");
                m.done(0, false);
            });
            assertTrue(log.contains("[P3] master_tile_000.fits of the earlier run is made again: " + why), log.toString());
            assertFalse(log.stream().anyMatch(l -> l.contains("different run")), log.toString());
            assertEquals("mosaic of run A", Files.readString(prev.resolve(MosaicPipeline.MOSAIC)), why + ": run A's files are kept");
            assertEquals("tile", Files.readString(prev.resolve(MosaicPipeline.TILES_DIR).resolve("master_tile_000.fits")), why);
            Files.writeString(tile, "tile of b"); // its size, another checksum
        }
    }

    /**
     * A user who changed one key, added a frame or deleted a tile between two runs saw only "8
     * file(s) of an earlier, different run … moved" (or, for a deleted tile, "1 to make" and no
     * word of which): now each line says what is made again and why.
     */
    @Test
    void whatIsMadeAgainAndWhyIsSaid() throws IOException {
        Frame a = RunManifestPiecesTest.frame("a", 40), b = RunManifestPiecesTest.frame("b", 41);
        run(a, new Config(), "mosaic 1", true);
        String moved = " file(s) of an earlier, different run (master tiles or mega-tiles, mosaic) moved to "
                + out.resolve(RunManifest.PREVIOUS) + " so they are not mixed with this run's; ";
        Config kappa = new Config().put("stacking_kappa_low", 2.5);
        List<String> log = Logged.during("org.tessera.pipeline", () -> run(a, kappa, "mosaic 2", true));
        assertTrue(log.contains("[P3] 4" + moved + "every master tile is made again: setting(s) changed: "
                + "stacking_kappa_low 3 -> 2.5"), log.toString());

        Config dbe = new Config().put("stacking_kappa_low", 2.5).put("final_mosaic_dbe_enabled", false);
        log = Logged.during("org.tessera.pipeline", () -> run(a, dbe, "mosaic 3", true));
        assertTrue(log.contains("[P3] 3" + moved + "the master tiles are reused, the mosaic is made again: "
                + "setting(s) changed: final_mosaic_dbe_enabled true -> false"), log.toString());

        log = Logged.during("org.tessera.pipeline", () -> {
            RunManifest m = RunManifest.begin(out, out.resolve(MosaicPipeline.TILES_DIR), RunManifest.MASTER_TILES,
                    List.of(new RunManifest.Unit(0, List.of(a, b), List.of("master_tile_000.fits"))), Map.of(), dbe);
            assertTrue(m.reused().isEmpty());
        });
        assertTrue(log.contains("[P3] 4" + moved + "every master tile is made again: 1 frame(s) added: b"), log.toString());

        run(a, dbe, "mosaic 4", true);
        Files.delete(out.resolve(MosaicPipeline.TILES_DIR).resolve("master_tile_000.fits"));
        log = Logged.during("org.tessera.pipeline", () -> assertTrue(begin(a, dbe).reused().isEmpty()));
        assertTrue(log.contains("[P3] master_tile_000.fits of the earlier run is made again: file missing"), log.toString());

        run(a, dbe, "mosaic 5", true);
        log = Logged.during("org.tessera.pipeline", () -> RunManifest.begin(out, Files.createDirectories(out.resolve("sds_megatiles")),
                RunManifest.MEGA_TILES, List.of(new RunManifest.Unit(1, List.of(a), List.of("megatile_001.fits"))), Map.of(), dbe));
        assertTrue(log.stream().anyMatch(l -> l.startsWith("[SDS] ") && l.endsWith(" so they are not mixed with this run's; "
                + "every mega-tile is made again: the earlier run was in Classic mode, this one in SDS")), log.toString());
    }
}

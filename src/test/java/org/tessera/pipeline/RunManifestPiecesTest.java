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
import org.tessera.image.FloatImage;
import org.tessera.io.Frame;
import org.tessera.io.InMemoryFrame;
import org.tessera.io.MountMode;
import org.tessera.wcs.FitsWcs;
import org.tessera.wcs.Projection;
import org.tessera.wcs.WcsException;

/**
 * The one resume mechanism for every mode's pieces: a piece is reused only when its frames, their
 * WCS, its files (companions included) and the run's context are what the manifest recorded; a
 * manifest of another mode is another run.
 */
class RunManifestPiecesTest {

    @TempDir
    Path out;

    static Frame frame(String name, double dec) {
        try {
            return new InMemoryFrame(name, new FloatImage(20, 10, 1), new FitsWcs(Projection.forCode("TAN"), 10.5, 5.5, 150, dec,
                    -0.001, 0, 0, 0.001), MountMode.EQ, 1.0, Map.of());
        } catch (WcsException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Two pieces of two files each, the second being the first one's companion (an SDS mega-tile and its coverage). */
    static List<RunManifest.Unit> units(Frame a, Frame b) {
        return List.of(new RunManifest.Unit(1, List.of(a), List.of("megatile_001.fits", "megatile_001_coverage.fits")),
                new RunManifest.Unit(2, List.of(b), List.of("megatile_002.fits", "megatile_002_coverage.fits")));
    }

    RunManifest begin(List<RunManifest.Unit> units, String grid, Config c) throws IOException {
        return RunManifest.begin(out, out.resolve("sds_megatiles"), RunManifest.MEGA_TILES, units, Map.of("global_grid", grid), c);
    }

    /** A run that finishes piece 1 only. */
    void finishOne(Frame a, Frame b) throws IOException {
        RunManifest m = begin(units(a, b), "g1", new Config());
        write(1);
        m.done(1, false);
    }

    void write(int id) throws IOException {
        Path d = Files.createDirectories(out.resolve("sds_megatiles"));
        Files.writeString(d.resolve("megatile_00" + id + ".fits"), "image " + id);
        Files.writeString(d.resolve("megatile_00" + id + "_coverage.fits"), "coverage " + id);
    }

    @Test
    void piecesAreReusedOnlyWithTheSameFramesWcsFilesAndContext() throws IOException {
        Frame a = frame("a", 40), b = frame("b", 40.001);
        assertEquals(Map.of(), begin(units(a, b), "g1", new Config()).reused());
        finishOne(a, b); // the run stops before piece 2

        List<String> log = Logged.during("org.tessera.pipeline",
                () -> assertEquals(List.of(1), List.copyOf(begin(units(a, b), "g1", new Config()).reused().keySet())));
        assertTrue(log.contains("[SDS] mega-tile 1 reused from the earlier run: megatile_001.fits (1 frame, size and CRC-32 verified)"), log.toString());
        assertTrue(log.contains("[SDS] resume: 1 of 2 mega-tile(s) reused, 1 to make"), log.toString());

        // The same frame name with another WCS (a frame solved again): not the same piece.
        Frame moved = frame("a", 40.0001);
        assertEquals(Map.of(), begin(units(moved, b), "g1", new Config()).reused());
        assertTrue(Files.exists(out.resolve(RunManifest.PREVIOUS).resolve("sds_megatiles").resolve("megatile_001.fits")),
                "moved aside, not lost");

        // A companion changed: the piece is made again.
        finishOne(a, b);
        Files.writeString(out.resolve("sds_megatiles").resolve("megatile_001_coverage.fits"), "coverage X");
        log = Logged.during("org.tessera.pipeline", () -> assertEquals(Map.of(), begin(units(a, b), "g1", new Config()).reused()));
        assertTrue(log.contains("[SDS] megatile_001.fits of the earlier run is made again: megatile_001_coverage.fits: "
                + "checksum differs"), log.toString());

        // Another global grid, a setting of the pieces, or another mode: nothing reused.
        finishOne(a, b);
        assertEquals(Map.of(), begin(units(a, b), "g2", new Config()).reused());
        finishOne(a, b);
        assertEquals(Map.of(), begin(units(a, b), "g1", new Config().put("sds_min_batch_size", 7)).reused());
        finishOne(a, b);
        assertEquals(1, begin(units(a, b), "g1", new Config().put("global_coadd_method", "median")).reused().size(),
                "the combine of the pieces does not change a piece");
        RunManifest classic = RunManifest.begin(out, out.resolve(MosaicPipeline.TILES_DIR), RunManifest.MASTER_TILES,
                List.of(new RunManifest.Unit(1, List.of(a), List.of("master_tile_001.fits"))), Map.of(), new Config());
        assertEquals(Map.of(), classic.reused());
        assertFalse(Files.exists(out.resolve("sds_megatiles")), "another mode's pieces are an earlier, different run's: moved aside");
        assertTrue(Files.exists(out.resolve(RunManifest.PREVIOUS).resolve("sds_megatiles").resolve("megatile_001_coverage.fits")));
    }

    @Test
    void aKilledRunsLeftoversAreRemovedAndFinishedPiecesKept() throws IOException {
        Frame a = frame("a", 40), b = frame("b", 40.001);
        finishOne(a, b); // piece 1 finished; then the JVM was killed while making piece 2:
        Path d = out.resolve("sds_megatiles");
        Files.writeString(d.resolve("megatile_002.fits.part"), "half written");
        Files.writeString(d.resolve("tessera-spool-123.f32"), "a frame's spool, still named");
        Files.writeString(d.resolve("notes.txt"), "the user's");
        assertEquals(List.of(1), List.copyOf(begin(units(a, b), "g1", new Config()).reused().keySet()));
        try (var s = Files.list(d)) {
            assertEquals(List.of("megatile_001.fits", "megatile_001_coverage.fits", "notes.txt"),
                    s.map(p -> p.getFileName().toString()).sorted().toList());
        }
    }

    @Test
    void megaTileSettingsAreThoseOfTheGridTheBatchesAndTheirCoadd() {
        Map<String, Object> s = RunManifest.settings(new Config(), RunManifest.MEGA_TILE_KEY_PREFIXES);
        for (String k : new String[] {"sds_coverage_threshold", "sds_min_batch_size", "sds_target_batch_size",
                "global_wcs_orientation", "global_wcs_pixelscale_mode", "global_wcs_padding_percent", "reproject_kernel",
                "intertile_photometric_match", "match_background_for_final", "hot_pixel_correction", "solver_choice",
                "stacking_demosaic"})
            assertTrue(s.containsKey(k), k + " changes a mega-tile");
        for (String k : new String[] {"global_coadd_method", "global_coadd_k", "sds_min_coverage_keep",
                "global_wcs_autocrop_enabled", "final_mosaic_dbe_enabled", "preview_png_max_dim", "stacking_kappa_low",
                "num_processing_workers", "use_gpu_phase5", "resume"})
            assertFalse(s.containsKey(k), k + " does not change a mega-tile");
    }
}

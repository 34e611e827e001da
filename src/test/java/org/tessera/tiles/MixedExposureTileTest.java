package org.tessera.tiles;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tessera.Logged;
import org.tessera.Progress;
import org.tessera.config.Config;
import org.tessera.io.FitsFrame;
import org.tessera.pipeline.MosaicPipeline;
import org.tessera.reproject.MosaicProvenance;
import org.tessera.synth.PanelFluxes;
import org.tessera.synth.SyntheticSky;

/**
 * A Classic run whose left panel was shot on two nights with other sub-exposures (3 frames of
 * 10 s, 3 of 20 s: one master tile of both) beside a right panel of 20 s only. Before the stack
 * said which unit a linear_fit tile is in, the mixed tile had no {@code EXPTIME}, so the exposure
 * prior was off for the whole run and the match's clamp left the right part 1.28× the left
 * (measured on main, 2026-12-07); now the mixed tile's {@code EXPTIME} is its reference frame's
 * exposure and the two parts agree within 1 % (1.005). With {@code normalize=none} the stack scales
 * no frame: the mixed tile's unit stays unknown, as before.
 */
class MixedExposureTileTest {

    @TempDir
    static Path dir;

    static SyntheticSky ten;
    static MosaicPipeline.Outcome linear, none;
    static List<String> linearLog, noneLog;

    /** One sky; only the exposure differs. */
    static SyntheticSky sky(double seconds) {
        return PanelFluxes.twoPanels("Mixed exposures", seconds);
    }

    static Config config() {
        return new Config().put("preview_png_enabled", false).put("final_mosaic_dbe_enabled", false)
                .put("hot_pixel_correction", false);
    }

    @BeforeAll
    static void runAll() throws IOException {
        ten = sky(10);
        Path frames = Files.createDirectories(dir.resolve("frames"));
        // Left panel: frames 1-3 of 10 s, 4-6 of 20 s; right panel: all 6 of 20 s.
        for (Path f : ten.writeFits(dir.resolve("ten")))
            if (f.getFileName().toString().matches(".*_p1_00[1-3]_.*")) Files.move(f, frames.resolve(f.getFileName()));
        for (Path f : sky(20).writeFits(dir.resolve("twenty")))
            if (!f.getFileName().toString().matches(".*_p1_00[1-3]_.*")) Files.move(f, frames.resolve(f.getFileName()));
        try (var s = Files.list(frames)) {
            assertEquals(12, s.count());
        }
        MosaicPipeline.Outcome[] o = new MosaicPipeline.Outcome[1];
        linearLog = Logged.during("org.tessera", () -> o[0] = MosaicPipeline.mosaic(List.of(frames), dir.resolve("linear"),
                config(), Progress.NONE));
        linear = o[0];
        noneLog = Logged.during("org.tessera", () -> o[0] = MosaicPipeline.mosaic(List.of(frames), dir.resolve("none"),
                config().put("stacking_normalize_method", "none"), Progress.NONE));
        none = o[0];
    }

    /** Median flux / truth (10 s) of the bright isolated stars in each part: [left only, right only, both]. */
    static double[] parts(Path mosaic, String label) throws IOException {
        return PanelFluxes.of(mosaic, ten, 0, 6, "mixed exposures: " + label);
    }

    static Map<String, String> tileKeys(MosaicPipeline.Outcome o, int tile) throws IOException {
        return FitsFrame.open(o.masterTiles().get(tile)).keys();
    }

    @Test
    void aLinearFitTileOfTwoExposuresIsInItsReferencesUnitAndTheRunOnOneScale() throws IOException {
        assertEquals(List.of(), linear.skipped());
        // Before: no EXPTIME on the mixed tile, no prior, right/left 1.28 (the match's clamp).
        double[] m = parts(linear.mosaic(), "linear_fit");
        assertEquals(1, m[1] / m[0], 0.01, "the right-only part (20 s tile) against the left-only part (mixed tile)");
        assertEquals(1, m[2] / m[0], 0.01, "the overlap");
        var mixed = FitsFrame.open(linear.masterTiles().get(0)).header();
        assertEquals("Light_Mixed_exposures_p1_001_10.0s.fit", mixed.getStringValue("MT_REF"), "the 10 s reference");
        assertEquals(10.0, mixed.getDoubleValue("EXPTIME"), 0, "the reference's exposure");
        assertEquals(MosaicProvenance.EXPTIME_SCALED_COMMENT, mixed.findCard("EXPTIME").getComment());
        assertEquals(90.0, mixed.getDoubleValue("EXPTOTAL"), 0, "3 × 10 s + 3 × 20 s");
        var twenty = FitsFrame.open(linear.masterTiles().get(1)).header();
        assertEquals(20.0, twenty.getDoubleValue("EXPTIME"), 0);
        assertEquals(MosaicProvenance.EXPTIME_COMMENT, twenty.findCard("EXPTIME").getComment(), "one exposure: as before");
        assertTrue(linearLog.contains("[P5] exposures [10.0, 20.0] s: tiles put on 20.0 s before matching (gains"
                + " [2.000, 1.000])"), String.join("\n", linearLog));
        var mosaic = FitsFrame.open(linear.mosaic()).header();
        assertEquals(20.0, mosaic.getDoubleValue("EXPTIME"), 0, "counts per 20 s: the exposure most frames have, the longer on a tie");
        assertEquals(MosaicProvenance.EXPTIME_SCALED_COMMENT, mosaic.findCard("EXPTIME").getComment());
    }

    /** A mosaic of the mixed tile alone is in its unit, and says it is a scaled one, not each frame's exposure. */
    @Test
    void aMosaicOfTheMixedTileAloneSaysItsUnitIsScaled() throws IOException {
        MosaicPipeline.Outcome alone = MosaicPipeline.reproject(dir.resolve("alone"), List.of(linear.masterTiles().get(0)),
                config(), Progress.NONE);
        var h = FitsFrame.open(alone.mosaic()).header();
        assertEquals(10.0, h.getDoubleValue("EXPTIME"), 0);
        assertEquals(MosaicProvenance.EXPTIME_SCALED_COMMENT, h.findCard("EXPTIME").getComment());
    }

    /**
     * A mixed tile an earlier version made has no EXPTIME: its run's manifest lacks the context this
     * version records for groups of several exposures, so a rerun makes the tiles again.
     */
    @Test
    void mixedTilesFromBeforeAreMadeAgain() throws IOException {
        Path frames = dir.resolve("frames"), out = dir.resolve("older");
        MosaicPipeline.mosaic(List.of(frames), out, config(), Progress.NONE);
        Path manifest = out.resolve("tessera-run.json");
        String json = Files.readString(manifest);
        String recorded = "\"exposures\": \"tiles of several exposures in their reference's unit: [10.0, 20.0] s\"";
        assertTrue(json.contains(recorded), json);
        List<String> again = Logged.during("org.tessera", () -> MosaicPipeline.mosaic(List.of(frames), out, config(), Progress.NONE));
        assertTrue(again.stream().anyMatch(l -> l.contains("2 of 2 master tile(s) reused")), String.join("\n", again));
        Files.writeString(manifest, json.replace(recorded, "").replaceAll("\"context\": \\{\\s*\\},?", ""));
        List<String> log = Logged.during("org.tessera", () -> MosaicPipeline.mosaic(List.of(frames), out, config(), Progress.NONE));
        assertTrue(log.stream().anyMatch(l -> l.contains("the run's context differs")
                && l.contains("exposures=tiles of several exposures")), String.join("\n", log));
        assertEquals(10.0, FitsFrame.open(out.resolve(MosaicPipeline.TILES_DIR).resolve("master_tile_000.fits")).header()
                .getDoubleValue("EXPTIME"), 0);
    }

    /** normalize=none scales no frame: the mixed tile's unit is unknown, as before, and the prior stays off. */
    @Test
    void withoutNormalisationAMixedTileHasNoUnit() throws IOException {
        assertNull(tileKeys(none, 0).get("EXPTIME"));
        assertEquals(20.0, Double.parseDouble(tileKeys(none, 1).get("EXPTIME")), 0);
        assertTrue(noneLog.stream().noneMatch(l -> l.startsWith("[P5] exposures")), String.join("\n", noneLog));
        assertNull(FitsFrame.open(none.mosaic()).keys().get("EXPTIME"));
    }
}

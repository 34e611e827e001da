package org.tessera.sds;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tessera.Progress;
import org.tessera.config.Config;
import org.tessera.io.FitsFrame;
import org.tessera.pipeline.MosaicPipeline;
import org.tessera.reproject.MosaicProvenance;
import org.tessera.synth.PanelFluxes;
import org.tessera.synth.SyntheticSky;

/**
 * SDS on frames of two sub-exposures of one sky (the two NGC 7023 sessions of ../shared/data: 10 s
 * and 20 s): 6 frames of 10 s on the left panel, 3 of 20 s on the right one (50 % overlap). A frame
 * or a mega-tile of 20 s holds twice the counts of one of 10 s; before the mega-tiles were put on
 * one exposure the mosaic's right-only part came out 2.0× its left-only part (three batches of
 * one exposure each, averaged per pixel as if all were 10 s), and 1.5× with one batch of both
 * (raw frames gave the batch's match no exposure, and its gain clamp stopped the 20 s frames at
 * 0.75). Now both are within 1 % of each other, on Classic's scale, and the header says the unit
 * (EXPTIME 10, Classic's card) as Classic's does.
 */
class SdsExposureTest {

    @TempDir
    static Path dir;

    static SyntheticSky ten;
    static MosaicPipeline.Outcome batches, oneBatch, classic;
    static List<String> batchesLog, oneBatchLog;

    /** One sky; only the exposure differs: the stars and the sky are {@code seconds} × those of 1 s. */
    static SyntheticSky sky(double seconds) {
        return PanelFluxes.twoPanels("SDS exposures", seconds);
    }

    /** SDS in three batches of 3 frames, each of one exposure (kept by the 0.2 keep: see {@link #runAll}). */
    static Config threeBatches() {
        return SdsFixtures.sds().put("sds_coverage_threshold", 0.3).put("sds_min_coverage_keep", 0.2)
                .put("sds_min_batch_size", 3).put("sds_target_batch_size", 3);
    }

    @BeforeAll
    static void runAll() throws IOException {
        ten = sky(10);
        Path frames = Files.createDirectories(dir.resolve("frames"));
        // Panel 1: all 6 frames of 10 s; panel 2: the first 3 of 20 s (in name order: 10 s, then 20 s).
        for (Path f : ten.writeFits(dir.resolve("ten")))
            if (f.getFileName().toString().contains("_p1_")) Files.move(f, frames.resolve(f.getFileName()));
        for (Path f : sky(20).writeFits(dir.resolve("twenty"))) {
            if (f.getFileName().toString().matches(".*_p2_00[1-3]_.*")) Files.move(f, frames.resolve(f.getFileName()));
        }
        try (var s = Files.list(frames)) {
            assertEquals(9, s.count());
        }
        // Three batches of 3 frames, each of one exposure (each panel covers about 2/3 of the grid):
        // the right-only part is covered by one batch of 3 frames in 9, kept by the 0.2 keep.
        Config sds = SdsFixtures.sds().put("sds_coverage_threshold", 0.3).put("sds_min_coverage_keep", 0.2);
        MosaicPipeline.Outcome[] o = new MosaicPipeline.Outcome[1];
        batchesLog = SdsFixtures.logged(() -> o[0] = MosaicPipeline.mosaic(List.of(frames), dir.resolve("batches"),
                threeBatches(), Progress.NONE));
        batches = o[0];
        // One batch of all 9: 10 s and 20 s frames in one Phase 5 coadd.
        oneBatchLog = SdsFixtures.logged(() -> o[0] = MosaicPipeline.mosaic(List.of(frames), dir.resolve("one"),
                sds.copy().put("sds_min_batch_size", 9).put("sds_target_batch_size", 9), Progress.NONE));
        oneBatch = o[0];
        // Classic (sky_mean, as SdsModeTest: linear_fit's bias on sky-dominated frames): two master tiles.
        classic = MosaicPipeline.mosaic(List.of(frames), dir.resolve("classic"),
                SdsFixtures.config().put("stacking_normalize_method", "sky_mean"), Progress.NONE);
    }

    /** Median flux / truth (10 s) of the bright isolated stars in each part: [left only, right only, both]. */
    static double[] parts(Path mosaic, String label) throws IOException {
        return PanelFluxes.of(mosaic, ten, 0, 6, "SDS exposures: " + label);
    }

    @Test
    void batchesOfOtherExposuresArePutOnOneBeforeTheirStack() throws IOException {
        assertEquals(List.of(), batches.skipped());
        double[] m = parts(batches.mosaic(), "3 batches");
        assertEquals(1, m[1] / m[0], 0.01, "the right-only part (20 s) against the left-only part (10 s)");
        assertEquals(1, m[2] / m[0], 0.01, "the overlap");
        assertTrue(batchesLog.contains("[SDS] exposures [10.0, 20.0] s: mega-tiles put on 10.0 s before their sky levels"
                + " and stack (gains [1.000, 1.000, 0.500])"), String.join("\n", batchesLog));
        // Each mega-tile says its own unit: its frames' exposure.
        assertEquals("10.0", FitsFrame.open(dir.resolve("batches").resolve(SdsMode.WORK_DIR).resolve("megatile_001.fits"))
                .keys().get("EXPTIME").trim());
        assertEquals("20.0", FitsFrame.open(dir.resolve("batches").resolve(SdsMode.WORK_DIR).resolve("megatile_003.fits"))
                .keys().get("EXPTIME").trim());
    }

    @Test
    void framesOfOtherExposuresInOneBatchArePutOnOneByItsMatch() throws IOException {
        double[] m = parts(oneBatch.mosaic(), "1 batch");
        assertEquals(1, m[1] / m[0], 0.01, "the right-only part (20 s) against the left-only part (10 s)");
        assertEquals(1, m[2] / m[0], 0.01, "the overlap");
        assertTrue(oneBatchLog.contains("[P5] exposures [10.0, 20.0] s: tiles put on 10.0 s before matching (gains"
                + " [1.000, 1.000, 1.000, 1.000, 1.000, 1.000, 0.500, 0.500, 0.500])"), String.join("\n", oneBatchLog));
        assertFalse(oneBatchLog.stream().anyMatch(l -> l.startsWith("[SDS] exposures")), "one mega-tile: nothing to put on one");
        Map<String, String> k = FitsFrame.open(dir.resolve("one").resolve(SdsMode.WORK_DIR).resolve("megatile_001.fits")).keys();
        assertEquals("10.0", k.get("EXPTIME").trim(), "the mega-tile's unit: its match's");
    }

    /** Classic and SDS of the same frames: one scale part by part, one header. */
    @Test
    void sdsAndClassicAgreeInScaleAndHeader() throws IOException {
        double[] c = parts(classic.mosaic(), "Classic");
        assertEquals(1, c[1] / c[0], 0.01, "Classic's own halves");
        for (MosaicPipeline.Outcome o : List.of(batches, oneBatch)) {
            double[] s = parts(o.mosaic(), "SDS");
            for (int k = 0; k < 3; k++) assertEquals(1, s[k] / c[k], 0.01, "part " + k + ": SDS/Classic");
            Map<String, String> sk = FitsFrame.open(o.mosaic()).keys(), ck = FitsFrame.open(classic.mosaic()).keys();
            assertEquals(10, Double.parseDouble(sk.get("EXPTIME")), 0, "the unit: 6 frames of 10 s, 3 of 20 s");
            assertEquals(120, Double.parseDouble(sk.get("EXPTOTAL")), 0, "6 × 10 s + 3 × 20 s");
            for (String key : List.of("EXPTIME", "EXPTOTAL", "NEXP_SUM", "DATE-OBS", "DATE-END", "DATE-AVG"))
                assertEquals(ck.get(key), sk.get(key), key + ": SDS as Classic");
            var card = FitsFrame.open(o.mosaic()).header().findCard("EXPTIME");
            assertEquals(MosaicProvenance.EXPTIME_SCALED_COMMENT, card.getComment());
            assertEquals(card.getComment(), FitsFrame.open(classic.mosaic()).header().findCard("EXPTIME").getComment());
        }
    }

    /**
     * A rerun reuses the mega-tiles (a change of the combine only) and reads each one's unit back
     * from its file ({@link MegaTiles#open}): the same gains, the same scale.
     */
    @Test
    void aRerunTakesTheReusedMegaTilesUnitsFromTheirFiles() throws IOException {
        Path frames = dir.resolve("frames"), out = dir.resolve("rerun");
        Config c = threeBatches();
        MosaicPipeline.mosaic(List.of(frames), out, c, Progress.NONE);
        MosaicPipeline.Outcome[] o = new MosaicPipeline.Outcome[1];
        List<String> log = SdsFixtures.logged(() -> o[0] = MosaicPipeline.mosaic(List.of(frames), out,
                c.copy().put("global_coadd_method", "median"), Progress.NONE));
        assertTrue(log.contains("[SDS] resume: 3 of 3 mega-tile(s) reused, 0 to make"), String.join("\n", log));
        assertTrue(log.contains("[SDS] exposures [10.0, 20.0] s: mega-tiles put on 10.0 s before their sky levels"
                + " and stack (gains [1.000, 1.000, 0.500])"), String.join("\n", log));
        double[] m = parts(o[0].mosaic(), "3 batches reused, median");
        assertEquals(1, m[1] / m[0], 0.01, "the right-only part (20 s) against the left-only part (10 s)");
        assertEquals(10, Double.parseDouble(FitsFrame.open(o[0].mosaic()).keys().get("EXPTIME")), 0);
    }

    /**
     * Mega-tiles an earlier version made from frames of other exposures are in mixed units (it put
     * none on one): their run's manifest lacks the context this version records for such frames,
     * so a rerun makes them again instead of reusing them.
     */
    @Test
    void megaTilesOfMixedExposuresFromBeforeThePriorAreMadeAgain() throws IOException {
        Path frames = dir.resolve("frames"), out = dir.resolve("older");
        Config c = threeBatches();
        MosaicPipeline.mosaic(List.of(frames), out, c, Progress.NONE);
        Path manifest = out.resolve("tessera-run.json");
        String json = Files.readString(manifest);
        String recorded = "\"exposures\": \"put on one: [10.0, 20.0] s\",";
        assertTrue(json.contains(recorded), json);
        Files.writeString(manifest, json.replace(recorded, "")); // as the version before the prior wrote it
        List<String> log = SdsFixtures.logged(() -> MosaicPipeline.mosaic(List.of(frames), out, c, Progress.NONE));
        assertTrue(log.stream().anyMatch(l -> l.contains("every mega-tile is made again: the run's context differs")
                && l.contains("exposures=put on one: [10.0, 20.0] s")), String.join("\n", log));
        assertTrue(Files.exists(out.resolve("previous-run").resolve(SdsMode.WORK_DIR).resolve("megatile_001.fits")),
                "the mixed-unit mega-tiles set aside, not reused");
        assertFalse(log.stream().anyMatch(l -> l.contains("mega-tile(s) reused")), String.join("\n", log));
    }

    /** Mega-tiles of one exposure, or of one unknown: no gain, the unit their one exposure or none. */
    @Test
    void megaTilesOfOneExposureAreLeftAsTheyAre() {
        Path x = dir.resolve("x.fits");
        MegaTileStack.Exposures one = MegaTileStack.exposures(List.of(tile(5, 10, x), tile(10, 10, x)));
        assertEquals(10, one.unit(), 0);
        assertEquals(List.of(1.0, 1.0), List.of(one.gains()[0], one.gains()[1]));
        MegaTileStack.Exposures unknown = MegaTileStack.exposures(List.of(tile(5, 10, x), tile(10, Double.NaN, x)));
        assertTrue(Double.isNaN(unknown.unit()), "one mega-tile of unknown unit: none rescaled by a guess");
        assertEquals(List.of(1.0, 1.0), List.of(unknown.gains()[0], unknown.gains()[1]));
        MegaTileStack.Exposures two = MegaTileStack.exposures(List.of(tile(5, 10, x), tile(5, 30, x), tile(4, 30, x)));
        assertEquals(30, two.unit(), 0, "9 frames of 30 s, 5 of 10 s");
        assertEquals(3, two.gains()[0], 0);
        assertEquals(1, two.gains()[2], 0);
        // A single mega-tile of mixed frames: its own unit (its batch's match chose it), no gain.
        MegaTileStack.Exposures single = MegaTileStack.exposures(List.of(tile(9, 10, x)));
        assertEquals(10, single.unit(), 0);
        assertEquals(1, single.gains()[0], 0);
    }

    private static MegaTiles.MegaTile tile(int frames, double exposure, Path file) {
        return new MegaTiles.MegaTile(1, frames, 1, file, file, 0, 0, 10, 10, exposure);
    }
}

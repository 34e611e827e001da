package org.tessera.grid;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

import nom.tam.fits.Header;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tessera.Logged;
import org.tessera.Progress;
import org.tessera.config.Config;
import org.tessera.io.FitsFrame;
import org.tessera.pipeline.MosaicPipeline;
import org.tessera.pipeline.RunManifest;
import org.tessera.reproject.MosaicProvenance;
import org.tessera.synth.PanelFluxes;
import org.tessera.synth.SyntheticSky;

/**
 * Grid mode on frames of two sub-exposures of one sky: the left panel (p1) 6 frames of 10 s, the
 * right one (p2) 6 of 20 s, 50 % apart. With tiles of 0.35 frame fields (21 tiles), those over
 * the right panel alone start with (hold only) 20 s frames, the others with a 10 s frame, onto
 * which linear_fit scales every frame of the tile: tiles in two units. Before Grid tiles carried
 * their unit (EXPTIME, by the master tiles' rule) Phase 5's exposure prior never ran in Grid mode,
 * and the match's clamp left the right-only part 1.492× the left-only part (measured on main,
 * 2026-12-07); now the prior puts the tiles on one exposure and the parts agree within 1 %.
 */
class GridExposureTest {

    @TempDir
    static Path dir;

    static SyntheticSky ten;
    /** Plans: the 10 s frames listed first; the 20 s frames first. */
    static Path tenFirst, twentyFirst;
    static MosaicPipeline.Outcome linear, none, oneTile;
    static List<String> linearLog, noneLog, oneTileLog;

    /** 21 tiles of 140 px on the 607 × 307 px grid. */
    static Config config() {
        return new Config().put("preview_png_enabled", false).put("final_mosaic_dbe_enabled", false)
                .put("hot_pixel_correction", false).put("grid_size_factor", 0.35);
    }

    @BeforeAll
    static void runAll() throws IOException {
        ten = PanelFluxes.twoPanels("Grid exposures", 10);
        Path frames = Files.createDirectories(dir.resolve("frames"));
        List<Path> tens = new ArrayList<>(), twenties = new ArrayList<>();
        for (Path f : ten.writeFits(dir.resolve("ten")))
            if (f.getFileName().toString().contains("_p1_")) tens.add(Files.move(f, frames.resolve(f.getFileName())));
        for (Path f : PanelFluxes.twoPanels("Grid exposures", 20).writeFits(dir.resolve("twenty")))
            if (f.getFileName().toString().contains("_p2_")) twenties.add(Files.move(f, frames.resolve(f.getFileName())));
        assertEquals(6, tens.size());
        assertEquals(6, twenties.size());
        List<Path> order = new ArrayList<>(tens);
        order.addAll(twenties);
        tenFirst = plan("ten_first.csv", order);
        order = new ArrayList<>(twenties);
        order.addAll(tens);
        twentyFirst = plan("twenty_first.csv", order);

        MosaicPipeline.Outcome[] o = new MosaicPipeline.Outcome[1];
        linearLog = Logged.during("org.tessera", () -> o[0] = MosaicPipeline.grid(tenFirst, dir.resolve("linear"), config(),
                Progress.NONE));
        linear = o[0];
        noneLog = Logged.during("org.tessera", () -> o[0] = MosaicPipeline.grid(tenFirst, dir.resolve("none"),
                config().put("stacking_normalize_method", "none"), Progress.NONE));
        none = o[0];
        // the default tile size: one tile of all 12 frames, scaled onto the first, of 20 s
        oneTileLog = Logged.during("org.tessera", () -> o[0] = MosaicPipeline.grid(twentyFirst, dir.resolve("one"),
                config().put("grid_size_factor", 4.0), Progress.NONE));
        oneTile = o[0];
    }

    /** A stack plan of {@code files} in this order, each line with the frame's own exposure. */
    static Path plan(String name, List<Path> files) throws IOException {
        StringBuilder sb = new StringBuilder("file_path,exptime\n");
        for (Path f : files) sb.append(dir.relativize(f)).append(',').append(FitsFrame.open(f).exposureSeconds()).append('\n');
        return Files.writeString(dir.resolve(name), sb);
    }

    /** Median flux / truth (10 s) of the bright isolated stars: [left only (10 s), right only (20 s), both]. */
    static double[] parts(Path mosaic, String label) throws IOException {
        return PanelFluxes.of(mosaic, ten, 0, 6, "Grid exposures: " + label);
    }

    /** The tiles by their EXPTIME card: "20.0 [s] exposure of each frame: unit of the mean" → tile names. */
    static TreeMap<String, List<String>> byUnit(List<Path> tiles) throws IOException {
        TreeMap<String, List<String>> out = new TreeMap<>();
        for (Path t : tiles) {
            Header h = FitsFrame.open(t).header();
            String unit = h.findCard("EXPTIME") == null ? "none"
                    : h.getDoubleValue("EXPTIME") + " " + h.findCard("EXPTIME").getComment();
            out.computeIfAbsent(unit, k -> new ArrayList<>()).add(t.getFileName().toString());
        }
        return out;
    }

    @Test
    void tilesOfTwoUnitsArePutOnOneExposure() throws IOException {
        assertEquals(List.of(), linear.skipped());
        assertEquals(21, linear.masterTiles().size());
        // Before: no EXPTIME on any tile, no prior, right/left 1.492, overlap/left 1.001.
        double[] m = parts(linear.mosaic(), "linear_fit, 21 tiles");
        assertEquals(1, m[1] / m[0], 0.01, "the right-only part (20 s tiles) against the left-only part (10 s tiles)");
        assertEquals(1, m[2] / m[0], 0.01, "the overlap");
        TreeMap<String, List<String>> units = byUnit(linear.masterTiles());
        // p2 only (and p1's pieces dropped: too small): 20 s; p1 only: 10 s; both: the first frame's, 10 s
        assertEquals(List.of("10.0 " + MosaicProvenance.EXPTIME_COMMENT, "10.0 " + MosaicProvenance.EXPTIME_SCALED_COMMENT,
                "20.0 " + MosaicProvenance.EXPTIME_COMMENT), new ArrayList<>(units.keySet()), units.toString());
        assertEquals(List.of("tile_0001.fits", "tile_0002.fits", "tile_0008.fits", "tile_0009.fits", "tile_0015.fits",
                "tile_0016.fits"), units.get("20.0 " + MosaicProvenance.EXPTIME_COMMENT));
        assertEquals(9, units.get("10.0 " + MosaicProvenance.EXPTIME_SCALED_COMMENT).size(), units.toString());
        assertTrue(linearLog.stream().anyMatch(l -> l.startsWith("[P5] exposures [10.0, 20.0] s: tiles put on 10.0 s before matching")),
                String.join("\n", linearLog));
        Header mosaic = FitsFrame.open(linear.mosaic()).header();
        assertEquals(10.0, mosaic.getDoubleValue("EXPTIME"), 0, "counts per 10 s: the unit of most tiles' frames");
        assertEquals(MosaicProvenance.EXPTIME_SCALED_COMMENT, mosaic.findCard("EXPTIME").getComment());
        assertEquals(180.0, mosaic.getDoubleValue("EXPTOTAL"), 0, "6 × 10 s + 6 × 20 s, each frame once");
    }

    /** One tile of every frame, scaled onto its first (20 s): a mosaic in that unit, which its header says. */
    @Test
    void aMosaicOfTilesOfOneScaledUnitSaysIt() throws IOException {
        assertEquals(1, oneTile.masterTiles().size());
        Header tile = FitsFrame.open(oneTile.masterTiles().get(0)).header();
        assertEquals(20.0, tile.getDoubleValue("EXPTIME"), 0);
        assertEquals(MosaicProvenance.EXPTIME_SCALED_COMMENT, tile.findCard("EXPTIME").getComment());
        assertTrue(oneTileLog.stream().noneMatch(l -> l.startsWith("[P5] exposures")), "one tile: nothing to put on one");
        Header mosaic = FitsFrame.open(oneTile.mosaic()).header();
        // Before: no EXPTIME (the frames' exposures differ), though the mosaic was in the 20 s unit.
        assertEquals(20.0, mosaic.getDoubleValue("EXPTIME"), 0);
        assertEquals(MosaicProvenance.EXPTIME_SCALED_COMMENT, mosaic.findCard("EXPTIME").getComment());
        // Before too: one tile, one unit (right/left 1.004)
        double[] m = parts(oneTile.mosaic(), "linear_fit, one tile, 20 s first");
        assertEquals(1, m[1] / m[0], 0.01);
        double[] tens = parts(linear.mosaic(), "linear_fit, 21 tiles");
        assertEquals(2, m[0] / tens[0], 0.02, "counts per 20 s: twice those of the mosaic in the 10 s unit");
    }

    /** normalize=none scales no frame: a tile of both exposures has no unit, the prior stays off, as before. */
    @Test
    void withoutNormalisationAMixedTileHasNoUnit() throws IOException {
        TreeMap<String, List<String>> units = byUnit(none.masterTiles());
        assertEquals(9, units.get("none").size(), units.toString());
        assertEquals(6, units.get("20.0 " + MosaicProvenance.EXPTIME_COMMENT).size(), units.toString());
        assertEquals(6, units.get("10.0 " + MosaicProvenance.EXPTIME_COMMENT).size(), units.toString());
        assertTrue(noneLog.stream().noneMatch(l -> l.startsWith("[P5] exposures")), String.join("\n", noneLog));
        assertNull(FitsFrame.open(none.mosaic()).keys().get("EXPTIME"));
    }

    /**
     * Tiles an earlier version made from frames of several exposures have no EXPTIME: their run's
     * manifest lacks the context this version records for such a part, so a rerun makes every
     * tile again.
     */
    @Test
    void tilesFromBeforeAreMadeAgain() throws IOException {
        Path out = dir.resolve("older");
        MosaicPipeline.grid(tenFirst, out, config(), Progress.NONE);
        Path manifest = out.resolve(RunManifest.FILE);
        String json = Files.readString(manifest);
        String recorded = "\"exposures\": \"tiles in their reference's unit: [10.0, 20.0] s\"";
        assertTrue(json.contains(recorded), json);
        List<String> again = Logged.during("org.tessera", () -> MosaicPipeline.grid(tenFirst, out, config(), Progress.NONE));
        assertTrue(again.contains("[GRID] resume: 21 of 21 Grid tile(s) reused, 0 to make"), String.join("\n", again));
        Files.writeString(manifest, json.replace(recorded + ",", "").replace(recorded, ""));
        List<String> log = Logged.during("org.tessera", () -> MosaicPipeline.grid(tenFirst, out, config(), Progress.NONE));
        assertTrue(log.stream().anyMatch(l -> l.contains("the run's context differs")
                && l.contains("exposures=tiles in their reference's unit")), String.join("\n", log));
        assertEquals(21, log.stream().filter(l -> l.contains("processed by worker")).count(), String.join("\n", log));
        assertEquals(20.0, FitsFrame.open(out.resolve(GridMode.TILES_DIR).resolve("tile_0001.fits")).header()
                .getDoubleValue("EXPTIME"), 0);
    }
}

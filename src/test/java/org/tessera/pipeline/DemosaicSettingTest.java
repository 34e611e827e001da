package org.tessera.pipeline;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tessera.Logged;
import org.tessera.Progress;
import org.tessera.config.Config;
import org.tessera.image.FloatImage;
import org.tessera.io.FitsFrame;
import org.tessera.io.FrameReading;
import org.tessera.io.InMemoryFrame;
import org.tessera.io.MountMode;
import org.tessera.synth.CameraFitsWriter;
import org.tessera.synth.SyntheticSky;

/**
 * {@code stacking_demosaic} reaches every path that reads raw frames: a run over Bayer frames with
 * {@code stacking_demosaic=bilinear} gives, pixel for pixel, the mosaic of a run over the same frames
 * demosaiced beforehand by the bilinear rule and stored as colour cubes (which no demosaic touches);
 * the default (mhc) run differs from it. Classic, SDS and Grid mode each, and a stack; the Spark module's tests do
 * the same for its tasks. A changed value makes the finished master tiles of an earlier run stale.
 */
class DemosaicSettingTest {

    @TempDir Path tmp;

    static final FrameReading BILINEAR = FrameReading.DEFAULT.withDemosaic(FrameReading.Demosaic.BILINEAR);

    /**
     * Writes the sky's Bayer frames into {@code bayer} and, into {@code cubes}, each as a float32 RGB
     * cube of its pixels read as {@code twin} says (same name, keys and WCS, no BAYERPAT).
     */
    static void writeWithTwins(SyntheticSky sky, Path bayer, Path cubes, FrameReading twin) throws IOException {
        sky.output(SyntheticSky.Output.BAYER_RAW).writeFits(bayer);
        Files.createDirectories(cubes);
        for (InMemoryFrame f : sky.build()) {
            FloatImage rgb = FloatImage.copyOf(FitsFrame.open(bayer.resolve(f.name())).withReading(twin));
            Map<String, String> keys = new LinkedHashMap<>(f.keys());
            keys.remove("BAYERPAT");
            CameraFitsWriter.write(new InMemoryFrame(f.name(), rgb, f.wcs(), f.mountMode(), f.exposureSeconds(), keys),
                    cubes.resolve(f.name()));
        }
    }

    static float[][] pixels(Path fits) throws IOException {
        return ChildJvm.pixels(fits);
    }

    /** The largest |a - b| over finite pixels; NaN where exactly one of them is NaN counts as infinite. */
    static double maxDifference(float[][] a, float[][] b) {
        double d = 0;
        for (int c = 0; c < a.length; c++)
            for (int i = 0; i < a[c].length; i++) {
                boolean na = Float.isNaN(a[c][i]), nb = Float.isNaN(b[c][i]);
                if (na != nb) return Double.POSITIVE_INFINITY;
                if (!na) d = Math.max(d, Math.abs(a[c][i] - b[c][i]));
            }
        return d;
    }

    static void assertSamePixels(Path expected, Path actual) throws IOException {
        float[][] a = pixels(expected), b = pixels(actual);
        assertEquals(a.length, b.length);
        for (int c = 0; c < a.length; c++) {
            assertEquals(a[c].length, b[c].length, "shape of " + actual);
            for (int i = 0; i < a[c].length; i++)
                assertEquals(Float.floatToIntBits(a[c][i]), Float.floatToIntBits(b[c][i]),
                        actual.getFileName() + " channel " + c + " pixel " + i + ": " + a[c][i] + " against " + b[c][i]);
        }
    }

    /**
     * The three runs of one mode: Bayer frames read bilinear, their bilinear cube twins (hot pixels
     * corrected when the twins were made, so off here), Bayer frames by default. Returns the mosaics.
     */
    private Path[] threeRuns(List<Path> bayerIn, List<Path> cubeIn, Config base, String name) throws IOException {
        Config bil = base.copy().set("stacking_demosaic=bilinear");
        Config twins = base.copy().put("hot_pixel_correction", false);
        MosaicPipeline.Outcome a = MosaicPipeline.mosaic(bayerIn, tmp.resolve(name + "-bilinear"), bil, Progress.NONE);
        MosaicPipeline.Outcome b = MosaicPipeline.mosaic(cubeIn, tmp.resolve(name + "-cubes"), twins, Progress.NONE);
        MosaicPipeline.Outcome c = MosaicPipeline.mosaic(bayerIn, tmp.resolve(name + "-mhc"), base, Progress.NONE);
        assertEquals(List.of(), a.skipped());
        assertEquals(a.masterTiles().size(), b.masterTiles().size());
        for (int i = 0; i < a.masterTiles().size(); i++) assertSamePixels(b.masterTiles().get(i), a.masterTiles().get(i));
        assertSamePixels(b.mosaic(), a.mosaic());
        assertSamePixels(b.coverage(), a.coverage());
        return new Path[] {a.mosaic(), c.mosaic()};
    }

    /** The default run is not the bilinear one: its stars are sharper, so pixels near them differ. */
    private static void assertDiffers(Path bilinear, Path mhc, double atLeast) throws IOException {
        double d = maxDifference(pixels(bilinear), pixels(mhc));
        assertTrue(d >= atLeast && Double.isFinite(d), "mhc against bilinear: max |difference| " + d);
    }

    static SyntheticSky classicSky() {
        return new SyntheticSky().seed(19).centre(150, 40).panels(2, 1).overlap(0.2).framesPerPanel(3).frameSize(120, 90)
                .pixelScale(2.4).dither(3).mount(MountMode.EQ).psfFwhm(2.6);
    }

    static Config quick() {
        return new Config().put("preview_png_enabled", false).put("final_mosaic_dbe_enabled", false);
    }

    @Test
    void classicMasterTilesAndMosaicAreThoseOfBilinearPixels() throws IOException {
        Path bayer = tmp.resolve("bayer"), cubes = tmp.resolve("cubes");
        writeWithTwins(classicSky(), bayer, cubes, BILINEAR);
        Path[] m = threeRuns(List.of(bayer), List.of(cubes), quick(), "classic");
        assertDiffers(m[0], m[1], 1000); // 2323 ADU (a bright star's core)
    }

    @Test
    void sdsMegaTilesAreThoseOfBilinearPixels() throws IOException {
        Path bayer = tmp.resolve("bayer"), cubes = tmp.resolve("cubes");
        // one field shot 6 times: every frame covers most of the global grid (SDS's case)
        SyntheticSky field = new SyntheticSky().seed(20261207L).centre(150.0, 40.0).panels(1, 1).framesPerPanel(6)
                .frameSize(120, 90).pixelScale(2.4).mount(MountMode.EQ).dither(4).psfFwhm(2.6);
        writeWithTwins(field, bayer, cubes, BILINEAR);
        Path[] m = threeRuns(List.of(bayer), List.of(cubes), quick().put("sds_mode_default", true), "sds");
        for (String run : List.of("sds-bilinear", "sds-cubes"))
            try (var s = Files.list(tmp.resolve(run).resolve("sds_megatiles"))) {
                assertTrue(s.anyMatch(p -> p.getFileName().toString().matches("megatile_\\d{3}\\.fits")), run + " ran SDS");
            }
        assertDiffers(m[0], m[1], 20); // 41.7 ADU
    }

    @Test
    void gridTilesAreThoseOfBilinearPixels() throws IOException {
        Path bayer = tmp.resolve("bayer"), cubes = tmp.resolve("cubes");
        writeWithTwins(classicSky(), bayer, cubes, BILINEAR);
        for (Path d : List.of(bayer, cubes)) {
            StringBuilder plan = new StringBuilder("file_path,exptime\n");
            try (var s = Files.list(d)) {
                for (Path f : s.sorted().toList()) plan.append(f.getFileName()).append(",10\n");
            }
            Files.writeString(d.resolve("stack_plan.csv"), plan);
        }
        Config grid = quick().put("grid_size_factor", 1.7).put("batch_overlap_pct", 60);
        Path[] m = threeRuns(List.of(bayer), List.of(cubes), grid, "grid");
        assertEquals("mosaic_grid.fits", m[0].getFileName().toString(), "Grid mode ran");
        assertDiffers(m[0], m[1], 1000); // 2604 ADU
    }

    /** {@code tessera stack}: one field's Bayer frames stacked with the key set are the stack of their bilinear twins. */
    @Test
    void aStackIsThatOfBilinearPixels() throws IOException {
        Path bayer = tmp.resolve("bayer"), cubes = tmp.resolve("cubes");
        writeWithTwins(classicSky().panels(1, 1), bayer, cubes, BILINEAR);
        Path a = tmp.resolve("bilinear.fits"), b = tmp.resolve("cubes.fits"), c = tmp.resolve("mhc.fits");
        MosaicPipeline.stack(a, List.of(bayer), quick().set("stacking_demosaic=bilinear"), Progress.NONE);
        MosaicPipeline.stack(b, List.of(cubes), quick().put("hot_pixel_correction", false), Progress.NONE);
        MosaicPipeline.stack(c, List.of(bayer), quick(), Progress.NONE);
        assertSamePixels(b, a);
        double d = maxDifference(pixels(a), pixels(c));
        assertTrue(d > 1000 && Double.isFinite(d), "mhc against bilinear: max |difference| " + d); // 1765.6 ADU
    }

    /**
     * Resume: a rerun with the same settings reuses the master tiles; with another stacking_demosaic
     * it makes every one again (the earlier ones moved into previous-run/), and a rerun with that
     * value reuses those.
     */
    @Test
    void aChangedDemosaicMakesFinishedMasterTilesStale() throws IOException {
        Path bayer = tmp.resolve("bayer");
        classicSky().writeFits(bayer);
        Path out = tmp.resolve("out");
        Config config = quick();
        MosaicPipeline.Outcome first = MosaicPipeline.mosaic(List.of(bayer), out, config, Progress.NONE);
        int tiles = first.masterTiles().size();
        assertEquals(2, tiles);
        float[][] mhcTile = pixels(first.masterTiles().get(0));

        assertEquals(tiles, reused(out, config), "the same settings: every tile reused");
        Config bilinear = quick().set("stacking_demosaic=bilinear");
        assertEquals(0, reused(out, bilinear), "another demosaic: every tile made again");
        assertTrue(Files.exists(out.resolve(RunManifest.PREVIOUS).resolve(MosaicPipeline.TILES_DIR).resolve("master_tile_000.fits")),
                "the mhc tiles moved aside");
        double d = maxDifference(mhcTile, pixels(first.masterTiles().get(0)));
        assertTrue(d > 100 && Double.isFinite(d), "the remade tile is the bilinear one: max |difference| " + d); // 262.6 ADU
        assertEquals(tiles, reused(out, bilinear), "bilinear again: every tile reused");
    }

    /** How many master tiles a run into {@code out} with {@code config} reused. */
    private static int reused(Path out, Config config) throws IOException {
        Path bayer = out.resolveSibling("bayer");
        List<String> log = Logged.during("org.tessera", () -> MosaicPipeline.mosaic(List.of(bayer), out, config, Progress.NONE));
        assertFalse(log.isEmpty());
        int n = 0;
        Pattern p = Pattern.compile("master tile \\d+ reused from the earlier run");
        for (String line : log) {
            Matcher m = p.matcher(line);
            if (m.find()) n++;
        }
        return n;
    }
}

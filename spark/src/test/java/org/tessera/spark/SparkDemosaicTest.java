package org.tessera.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tessera.Progress;
import org.tessera.config.Config;
import org.tessera.image.FloatImage;
import org.tessera.io.FitsFrame;
import org.tessera.io.FrameReading;
import org.tessera.io.InMemoryFrame;
import org.tessera.io.MountMode;
import org.tessera.pipeline.MosaicPipeline;
import org.tessera.synth.CameraFitsWriter;
import org.tessera.synth.SyntheticSky;

/**
 * {@code stacking_demosaic} reaches the executors: Bayer frames stacked as Spark tasks with
 * {@code stacking_demosaic=bilinear} (Classic: master tiles by {@code GroupTask}; Grid: tiles by
 * {@code SparkGridTiles.Task}, which reopen the frames from their paths with the run's
 * {@code FrameReading}) give, bit for bit, the single-machine mosaic of the same frames demosaiced
 * bilinearly beforehand and stored as colour cubes. Without the key the Spark tiles differ.
 */
class SparkDemosaicTest {

    /** The sky's Bayer frames in {@code bayer}; in {@code cubes} each read as {@code twin} says, as a float32 RGB cube. */
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

    static SyntheticSky sky() {
        return new SyntheticSky().seed(19).centre(150, 40).panels(2, 1).overlap(0.2).framesPerPanel(3).frameSize(120, 90)
                .pixelScale(2.4).dither(3).mount(MountMode.EQ).psfFwhm(2.6);
    }

    static Config quick() {
        return new Config().put("preview_png_enabled", false).put("final_mosaic_dbe_enabled", false);
    }

    /** Largest |a - b| of two files' pixels. */
    static double maxDifference(Path a, Path b) throws IOException {
        FitsFrame fa = FitsFrame.open(a), fb = FitsFrame.open(b);
        float[][] pa = fa.newBand(fa.height()), pb = fb.newBand(fb.height());
        fa.readRows(0, fa.height(), pa);
        fb.readRows(0, fb.height(), pb);
        double d = 0;
        for (int c = 0; c < pa.length; c++)
            for (int i = 0; i < pa[c].length; i++)
                if (Float.isFinite(pa[c][i]) && Float.isFinite(pb[c][i])) d = Math.max(d, Math.abs(pa[c][i] - pb[c][i]));
        return d;
    }

    private static void sameAsTwins(Path bayerIn, Path cubeIn, Config base, Path dir) throws IOException {
        MosaicPipeline.Outcome twins = MosaicPipeline.mosaic(List.of(cubeIn), dir.resolve("cubes-one"),
                base.copy().put("hot_pixel_correction", false), Progress.NONE);
        MosaicPipeline.Outcome spark = new SparkMosaic(LocalSpark.context())
                .mosaic(List.of(bayerIn), dir.resolve("bilinear-spark"), base.copy().set("stacking_demosaic=bilinear"), Progress.NONE);
        MosaicPipeline.Outcome mhc = new SparkMosaic(LocalSpark.context())
                .mosaic(List.of(bayerIn), dir.resolve("mhc-spark"), base, Progress.NONE);
        assertEquals(List.of(), spark.skipped());
        assertEquals(twins.masterTiles().size(), spark.masterTiles().size());
        assertTrue(spark.masterTiles().size() >= 2, "several tiles as tasks: " + spark.masterTiles());
        for (int i = 0; i < twins.masterTiles().size(); i++)
            SparkMosaicTest.assertSamePixels(twins.masterTiles().get(i), spark.masterTiles().get(i));
        SparkMosaicTest.assertSamePixels(twins.mosaic(), spark.mosaic());
        SparkMosaicTest.assertSamePixels(twins.coverage(), spark.coverage());
        double d = maxDifference(spark.mosaic(), mhc.mosaic());
        assertTrue(d > 1000, "the default (mhc) Spark mosaic is not the bilinear one: max |difference| " + d);
    }

    @Test
    void classicMasterTileTasksReadTheFramesAsTheKeySays(@TempDir Path dir) throws IOException {
        Path bayer = dir.resolve("bayer"), cubes = dir.resolve("cubes");
        writeWithTwins(sky(), bayer, cubes, FrameReading.DEFAULT.withDemosaic(FrameReading.Demosaic.BILINEAR));
        sameAsTwins(bayer, cubes, quick(), dir);
    }

    @Test
    void gridTileTasksReadTheFramesAsTheKeySays(@TempDir Path dir) throws IOException {
        Path bayer = dir.resolve("bayer"), cubes = dir.resolve("cubes");
        writeWithTwins(sky(), bayer, cubes, FrameReading.DEFAULT.withDemosaic(FrameReading.Demosaic.BILINEAR));
        for (Path d : List.of(bayer, cubes)) {
            StringBuilder plan = new StringBuilder("file_path,exptime\n");
            try (var s = Files.list(d)) {
                for (Path f : s.sorted().toList()) plan.append(f.getFileName()).append(",10\n");
            }
            Files.writeString(d.resolve(MosaicPipeline.STACK_PLAN), plan);
        }
        sameAsTwins(bayer, cubes, quick().put("grid_size_factor", 1.7).put("batch_overlap_pct", 60), dir);
    }
}

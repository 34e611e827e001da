package org.tessera.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tessera.Progress;
import org.tessera.config.Config;
import org.tessera.pipeline.MosaicPipeline;
import org.tessera.synth.SyntheticSky;

/**
 * Grid mode ({@code stack_plan.csv}) on {@code local[2,2]}: the tiles stacked as Spark tasks, one
 * of them dying after writing its tile on its first attempt, make the single-machine Grid mosaic
 * bit for bit; a tile failing on every attempt is reported like a failed tile on one machine.
 */
class SparkGridTest {




    /** The small Grid fixture of the main module's grid tests: 4×2 panels of 2 RGB frames of 96×72 px, several tiles. */
    static Path stackPlan(Path dir) throws IOException {
        SyntheticSky sky = new SyntheticSky().seed(7).panels(4, 2).overlap(0.35).framesPerPanel(2).frameSize(96, 72)
                .pixelScale(2.4).output(SyntheticSky.Output.RGB_FLOAT).perfectCamera().nebula(0).sky(30).gradient(0.15)
                .starDensity(1.2).starFlux(500, 40000, 0.75).psfFwhm(3.0).gaussianPsf();
        List<Path> files = sky.writeFits(dir.resolve("frames"));
        StringBuilder sb = new StringBuilder("file_path,exptime\n");
        for (Path f : files) sb.append(dir.relativize(f)).append(',').append(sky.exposureSeconds()).append('\n');
        return Files.writeString(dir.resolve(MosaicPipeline.STACK_PLAN), sb);
    }

    /** Tiles of 1.7 frame fields overlapping by 60 %: several tiles on the small field (as GridFixtures.config). */
    static Config config() {
        Config c = new Config();
        c.put("grid_size_factor", 1.7);
        c.put("batch_overlap_pct", 60);
        return c;
    }

    /**
     * A frame of NaN but two pixels, which every tile's stack drops: one machine names it among the
     * skipped inputs ("dropped by every Grid tile it falls in: …") and leaves it out of the mosaic's
     * NEXP_SUM and EXPTOTAL. The Spark tile tasks did not send their stacks back: the frame was
     * neither named nor left out of those cards. Now the same list and the same mosaic file.
     */
    @Test
    void aFrameEveryTileDroppedIsNamedAsOnOneMachine(@TempDir Path dir) throws IOException {
        Path in = dir.resolve("in");
        Path plan = stackPlan(in);
        Path first;
        try (var frames = Files.list(in.resolve("frames"))) {
            first = frames.sorted().findFirst().orElseThrow();
        }
        org.tessera.image.FloatImage img = new org.tessera.image.FloatImage(96, 72, 3);
        img.fill(Float.NaN);
        for (float[] plane : img.planes()) {
            plane[36 * 96 + 48] = 1f;
            plane[36 * 96 + 49] = 2f;
        }
        nom.tam.fits.Header h = new nom.tam.fits.Header();
        try {
            org.tessera.io.FitsFrame.open(first).wcs().writeTo(h);
        } catch (nom.tam.fits.HeaderCardException e) {
            throw new IOException(e);
        }
        Path sparse = in.resolve("frames/sparse.fits");
        org.tessera.io.FitsImageWriter.write(sparse, img, h, org.tessera.io.FitsImageWriter.AlphaMode.NONE);
        Files.writeString(plan, "frames/sparse.fits,10\n", java.nio.file.StandardOpenOption.APPEND);

        MosaicPipeline.Outcome one = MosaicPipeline.mosaic(List.of(in), dir.resolve("one"), config(), Progress.NONE);
        assertEquals(1, one.skipped().size(), one.skipped().toString());
        assertEquals(sparse, one.skipped().get(0).file());
        assertTrue(one.skipped().get(0).reason().startsWith("dropped by every Grid tile it falls in: finite fraction 0.000"),
                one.skipped().get(0).reason());
        MosaicPipeline.Outcome spark = new SparkMosaic(LocalSpark.context()).mosaic(List.of(in), dir.resolve("spark"),
                config(), Progress.NONE);
        assertEquals(one.skipped(), spark.skipped());
        assertEquals(-1, Files.mismatch(one.mosaic(), spark.mosaic()), "the same mosaic file, NEXP_SUM and EXPTOTAL included");
        SparkMosaicTest.assertSamePixels(one.coverage(), spark.coverage());
    }

    @Test
    void gridModeOnSparkIsTheSingleMachineGridMosaicWithARetriedTile(@TempDir Path dir) throws IOException {
        Path in = dir.resolve("in");
        stackPlan(in);
        MosaicPipeline.Outcome one = MosaicPipeline.mosaic(List.of(in), dir.resolve("one"), config(), Progress.NONE);
        Path log = dir.resolve("attempts.txt");
        MosaicPipeline.Outcome spark = new SparkMosaic(LocalSpark.context(), new Attempts(log.toString(), 2, 1))
                .mosaic(List.of(in), dir.resolve("spark"), config(), Progress.NONE);

        List<String> attempts = Files.readAllLines(log);
        assertTrue(attempts.contains("2:0") && attempts.contains("2:1"), "tile 2 retried: " + attempts);
        assertTrue(one.masterTiles().size() >= 3, "several Grid tiles: " + one.masterTiles());
        assertEquals(one.masterTiles().size(), spark.masterTiles().size());
        assertEquals(one.skipped(), List.of());
        assertEquals(spark.skipped(), List.of());
        assertEquals("mosaic_grid.fits", spark.mosaic().getFileName().toString());
        for (int i = 0; i < one.masterTiles().size(); i++)
            SparkMosaicTest.assertSamePixels(one.masterTiles().get(i), spark.masterTiles().get(i));
        SparkMosaicTest.assertSamePixels(one.mosaic(), spark.mosaic());
        SparkMosaicTest.assertSamePixels(one.coverage(), spark.coverage());

        // The plan's folder and the output folder as file: URIs (Hadoop's FileSystem API): the same tiles and mosaic.
        Path out = dir.resolve("by-uri");
        SparkMosaic.Result byUri = new SparkMosaic(LocalSpark.context()).mosaic(List.of(in.toUri().toString()), out.toUri().toString(),
                config(), Progress.NONE);
        assertEquals(List.of(), byUri.skipped());
        assertEquals(one.masterTiles().size(), byUri.masterTiles().size());
        for (Path t : one.masterTiles())
            SparkMosaicTest.assertSamePixels(t, out.resolve("tiles").resolve(t.getFileName()));
        SparkMosaicTest.assertSamePixels(one.mosaic(), out.resolve("mosaic_grid.fits"));
        SparkMosaicTest.assertSamePixels(one.coverage(), out.resolve("mosaic_grid_coverage.fits"));
    }

    @Test
    void aTileFailingOnEveryAttemptIsReportedAndTheOthersAreAssembled(@TempDir Path dir) throws IOException {
        Path in = dir.resolve("in");
        stackPlan(in);
        MosaicPipeline.Outcome spark = new SparkMosaic(LocalSpark.context(), new Attempts(dir.resolve("a.txt").toString(), 3, 2))
                .mosaic(List.of(in), dir.resolve("spark"), config(), Progress.NONE);
        List<MosaicPipeline.Skipped> failed = new ArrayList<>();
        for (MosaicPipeline.Skipped s : spark.skipped()) if (s.reason().startsWith("tile failed: ")) failed.add(s);
        assertEquals(1, failed.size(), spark.skipped().toString());
        assertEquals("tile_0003.fits", failed.get(0).file().getFileName().toString());
        assertTrue(failed.get(0).reason().contains("injected: tile 3 fails"), failed.get(0).reason());
        assertFalse(Files.exists(failed.get(0).file()), "the failed tile's file is removed");
        assertFalse(spark.masterTiles().stream().anyMatch(p -> p.getFileName().toString().equals("tile_0003.fits")));
        assertTrue(Files.size(spark.mosaic()) > 0);

        // The rerun (resume=auto, as on one machine): the tiles the first run finished are taken as
        // they are, only the failed one is stacked, and the mosaic is the single machine's.
        Path again = dir.resolve("again.txt");
        MosaicPipeline.Outcome rerun = new SparkMosaic(LocalSpark.context(), new Attempts(again.toString(), -1, 0))
                .mosaic(List.of(in), dir.resolve("spark"), config(), Progress.NONE);
        assertEquals(List.of("3:0"), Files.readAllLines(again), "only tile 3 runs as a task");
        assertEquals(List.of(), rerun.skipped());
        MosaicPipeline.Outcome one = MosaicPipeline.mosaic(List.of(in), dir.resolve("one"), config(), Progress.NONE);
        assertEquals(one.masterTiles().size(), rerun.masterTiles().size());
        SparkMosaicTest.assertSamePixels(one.mosaic(), rerun.mosaic());
    }

    /**
     * The driver records each Grid tile for resume as its task ends: a driver stopped while other
     * tiles still run keeps the finished ones (they were recorded only after the last task).
     */
    @Test
    void eachTileIsRecordedAsItsTaskEnds(@TempDir Path dir) throws IOException {
        Path in = dir.resolve("in"), out = dir.resolve("spark");
        stackPlan(in);
        Path log = dir.resolve("seen.txt");
        new SparkMosaic(LocalSpark.context(), new LocalSpark.WaitsForARecord(out.resolve("tessera-run.json").toString(),
                log.toString(), Integer.MIN_VALUE, 3)).mosaic(List.of(in), out, config(), Progress.NONE);
        List<String> seen = Files.readAllLines(log);
        assertEquals(1, seen.size(), seen.toString());
        assertTrue(Integer.parseInt(seen.get(0).substring("seen:".length())) >= 1, "tile 3 saw no tile recorded: " + seen);
    }

    /** Logs every Grid tile attempt as "tile:attempt"; tile {@code failing} throws on its first {@code failures} attempts. */
    record Attempts(String log, int failing, int failures) implements SparkMosaic.TaskFault {
        @Override public void after(int groupId, int attempt) { }

        @Override public void afterGridTile(int tile, int attempt) {
            LocalSpark.log(log, tile + ":" + attempt);
            if (tile == failing && attempt < failures) throw new IllegalStateException("injected: tile " + tile + " fails");
        }
    }
}

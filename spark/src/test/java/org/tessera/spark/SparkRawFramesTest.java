package org.tessera.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tessera.Progress;
import org.tessera.config.Config;
import org.tessera.image.FloatImage;
import org.tessera.io.FitsFrame;
import org.tessera.io.InMemoryFrame;
import org.tessera.io.MountMode;
import org.tessera.pipeline.MosaicPipeline;
import org.tessera.pipeline.MosaicPipeline.Skipped;
import org.tessera.solve.RawFrameAstrometry;
import org.tessera.synth.CameraFitsWriter;
import org.tessera.wcs.WcsCards;

/**
 * Phase 1 of raw frames (no WCS) on {@code local[2,2]}: the group's reference plate-solved by
 * astrometry.net in a Spark task (its first attempt dying after the solve, so Spark retries it),
 * the other frames registered on it in Spark tasks; every frame gets the WCS one machine gives
 * it, double for double, and a frame that cannot be registered is reported with the same reason;
 * the mosaic of those frames on Spark is then the single-machine mosaic bit for bit.
 * Needs ../shared/data's raw M 94 frames and solve-field (skipped without them).
 */
class SparkRawFramesTest {




    @Test
    void rawFramesArePlacedOnSparkAsOnOneMachine(@TempDir Path dir) throws Exception {
        Path night3 = Path.of("../../shared/data/seestar_m94_raw/night3");
        assumeTrue(Files.isDirectory(night3), "real test data not found at " + night3.toAbsolutePath());
        assumeTrue(Stream.of(System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator))
                .anyMatch(d -> !d.isBlank() && Files.isExecutable(Path.of(d, "solve-field"))), "solve-field not installed");
        Path in = Files.createDirectories(dir.resolve("in"));
        List<Path> raw;
        try (Stream<Path> s = Files.list(night3)) {
            raw = s.sorted().limit(3).toList();
        }
        for (Path p : raw) Files.copy(p, in.resolve(p.getFileName()));
        Path starless = in.resolve("no_stars_same_session.fit");
        starless(FitsFrame.open(raw.get(0)), 1080, 1920, FitsFrame.open(raw.get(2)).keys().get("DATE-OBS"), starless);
        Config config = new Config().put("solver_choice", "astrometry");

        List<Skipped> oneSkipped = new ArrayList<>(), sparkSkipped = new ArrayList<>();
        List<FitsFrame> one = MosaicPipeline.phase1(List.of(in), dir.resolve("one"), config, RawFrameAstrometry.Work.LOCAL,
                oneSkipped, Progress.NONE);
        Path log = dir.resolve("attempts.txt");
        List<FitsFrame> spark = MosaicPipeline.phase1(List.of(in), dir.resolve("spark"), config,
                new SparkPlacement(LocalSpark.context(), new SolveFails(log.toString()), config.toJson(), dir.resolve("spark").toString(),
                        Staging.local(LocalSpark.context(), dir.resolve("spark"))), sparkSkipped,
                Progress.NONE);

        List<String> attempts = Files.readAllLines(log);
        assertTrue(attempts.contains("solve 1:0") && attempts.contains("solve 1:1"), "the solve retried: " + attempts);
        assertTrue(attempts.stream().filter(a -> a.startsWith("register")).count() >= 3, "registrations on Spark: " + attempts);
        assertEquals(3, one.size(), oneSkipped.toString());
        assertEquals(3, spark.size(), sparkSkipped.toString());
        for (int i = 0; i < one.size(); i++) {
            assertEquals(one.get(i).path(), spark.get(i).path());
            assertEquals(WcsCards.of(one.get(i).wcs()), WcsCards.of(spark.get(i).wcs()), one.get(i).name());
        }
        assertEquals(1, oneSkipped.size(), oneSkipped.toString());
        assertEquals(oneSkipped, sparkSkipped);
        assertEquals(starless.toAbsolutePath().normalize(), sparkSkipped.get(0).file().toAbsolutePath().normalize());
        assertTrue(sparkSkipped.get(0).reason().contains("cannot be registered on its group's reference"), sparkSkipped.toString());
        // the driver wrote the WCS cache, as one machine does: a rerun solves nothing
        try (Stream<Path> s = Files.list(dir.resolve("spark").resolve("solved_wcs"))) {
            assertEquals(3, s.count());
        }

        // The whole mosaic, each run placing the frames from its WCS cache: the master-tile tasks get
        // the driver's WCS of each raw frame (the header has none) and make the single-machine pixels.
        MosaicPipeline.Outcome oneMosaic = MosaicPipeline.mosaic(List.of(in), dir.resolve("one"), config, Progress.NONE);
        MosaicPipeline.Outcome sparkMosaic = new SparkMosaic(LocalSpark.context())
                .mosaic(List.of(in), dir.resolve("spark"), config, Progress.NONE);
        assertEquals(oneMosaic.skipped(), sparkMosaic.skipped());
        assertEquals(oneMosaic.masterTiles().size(), sparkMosaic.masterTiles().size());
        for (int i = 0; i < oneMosaic.masterTiles().size(); i++)
            SparkMosaicTest.assertSamePixels(oneMosaic.masterTiles().get(i), sparkMosaic.masterTiles().get(i));
        SparkMosaicTest.assertSamePixels(oneMosaic.mosaic(), sparkMosaic.mosaic());
    }

    /** The reference solve of group 1 dies on its first attempt (after solving); every attempt is logged. */
    record SolveFails(String log) implements SparkMosaic.TaskFault {
        @Override public void after(int groupId, int attempt) { }

        @Override public void afterSolve(int group, int attempt) {
            append("solve " + group + ":" + attempt);
            if (group == 1 && attempt == 0) throw new IllegalStateException("injected: solve task killed after its solve");
        }

        @Override public void afterRegister(int frame, int attempt) {
            append("register " + frame + ":" + attempt);
        }

        private void append(String line) {
            LocalSpark.log(log, line);
        }
    }

    /** A raw-looking frame (the model's pointing, optics and Bayer keys, no WCS) of flat noise: no star to register. */
    static void starless(FitsFrame model, int w, int h, String dateObs, Path file) throws IOException {
        Map<String, String> keys = new LinkedHashMap<>();
        for (String k : List.of("RA", "DEC", "FOCALLEN", "XPIXSZ", "BAYERPAT", "INSTRUME", "EXPTIME", "OBJECT"))
            keys.put(k, model.keys().get(k));
        keys.put("DATE-OBS", dateObs);
        Random rnd = new Random(5);
        float[] p = new float[w * h];
        for (int i = 0; i < p.length; i++) p[i] = (float) (1000 + 3 * rnd.nextGaussian());
        CameraFitsWriter.write(new InMemoryFrame(file.getFileName().toString(), new FloatImage(w, h, new float[][] {p}), null,
                MountMode.UNKNOWN, 10, keys), file);
    }
}

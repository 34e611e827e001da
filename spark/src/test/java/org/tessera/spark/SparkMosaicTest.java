package org.tessera.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tessera.Progress;
import org.tessera.config.Config;
import org.tessera.io.FitsFrame;
import org.tessera.io.FrameReading;
import org.tessera.io.FrameScanner;
import org.tessera.pipeline.MosaicPipeline;

/**
 * The demo sky's mosaic on {@code local[2,2]} (two task threads, a task tried twice) is the
 * single-machine mosaic bit for bit, with Phase 3 (one task per group) and Phase 5 (one task per
 * range of bands) on the executors, and a task of each that dies after writing its file on its
 * first attempt: Spark retries it and nothing changes.
 */
class SparkMosaicTest {





    /** Records every task attempt in a file (executors are other threads, or other machines). */
    record FailFirstAttempt(int group, String log) implements SparkMosaic.TaskFault {
        @Override public void after(int groupId, int attempt) {
            LocalSpark.log(log, groupId + ":" + attempt);
            if (groupId == group && attempt == 0) throw new IllegalStateException("injected: task killed after its tile");
        }

        @Override public void afterBands(int range, int attempt) {
            after(-1 - range, attempt); // logged as "-2:0" for range 1's first attempt
            if (range == 1 && attempt == 0) throw new IllegalStateException("injected: Phase 5 task killed after its band file");
        }
    }

    /**
     * The driver records each master tile for resume as its task ends: a driver stopped while
     * other groups still stack keeps the finished tiles (they were recorded only after the last task).
     */
    @Test
    void eachMasterTileIsRecordedAsItsTaskEnds(@TempDir Path dir) throws IOException {
        Path out = dir.resolve("spark"), log = dir.resolve("seen.txt");
        MosaicPipeline.Outcome o = new SparkMosaic(LocalSpark.context(), new LocalSpark.WaitsForARecord(
                out.resolve("tessera-run.json").toString(), log.toString(), 1, Integer.MIN_VALUE))
                .mosaic(List.of(), out, new Config(), Progress.NONE);
        assertTrue(o.masterTiles().size() >= 2, o.masterTiles().toString());
        List<String> seen = Files.readAllLines(log);
        assertEquals(1, seen.size(), seen.toString());
        assertTrue(Integer.parseInt(seen.get(0).substring("seen:".length())) >= 1, "group 1 saw no tile recorded: " + seen);
    }

    @Test
    void demoSkyOnSparkIsTheSingleMachineMosaicWithARetriedTask(@TempDir Path dir) throws IOException {
        Config config = new Config();
        MosaicPipeline.Outcome one = MosaicPipeline.mosaic(List.of(), dir.resolve("one"), config, Progress.NONE);

        Path log = dir.resolve("attempts.txt");
        MosaicPipeline.Outcome spark = new SparkMosaic(LocalSpark.context(), new FailFirstAttempt(1, log.toString()))
                .mosaic(List.of(), dir.resolve("spark"), config, Progress.NONE);

        // the injected failure happened and Spark ran group 1 again
        List<String> attempts = new ArrayList<>(Files.readAllLines(log));
        Collections.sort(attempts);
        assertTrue(attempts.contains("1:0") && attempts.contains("1:1"), attempts.toString());
        // Phase 5 ran as several band tasks, range 1 twice (after its band file was written)
        assertTrue(attempts.contains("-1:0") && attempts.contains("-2:0") && attempts.contains("-2:1"), attempts.toString());
        assertFalse(Files.exists(dir.resolve("spark").resolve(".p5_bands")), "band files are merged and removed");
        assertEquals(one.masterTiles().size(), spark.masterTiles().size());
        assertTrue(one.masterTiles().size() >= 2, "the demo sky must make several tiles: " + one.masterTiles());
        assertTrue(spark.skipped().isEmpty(), spark.skipped().toString());

        for (int i = 0; i < one.masterTiles().size(); i++)
            assertSamePixels(one.masterTiles().get(i), spark.masterTiles().get(i));
        assertSamePixels(one.mosaic(), spark.mosaic());
        assertSamePixels(one.coverage(), spark.coverage());

        // Run again into the same folder: every master tile is reused (tessera-run.json, as on one
        // machine), so no Phase 3 task runs, and the mosaic is the same.
        Path again = dir.resolve("attempts-again.txt");
        MosaicPipeline.Outcome resumed = new SparkMosaic(LocalSpark.context(), new FailFirstAttempt(-99, again.toString()))
                .mosaic(List.of(), dir.resolve("spark"), config, Progress.NONE);
        List<String> rerun = Files.readAllLines(again);
        assertTrue(rerun.stream().noneMatch(a -> !a.startsWith("-")), "no master tile made again: " + rerun);
        assertTrue(rerun.stream().anyMatch(a -> a.startsWith("-")), "Phase 5 ran: " + rerun);
        assertEquals(spark.masterTiles(), resumed.masterTiles());
        assertSamePixels(one.mosaic(), resumed.mosaic());

        // The same frames and output folder named by file: URIs, through Hadoop's FileSystem API:
        // the driver only lists the frames, the executors read their headers, fetch their frames and
        // put their tiles and band files there. One more file has a damaged header.
        Path inDir = Files.createDirectories(dir.resolve("uri-in"));
        List<String> frameNames = new ArrayList<>();
        try (var sky = Files.list(one.outputDir().resolve(MosaicPipeline.DEFAULT_SKY_DIR))) {
            for (Path f : sky.toList()) {
                Files.copy(f, inDir.resolve(f.getFileName()));
                frameNames.add(f.getFileName().toString());
            }
        }
        byte[] bytes = Files.readAllBytes(inDir.resolve(frameNames.get(0)));
        bytes[80 * 4 + 20] = 0x01; // a control byte in the fifth card
        Path broken = Files.write(inDir.resolve("broken.fits"), bytes);
        frameNames.add("broken.fits");
        // what one machine says about it (the same scan as MosaicPipeline.mosaic's)
        List<FrameScanner.Problem> oneSkips = FrameScanner.scanFrames(List.of(inDir), null, FrameReading.DEFAULT, false).skipped();
        assertEquals(1, oneSkips.size(), oneSkips.toString());
        assertTrue(oneSkips.get(0).reason().contains("non-text byte 0x01"), oneSkips.toString());

        String in = inDir.toUri().toString();
        Path outDir = dir.resolve("by-uri");
        String outUri = outDir.toUri().toString();
        List<String> driverScratch = new ArrayList<>();
        SparkMosaic byUris = new SparkMosaic(LocalSpark.context());
        byUris.scratchProbe(scratch -> { // every file the driver's scratch folder holds at the end of the run
            try (var files = Files.walk(scratch)) {
                files.filter(Files::isRegularFile).forEach(f -> driverScratch.add(scratch.relativize(f).toString()));
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        SparkMosaic.Result byUri = byUris.mosaic(List.of(in), outUri, config, Progress.NONE);
        assertFalse(driverScratch.isEmpty(), "the driver worked on its outputs there");
        assertTrue(driverScratch.stream().noneMatch(f -> frameNames.contains(Path.of(f).getFileName().toString())),
                "no input frame was copied to the driver: " + driverScratch);
        assertEquals(outUri.replaceAll("/+$", "") + "/" + MosaicPipeline.MOSAIC, byUri.mosaic());
        // the broken frame reported by its URI with the reason one machine gives
        assertEquals(1, byUri.skipped().size(), byUri.skipped().toString());
        assertEquals(new org.apache.hadoop.fs.Path(broken.toUri()).toString(), byUri.skipped().get(0).file());
        assertEquals(oneSkips.get(0).reason(), byUri.skipped().get(0).reason());
        assertEquals(one.masterTiles().size(), byUri.masterTiles().size());
        for (int i = 0; i < one.masterTiles().size(); i++) {
            assertTrue(byUri.masterTiles().get(i).startsWith("file:"), byUri.masterTiles().get(i));
            assertSamePixels(one.masterTiles().get(i), outDir.resolve(MosaicPipeline.TILES_DIR).resolve(one.masterTiles().get(i).getFileName()));
        }
        assertSamePixels(one.mosaic(), outDir.resolve(MosaicPipeline.MOSAIC));
        assertSamePixels(one.coverage(), outDir.resolve(MosaicPipeline.COVERAGE));
        assertTrue(Files.size(outDir.resolve(MosaicPipeline.PREVIEW)) > 0);
        assertFalse(Files.exists(outDir.resolve(".p5_bands")), "the band files' folder is removed");
        try (var files = Files.walk(outDir)) { // only the outputs: no band file, temp file or checksum left
            List<String> names = files.filter(Files::isRegularFile).map(p -> outDir.relativize(p).toString()).sorted().toList();
            assertTrue(names.stream().allMatch(n -> n.startsWith(MosaicPipeline.TILES_DIR + "/master_tile_")
                    || n.startsWith("solved_wcs/") || List.of(MosaicPipeline.MOSAIC, MosaicPipeline.COVERAGE,
                    MosaicPipeline.PREVIEW, "tessera-run.json").contains(n)), names.toString());
        }
    }

    /**
     * An all-zero frame named by URI was kept by the driver's screen (it cannot read a frame named
     * by URI), grouped, and dropped by its tile's stack ("dropped from master tile N: …") after it
     * had shaped the tile's grid. The executors now screen it as they read the headers, and the
     * driver leaves it out as one machine does: the same reason, the same mosaic.
     */
    @Test
    void anAllZeroFrameNamedByUriIsLeftOutAsOnOneMachine(@TempDir Path dir) throws IOException {
        Path sky = dir.resolve("sky"), in = Files.createDirectories(dir.resolve("in"));
        org.tessera.synth.DefaultSky.demo().writeFits(sky);
        try (var files = Files.list(sky)) {
            for (Path f : files.filter(f -> f.getFileName().toString().contains("_p1_")).toList())
                Files.copy(f, in.resolve(f.getFileName()));
        }
        byte[] frame;
        try (var files = Files.list(in)) {
            frame = Files.readAllBytes(files.sorted().findFirst().orElseThrow());
        }
        int end = 0;
        while (!new String(frame, end, 8, java.nio.charset.StandardCharsets.US_ASCII).equals("END     ")) end += 80;
        java.util.Arrays.fill(frame, (end / 2880 + 1) * 2880, frame.length, (byte) 0); // stored 0: 32768 with BZERO
        Path zero = Files.write(in.resolve("zero.fit"), frame);
        Config config = new Config();

        MosaicPipeline.Outcome one = MosaicPipeline.mosaic(List.of(in), dir.resolve("one"), config, Progress.NONE);
        assertEquals(1, one.skipped().size(), one.skipped().toString());
        assertEquals(zero, one.skipped().get(0).file());
        String why = one.skipped().get(0).reason();
        assertEquals(org.tessera.io.ConstantFrames.reason(32768), why);

        Path out = dir.resolve("by-uri");
        SparkMosaic.Result byUri = new SparkMosaic(LocalSpark.context())
                .mosaic(List.of(in.toUri().toString()), out.toUri().toString(), config, Progress.NONE);
        assertEquals(List.of(new SparkMosaic.Skip(new org.apache.hadoop.fs.Path(zero.toUri()).toString(), why)),
                byUri.skipped());
        assertEquals(one.masterTiles().size(), byUri.masterTiles().size());
        assertSamePixels(one.mosaic(), out.resolve(MosaicPipeline.MOSAIC));
        assertSamePixels(one.coverage(), out.resolve(MosaicPipeline.COVERAGE));

        // named by its path: the executors' screen is the only one (the driver no longer reads every
        // local frame's pixels again), and it leaves the frame out all the same
        Path local = dir.resolve("by-path");
        SparkMosaic.Result byPath = new SparkMosaic(LocalSpark.context())
                .mosaic(List.of(in.toString()), local.toString(), config, Progress.NONE);
        assertEquals(1, byPath.skipped().size(), byPath.skipped().toString());
        assertEquals(why, byPath.skipped().get(0).reason());
        assertTrue(byPath.skipped().get(0).file().endsWith("zero.fit"), byPath.skipped().toString());
        assertSamePixels(one.mosaic(), local.resolve(MosaicPipeline.MOSAIC));
    }

    /**
     * Compressed frames (one gzip'ed, one fpack'ed, named by local path and by file: URI) give the
     * mosaic of the plain frames: each executor decompresses what it reads (FitsFrame.open), into
     * the application's scratch; a truncated .gz is skipped with the reason one machine gives, named by its URI.
     */
    @Test
    void compressedFramesGiveThePlainMosaicAndABadOneIsNamed(@TempDir Path dir) throws Exception {
        Path sky = dir.resolve("sky"), plain = Files.createDirectories(dir.resolve("plain"));
        Path packed = Files.createDirectories(dir.resolve("packed"));
        org.tessera.synth.DefaultSky.demo().writeFits(sky);
        List<Path> frames;
        try (var files = Files.list(sky)) {
            frames = files.filter(f -> f.getFileName().toString().contains("_p1_")).sorted().toList();
        }
        for (int i = 0; i < frames.size(); i++) {
            Path f = frames.get(i);
            String n = f.getFileName().toString();
            Files.copy(f, plain.resolve(n));
            if (i % 3 == 0) gzip(f, packed.resolve(n + ".gz"));
            else if (i % 3 == 1) fpack(f, packed.resolve(n + ".fz"));
            else Files.copy(f, packed.resolve(n));
        }
        byte[] gz = Files.readAllBytes(packed.resolve(frames.get(0).getFileName() + ".gz"));
        Path cut = Files.write(packed.resolve("cut.fits.gz"), java.util.Arrays.copyOf(gz, gz.length / 2));
        Config config = new Config();
        MosaicPipeline.Outcome one = MosaicPipeline.mosaic(List.of(plain), dir.resolve("one"), config, Progress.NONE);
        assertTrue(one.skipped().isEmpty(), one.skipped().toString());
        String why = "truncated gzip file: it ends before its compressed data do (an unfinished copy or download?)";

        MosaicPipeline.Outcome local = new SparkMosaic(LocalSpark.context())
                .mosaic(List.of(packed), dir.resolve("local"), config, Progress.NONE);
        assertEquals(List.of(cut + ": " + why), local.skipped().stream().map(k -> k.file() + ": " + k.reason()).toList());
        assertSamePixels(one.mosaic(), local.mosaic());
        assertSamePixels(one.coverage(), local.coverage());
        // the executors' copies are made in the application's scratch (spark.local.dir, removed
        // with the application), not in java.io.tmpdir where nothing on an executor deleted them
        Path copies = org.tessera.io.DecompressedCopies.location();
        assertTrue(copies != null && copies.startsWith(Path.of(org.apache.spark.SparkFiles.getRootDirectory()).toAbsolutePath().normalize()),
                copies + " not under " + org.apache.spark.SparkFiles.getRootDirectory());

        Path out = dir.resolve("by-uri");
        SparkMosaic.Result byUri = new SparkMosaic(LocalSpark.context())
                .mosaic(List.of(packed.toUri().toString()), out.toUri().toString(), config, Progress.NONE);
        assertEquals(List.of(new SparkMosaic.Skip(new org.apache.hadoop.fs.Path(cut.toUri()).toString(), why)), byUri.skipped());
        assertSamePixels(one.mosaic(), out.resolve(MosaicPipeline.MOSAIC));
        assertSamePixels(one.coverage(), out.resolve(MosaicPipeline.COVERAGE));
    }

    private static void gzip(Path src, Path dst) throws IOException {
        try (var in = Files.newInputStream(src); var o = new java.util.zip.GZIPOutputStream(Files.newOutputStream(dst))) {
            in.transferTo(o);
        }
    }

    /** The primary image tile-compressed (RICE_1, one row per tile) after an empty primary, as fpack writes it. */
    private static void fpack(Path src, Path dst) throws Exception {
        try (nom.tam.fits.Fits in = new nom.tam.fits.Fits(src.toFile()); nom.tam.fits.Fits o = new nom.tam.fits.Fits()) {
            nom.tam.fits.ImageHDU img = (nom.tam.fits.ImageHDU) in.readHDU();
            var c = nom.tam.image.compression.hdu.CompressedImageHDU.fromImageHDU(img, img.getAxes()[1], 1);
            c.setCompressAlgorithm("RICE_1");
            c.compress();
            o.addHDU(c);
            try (nom.tam.util.FitsFile f = new nom.tam.util.FitsFile(dst.toFile(), "rw")) {
                o.write(f);
            }
        }
    }

    @Test
    void aGroupFailingOnEveryAttemptIsReportedAndTheOthersMakeTheMosaic(@TempDir Path dir) throws IOException {
        Path log = dir.resolve("attempts.txt");
        MosaicPipeline.Outcome spark = new SparkMosaic(LocalSpark.context(), (g, attempt) -> {
            if (g == 2) throw new IllegalStateException("injected: group 2 always fails");
        }).mosaic(List.of(), dir.resolve("spark"), new Config(), Progress.NONE);
        assertEquals(3, spark.masterTiles().size(), spark.masterTiles().toString());
        assertFalse(spark.masterTiles().stream().anyMatch(p -> p.getFileName().toString().equals("master_tile_002.fits")));
        long tileFailed = spark.skipped().stream().filter(s -> s.file().getFileName().toString().equals("master_tile_002.fits")
                && s.reason().contains("master tile failed") && s.reason().contains("group 2 always fails")).count();
        assertEquals(1, tileFailed, spark.skipped().toString());
        // its five frames are named as reaching no mosaic
        long frames = spark.skipped().stream().filter(s -> s.reason().contains("the frame reaches no mosaic")).count();
        assertEquals(5, frames, spark.skipped().toString());
        assertTrue(Files.size(spark.mosaic()) > 0);
    }

    /** The real frames of ../shared/data (beside the checkout; the test is skipped without them). */
    @Test
    void m94SubsetOnSparkIsTheSingleMachineMosaic(@TempDir Path dir) throws IOException {
        Path data = Path.of("../../shared/data/seestar_m94_subset");
        assumeTrue(Files.isDirectory(data), "real test data not found at " + data.toAbsolutePath()
                + " (clone the shared data beside the repository as ../shared)");
        Config config = new Config();
        MosaicPipeline.Outcome one = MosaicPipeline.mosaic(List.of(data), dir.resolve("one"), config, Progress.NONE);
        MosaicPipeline.Outcome spark = new SparkMosaic(LocalSpark.context()).mosaic(List.of(data), dir.resolve("spark"), config, Progress.NONE);
        assertEquals(one.masterTiles().size(), spark.masterTiles().size());
        assertEquals(one.skipped().size(), spark.skipped().size(), spark.skipped().toString());
        for (int i = 0; i < one.masterTiles().size(); i++)
            assertSamePixels(one.masterTiles().get(i), spark.masterTiles().get(i));
        assertSamePixels(one.mosaic(), spark.mosaic());
        assertSamePixels(one.coverage(), spark.coverage());
    }

    @Test
    void masterTaskAttemptsFollowTheMasterString() {
        assertEquals(2, SparkMosaic.maxTaskAttempts("local[2,2]", 4));
        assertEquals(3, SparkMosaic.maxTaskAttempts("local[*, 3]", 4));
        assertEquals(1, SparkMosaic.maxTaskAttempts("local[4]", 4));
        assertEquals(1, SparkMosaic.maxTaskAttempts("local", 4));
        assertEquals(4, SparkMosaic.maxTaskAttempts("spark://host:7077", 4));
        assertEquals(8, SparkMosaic.maxTaskAttempts("yarn", 8));
    }

    static void assertSamePixels(Path a, Path b) throws IOException {
        assertEquals(a.getFileName(), b.getFileName());
        FitsFrame fa = FitsFrame.open(a), fb = FitsFrame.open(b);
        assertEquals(fa.width(), fb.width());
        assertEquals(fa.height(), fb.height());
        assertEquals(fa.channels(), fb.channels());
        float[][] pa = new float[fa.channels()][fa.width() * fa.height()], pb = new float[fb.channels()][fb.width() * fb.height()];
        fa.readRows(0, fa.height(), pa);
        fb.readRows(0, fb.height(), pb);
        boolean anyFinite = false;
        for (int c = 0; c < pa.length; c++) {
            assertArrayEquals(pa[c], pb[c], a.getFileName() + " channel " + c); // NaN equals NaN here, bit for bit
            for (float v : pa[c]) anyFinite |= Float.isFinite(v) && v != 0;
        }
        assertTrue(anyFinite, a + " holds no data");
        assertFalse(a.equals(b));
    }
}

package org.tessera.sds;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tessera.Logged;
import org.tessera.Progress;
import org.tessera.config.Config;
import org.tessera.image.FloatImage;
import org.tessera.io.FitsFrame;
import org.tessera.pipeline.MosaicPipeline;
import org.tessera.pipeline.RunManifest;

/**
 * SDS resume: a run that fails after k of its 4 mega-tiles, then rerun on the same output folder,
 * makes only the others (counted: one "[SDS] batch i/4" line per mega-tile made), keeps the first
 * k files untouched, and writes a mosaic bit-identical to an uninterrupted run's; a setting that
 * changes a mega-tile makes all of them again, one that only changes their combine reuses them all
 * and redoes the combine. The output folder lies inside the frames folder: a rerun never reads its
 * own mega-tiles or mosaic as frames.
 */
class SdsResumeTest {

    @TempDir
    static Path dir;
    static Path frames, ref;

    /** 12 frames in 4 batches of 3 (each covers the grid), a mega-tile each. */
    static Config config() {
        return SdsFixtures.sds().put("sds_min_batch_size", 3).put("sds_target_batch_size", 3)
                .put("sds_coverage_threshold", 0.85);
    }

    @BeforeAll
    static void reference() throws IOException {
        frames = dir.resolve("frames");
        SdsFixtures.field(12).writeFits(frames);
        ref = dir.resolve("ref");
        List<String> log = SdsFixtures.logged(() -> MosaicPipeline.mosaic(List.of(frames), ref, config(), Progress.NONE));
        assertEquals(4, made(log), String.join("\n", log));
    }

    @Test
    void interruptedRunResumesToTheSameMosaicWithoutRecomputingFinishedMegaTiles() throws IOException {
        Path out = frames.resolve("out"); // inside the input folder: its files must never become frames
        int k = 2;
        // The injected failure: the run crashes once k mega-tiles are finished (the progress's
        // cancel check, asked before each batch, throws; a cancel there ends the run the same way).
        try (Logged.Capture sds = Logged.capture("org.tessera.sds", Level.INFO)) {
            Progress crashAfterK = new Progress() {
                @Override public void update(double f, String m) { }
                @Override public boolean cancelled() {
                    if (sds.starting("[SDS] batch ").size() >= k) throw new IllegalStateException("injected failure");
                    return false;
                }
            };
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> MosaicPipeline.mosaic(List.of(frames), out, config(), crashAfterK));
            assertEquals("injected failure", e.getMessage());
            assertEquals(k, sds.starting("[SDS] batch ").size());
        }
        Path work = out.resolve(SdsMode.WORK_DIR);
        assertEquals(List.of("megatile_001.fits", "megatile_001_coverage.fits", "megatile_002.fits",
                "megatile_002_coverage.fits"), names(work), "the finished mega-tiles stay, nothing half-written");
        assertFalse(Files.exists(out.resolve(MosaicPipeline.MOSAIC)));
        Map<String, FileTime> times = times(work);

        List<String> log = SdsFixtures.logged(() -> MosaicPipeline.mosaic(List.of(frames), out, config(), Progress.NONE));
        String all = String.join("\n", log);
        assertTrue(all.contains("[SDS] mosaic first: 12 frame(s);"), "its own outputs are no frames:\n" + all);
        for (int id = 1; id <= k; id++)
            assertTrue(log.contains("[SDS] mega-tile " + id + " reused from the earlier run: megatile_00" + id
                    + ".fits (3 frames, size and CRC-32 verified)"), all);
        assertTrue(log.contains("[SDS] resume: 2 of 4 mega-tile(s) reused, 2 to make"), all);
        assertEquals(4 - k, made(log), "only the mega-tiles not finished are made:\n" + all);
        assertTrue(log.stream().anyMatch(s -> s.startsWith("[SDS] batch 3/4:")) && log.stream().anyMatch(s -> s.startsWith("[SDS] batch 4/4:")), all);
        Map<String, FileTime> after = times(work);
        for (Map.Entry<String, FileTime> e : times.entrySet())
            assertEquals(e.getValue(), after.get(e.getKey()), e.getKey() + " was finished and must not be written again");
        assertEquals(8, after.size());

        assertSamePixels(ref.resolve(MosaicPipeline.MOSAIC), out.resolve(MosaicPipeline.MOSAIC));
        assertSamePixels(ref.resolve(MosaicPipeline.COVERAGE), out.resolve(MosaicPipeline.COVERAGE));

        // A finished run again, the combine changed: every mega-tile reused, the combine redone.
        times = times(work);
        log = SdsFixtures.logged(() -> MosaicPipeline.mosaic(List.of(frames), out, config().put("global_coadd_method", "median"),
                Progress.NONE));
        all = String.join("\n", log);
        assertTrue(log.contains("[SDS] resume: 4 of 4 mega-tile(s) reused, 0 to make"), all);
        assertEquals(0, made(log), all);
        assertEquals(times, times(work));
        assertTrue(log.contains("[SDS] mosaic first: 12 frame(s); coverage threshold 0.85, batch sizes 3..3, combine "
                + SdsSettings.coadd("median", 2.0).describe() + ", keep coverage >= 0.40 of its maximum"), all);
        assertFalse(Arrays.equals(FloatImage.copyOf(FitsFrame.open(ref.resolve(MosaicPipeline.MOSAIC))).plane(0),
                FloatImage.copyOf(FitsFrame.open(out.resolve(MosaicPipeline.MOSAIC))).plane(0)), "the median combine is redone");

        // A setting that changes a mega-tile: none reused, the old files moved aside.
        log = SdsFixtures.logged(() -> MosaicPipeline.mosaic(List.of(frames), out, config().put("reproject_kernel", "nearest"),
                Progress.NONE));
        all = String.join("\n", log);
        assertFalse(all.contains("reused"), all);
        assertEquals(4, made(log), all);
        assertTrue(log.stream().anyMatch(s -> s.startsWith("[SDS] 11 file(s) of an earlier, different run")), all);
        assertEquals(8, names(out.resolve(RunManifest.PREVIOUS).resolve(SdsMode.WORK_DIR)).size());
        assertNotEquals(times.get("megatile_001.fits"), times(work).get("megatile_001.fits"));
    }

    /** Mega-tiles made in a run: one "[SDS] batch i/n: ..." line each. */
    static long made(List<String> log) {
        return log.stream().filter(s -> s.matches("\\[SDS\\] batch \\d+/\\d+: \\d+ frame\\(s\\), coverage .*")).count();
    }

    static List<String> names(Path d) throws IOException {
        try (Stream<Path> s = Files.list(d)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    static Map<String, FileTime> times(Path d) throws IOException {
        Map<String, FileTime> m = new LinkedHashMap<>();
        for (String n : names(d)) m.put(n, Files.getLastModifiedTime(d.resolve(n)));
        return m;
    }

    static void assertSamePixels(Path a, Path b) throws IOException {
        FitsFrame fa = FitsFrame.open(a), fb = FitsFrame.open(b);
        assertEquals(fa.width(), fb.width());
        assertEquals(fa.height(), fb.height());
        FloatImage ia = FloatImage.copyOf(fa), ib = FloatImage.copyOf(fb);
        assertEquals(ia.channels(), ib.channels());
        for (int c = 0; c < ia.channels(); c++) assertArrayEquals(ia.plane(c), ib.plane(c), b + " channel " + c);
    }
}

package org.tessera.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tessera.pipeline.OutputLock;
import org.tessera.pipeline.RunLog;

/** The command line's usage errors, found before any Spark context starts. */
class MainTest {

    private static String[] run(int expected, String... args) {
        return run(expected, null, args);
    }

    /** {@code shared}: the test JVM's one Spark context for a run that gets that far, or null. */
    private static String[] run(int expected, org.apache.spark.api.java.JavaSparkContext shared, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        int rc = Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8), shared);
        String[] text = {out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8)};
        assertEquals(expected, rc, text[0] + text[1]);
        return text;
    }

    @Test
    void helpAndUsageErrors() {
        assertTrue(run(0, "--help")[0].startsWith("Usage: tessera-spark mosaic"));
        assertTrue(run(2, "stack", "out.fits", "a.fit")[1].contains("expects the command 'mosaic'"));
        assertTrue(run(2, "mosaic", "a", "b", "c")[1].contains("at most INPUT_DIR and OUTPUT_DIR"));
        assertTrue(run(2, "mosaic", "a", "b", "-o", "c")[1].contains("output folder given twice"));
        assertTrue(run(2, "mosaic", "--bogus")[1].contains("unknown option: --bogus"));
        assertTrue(run(2, "mosaic", "--set")[1].contains("option --set needs a value"));
    }

    /**
     * Another run holding the output folder: refused with exit 2 before the run log is opened (and
     * before a Spark context starts), so that run's tessera.log gets no line of it.
     */
    @Test
    void aRunRefusedBecauseAnotherHoldsTheFolderWritesNothingIntoItsLog(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("out");
        ExecutorService other = Executors.newSingleThreadExecutor(); // another run of this JVM: its own thread
        OutputLock held = other.submit(() -> OutputLock.acquire(out)).get(60, TimeUnit.SECONDS);
        try {
            byte[] log = "---- Tessera run started 2026-12-06T20:00:00 ----\n".getBytes(StandardCharsets.UTF_8);
            Files.write(out.resolve(RunLog.FILE_NAME), log);
            String err = run(2, "mosaic", "-o", out.toString())[1];
            assertTrue(err.startsWith("tessera-spark: error: another Tessera run is writing into " + out + " (pid "), err);
            assertArrayEquals(log, Files.readAllBytes(out.resolve(RunLog.FILE_NAME)));
        } finally {
            held.close();
            other.shutdown();
        }
    }

    /** As bin/tessera: an option given its value twice is fine, two values are refused naming both. */
    @Test
    void anOptionGivenTwiceNeedsOneValue() {
        String missing = "/nonexistent/tessera/frames";
        // The same value twice: the line is accepted, and the run stops on the missing input.
        for (String[] args : new String[][] {{"mosaic", missing, "-o", "o", "-o", "./o/"}, {"mosaic", missing, "o", "--output", "o"},
                {"mosaic", missing, "--set", "stacking_kappa_high=3", "--set", "stacking_kappa_high=3.0"},
                {"mosaic", missing, "-m", "local[1]", "--master", "local[1]"}})
            assertTrue(run(2, args)[1].contains(missing + ": input does not exist"), String.join(" ", args));
        assertTrue(run(2, "mosaic", "a", "b", "-o", "c")[1].contains("output folder given twice (OUTPUT_DIR 'b' and --output 'c'): give it once"));
        assertTrue(run(2, "mosaic", "-c", "a.json", "--config", "b.json")[1].contains("--config given twice ('a.json' and 'b.json'): give it once"));
        assertTrue(run(2, "mosaic", "-m", "local[1]", "-m", "local[2]")[1].contains("--master given twice ('local[1]' and 'local[2]')"));
        assertTrue(run(2, "mosaic", "--set", "stacking_kappa_high=3", "-s", "stacking_kappa_high=2.5")[1]
                .contains("--set stacking_kappa_high given twice with different values ('3' and '2.5'): give it once"));
    }

    /**
     * A skipped input is named once on the console, by the list at the end; when the run fails (here
     * nothing is left), the phase's warning held back is shown before the failure, and tessera.log
     * keeps both.
     */
    @Test
    void aSkippedInputIsNamedOnceOnTheConsole(@TempDir Path dir) throws Exception {
        Path in = Files.createDirectories(dir.resolve("in")), out = dir.resolve("out");
        Files.writeString(in.resolve("garbage.fits"), "not a FITS file at all");
        String[] text = run(2, LocalSpark.context(), "mosaic", in.toString(), out.toString());
        String console = text[0] + text[1];
        int first = console.indexOf("garbage.fits"), failed = console.indexOf("failed: ");
        assertTrue(first >= 0 && failed > first, console);
        assertEquals(first, console.lastIndexOf("garbage.fits", failed - 1), "named once before the failure:\n" + console);
        String log = Files.readString(out.resolve(RunLog.FILE_NAME));
        assertTrue(log.contains("garbage.fits") && log.contains("failed: "), log);

        // A run that finishes: the phase's warning held back, the file named once, by the list.
        Path dss = Path.of("../../shared/data/dss_pair");
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isDirectory(dss), "../shared/data beside the checkout");
        for (String f : new String[] {"dss_test1.fits", "dss_test2.fits"}) Files.copy(dss.resolve(f), in.resolve(f));
        Path out2 = dir.resolve("out2");
        text = run(1, LocalSpark.context(), "mosaic", in.toString(), out2.toString());
        console = text[0] + text[1];
        assertEquals(1, console.split("garbage.fits", -1).length - 1, "named once:\n" + console);
        assertTrue(console.contains("skipped " + in.resolve("garbage.fits")), console);
        log = Files.readString(out2.resolve(RunLog.FILE_NAME));
        assertTrue(log.split("garbage.fits", -1).length - 1 >= 2, "the log keeps the phase's line too:\n" + log);
    }

    @Test
    void badSettingsAreRefusedLikeBinTessera() {
        assertTrue(run(2, "mosaic", "--set", "stacking_kappa_low=abc")[1]
                .contains("stacking_kappa_low: expected a number, got 'abc'"));
        assertTrue(run(2, "mosaic", "/nonexistent/tessera/frames")[1]
                .contains("/nonexistent/tessera/frames: input does not exist"));
    }
}

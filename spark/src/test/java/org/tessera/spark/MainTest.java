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
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        int rc = Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
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

    @Test
    void badSettingsAreRefusedLikeBinTessera() {
        assertTrue(run(2, "mosaic", "--set", "stacking_kappa_low=abc")[1]
                .contains("stacking_kappa_low: expected a number, got 'abc'"));
        assertTrue(run(2, "mosaic", "/nonexistent/tessera/frames")[1]
                .contains("/nonexistent/tessera/frames: input does not exist"));
    }
}

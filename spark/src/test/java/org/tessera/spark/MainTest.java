package org.tessera.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

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

    @Test
    void badSettingsAreRefusedLikeBinTessera() {
        assertTrue(run(2, "mosaic", "--set", "stacking_kappa_low=abc")[1]
                .contains("stacking_kappa_low: expected a number, got 'abc'"));
        assertTrue(run(2, "mosaic", "/nonexistent/tessera/frames")[1]
                .contains("/nonexistent/tessera/frames: input does not exist"));
    }
}

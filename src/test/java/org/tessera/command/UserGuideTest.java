package org.tessera.command;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.tessera.config.ConfigKeys;

/** Keeps the user documentation true to the code: config keys, macro keys, the test command. */
class UserGuideTest {

    static final Path GUIDE = Paths.get("docs/user-guide.md");
    static final String BEGIN = "<!-- config-keys:begin (generated from ConfigKeys.KEYS; UserGuideTest prints it) -->\n";
    static final String END = "<!-- config-keys:end -->";

    /** The config table as docs/user-guide.md must show it. */
    static String configTable() {
        StringBuilder sb = new StringBuilder("| key | default | values / meaning |\n|---|---|---|\n");
        for (ConfigKeys.Key k : ConfigKeys.KEYS) {
            Object d = k.defaultValue();
            sb.append("| `").append(k.name()).append("` | ")
              .append(d == null ? "unset" : "`" + d + "`").append(" | ")
              .append(k.description().replace("|", "\\|"))
              .append(k.allowed().describe().startsWith("a ") ? "; allowed: " + k.allowed().describe() : "")
              .append(" |\n");
        }
        return sb.toString();
    }

    @Test
    void everyConfigKeyIsDocumentedWithItsDefault() throws Exception {
        String guide = Files.readString(GUIDE);
        for (ConfigKeys.Key k : ConfigKeys.KEYS)
            assertTrue(guide.contains("| `" + k.name() + "` |"), k.name() + " is missing from " + GUIDE);
        int b = guide.indexOf(BEGIN), e = guide.indexOf(END);
        assertTrue(b >= 0 && e > b, "markers around the config table");
        assertEquals(configTable(), guide.substring(b + BEGIN.length(), e),
                "regenerate the table in " + GUIDE + " from this expected text");
    }

    @Test
    void macroKeysAndOutputsAreDocumented() throws Exception {
        String guide = Files.readString(GUIDE);
        for (String key : List.of("input", "output", "config", "rejection", "combine", "gpu", "kernel", "settings"))
            assertTrue(guide.contains("`" + key + "`"), "macro key " + key);
        for (String label : List.of("Build Mosaic...", "Stack Frames...", "Reproject and Coadd...")) {
            assertTrue(guide.contains("| **" + label + "** |"), "menu table row of " + label);
            assertTrue(guide.contains("run(\"" + label + "\""), "a macro line calling " + label);
        }
        for (String out : List.of("mosaic.fits", "mosaic_coverage.fits", "mosaic_preview.png", "master_tiles/", "tessera.log", "ALPHA"))
            assertTrue(guide.contains(out), out);
    }

    @Test
    void ciRunsTheReadmeTestCommand() throws Exception {
        String readme = Files.readString(Paths.get("README.md"));
        List<String> ci = Files.readAllLines(Paths.get(".ci/run"));
        String command = ci.get(ci.size() - 1).trim();
        assertEquals("mvn -B test", command);
        assertTrue(readme.contains("\n" + command + "\n"), "README shows the test command on its own line");
        assertTrue(readme.contains("mvn -q -B package -DskipTests && bin/tessera mosaic"), "README shows the build-and-run command");
        assertTrue(ci.get(0).equals("#!/usr/bin/env bash") && ci.contains("set -euo pipefail"));
    }

    /**
     * Every key of the original that Tessera accepts without effect is named in the guide's
     * "Accepted, no effect" list (by name, or by a pattern such as {@code winsor_*}): a ZeMosaic
     * user reads there what their file's keys do before the run log tells them.
     */
    @Test
    void everyKeyWithoutEffectIsListedAsSuch() throws Exception {
        String guide = Files.readString(GUIDE);
        int b = guide.indexOf("- **Accepted, no effect**"), e = guide.indexOf("\n- **", b + 1);
        assertTrue(b >= 0 && e > b, "the 'Accepted, no effect' item of " + GUIDE);
        List<java.util.regex.Pattern> named = new java.util.ArrayList<>();
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("`([a-z0-9_*]+)`").matcher(guide.substring(b, e));
        while (m.find()) named.add(java.util.regex.Pattern.compile(m.group(1).replace("*", "[a-z0-9_]*")));
        List<String> missing = new java.util.ArrayList<>();
        for (String k : org.tessera.config.ConfigCompat.NO_EFFECT.keySet())
            if (named.stream().noneMatch(p -> p.matcher(k).matches())) missing.add(k);
        assertEquals(List.of(), missing, "keys without effect missing from the 'Accepted, no effect' list of " + GUIDE);
    }
}

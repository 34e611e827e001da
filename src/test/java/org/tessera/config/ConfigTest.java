package org.tessera.config;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigTest {

    @Test
    void defaultsFollowTheReference() {
        Config c = new Config();
        assertEquals("winsorized_sigma_clip", c.getString("stacking_rejection_algorithm"));
        assertEquals(3.0, c.getDouble("stacking_kappa_low"));
        assertEquals(0.03, c.getDouble("cluster_panel_threshold"));
        assertTrue(c.getBoolean("intertile_photometric_match"));
        assertEquals(3200, c.getInt("preview_png_max_dim"));
        assertNull(c.getOptionalBoolean("use_gpu_grid"), "GPU aliases are unset so they follow use_gpu_phase5");
    }

    @Test
    void jsonOverlaysDefaultsAndKeepsUnknownKeys(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("cfg.json");
        Files.writeString(f, "{\"stacking_kappa_high\": 2.5, \"apply_master_tile_crop\": false,"
                + " \"my_unknown\": {\"a\": [1, 2]}, \"stacking_final_combine_method\": \"median\"}");
        Config c = new Config().load(f);
        assertEquals(2.5, c.getDouble("stacking_kappa_high"));
        assertFalse(c.getBoolean("apply_master_tile_crop"));
        assertEquals("median", c.getString("stacking_final_combine_method"));
        assertTrue(c.toJson().contains("\"my_unknown\""));
        Path g = dir.resolve("again.json");
        c.save(g);
        Config d = new Config().load(g);
        assertEquals(c.asMap().toString(), d.asMap().toString());
    }

    @Test
    void setTypesValuesLikeTheirDefault() {
        Config c = new Config().set("stacking_kappa_low=2").set("two_pass_coverage_renorm=yes").set("x_new=7");
        assertEquals(2.0, c.getDouble("stacking_kappa_low"));
        assertTrue(c.getBoolean("two_pass_coverage_renorm"));
        assertEquals(7L, c.get("x_new"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> c.set("stacking_kappa_low=abc"));
        assertTrue(e.getMessage().contains("stacking_kappa_low"));
        assertThrows(IllegalArgumentException.class, () -> c.set("novalue"));
    }

    /** A number written with a comma says what to write instead, from --set and from a config file alike. */
    @Test
    void aDecimalCommaIsNamed(@TempDir Path dir) throws Exception {
        Config c = new Config();
        assertEquals("stacking_kappa_low: expected a number, got '2,5' (a number takes a decimal point, not a comma: 2.5)",
                assertThrows(IllegalArgumentException.class, () -> c.set("stacking_kappa_low=2,5")).getMessage());
        assertEquals("cluster_panel_threshold: expected a number, got ',03' (a number takes a decimal point, not a comma: .03)",
                assertThrows(IllegalArgumentException.class, () -> c.set("cluster_panel_threshold=,03")).getMessage());
        assertEquals("max_raw_per_master_tile: expected a number, got '1,000' (a number takes no comma: 1000, or 1.000 "
                + "with a decimal point)", assertThrows(IllegalArgumentException.class,
                        () -> c.set("max_raw_per_master_tile=1,000")).getMessage());
        assertEquals("stacking_kappa_low: expected a number, got 'abc'",
                assertThrows(IllegalArgumentException.class, () -> c.set("stacking_kappa_low=abc")).getMessage());
        Path f = Files.writeString(dir.resolve("z.json"), "{\"stacking_kappa_high\": \"3,5\"}");
        assertEquals(f + ": stacking_kappa_high: expected a number, got '3,5' (a number takes a decimal point, not a "
                + "comma: 3.5)", assertThrows(java.io.IOException.class, () -> new Config().load(f)).getMessage());
    }

    @Test
    void badJsonNamesTheFileAndLine(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("bad.json");
        Files.writeString(f, "{\n \"a\": 1,\n \"b\" 2}");
        Exception e = assertThrows(java.io.IOException.class, () -> new Config().load(f));
        assertTrue(e.getMessage().contains("bad.json") && e.getMessage().contains("line 3"), e.getMessage());
    }

    /**
     * The JSON mistakes of a hand-edited config say what to change and where: a comma after the last
     * entry (said "expected a key at line 4", the line of the brace), a file missing its last brace
     * ("unexpected end"), single quotes as Python writes them.
     */
    @Test
    void commonJsonMistakesAreNamedWithTheirLine(@TempDir Path dir) throws Exception {
        java.util.Map<String, String> cases = new java.util.LinkedHashMap<>();
        cases.put("{\n \"stacking_kappa_low\": 2.5,\n \"stacking_kappa_high\": 3,\n}\n",
                "a comma before '}': JSON allows no comma after the last entry; remove it at line 3");
        cases.put("{\"winsor\": [0.05, 0.05,\n ]}", "a comma before ']': JSON allows no comma after the last value; "
                + "remove it at line 1");
        cases.put("{\n \"stacking_kappa_low\": 2.5,\n \"stacking_kappa_high\": 3\n",
                "the text ends before the '}' that closes the object opened at line 1");
        cases.put("{\"a\": {\"b\": [1,\n 2", "the text ends before the ']' that closes the array opened at line 1");
        cases.put("{\n \"a\": 1,\n 'b': 2}", "a key in single quotes: JSON takes double quotes (\"key\") at line 3");
        cases.put("{\"mode\": 'sds'}", "a string in single quotes: JSON takes double quotes (\"text\") at line 1");
        cases.put("{\"a\": 1 \"b\": 2}", "expected ',' or '}' at line 1");
        Path f = dir.resolve("cfg.json");
        for (java.util.Map.Entry<String, String> c : cases.entrySet()) {
            Files.writeString(f, c.getKey());
            Exception e = assertThrows(java.io.IOException.class, () -> new Config().load(f), c.getKey());
            assertEquals(f + ": not valid JSON: " + c.getValue(), e.getMessage(), c.getKey());
        }
    }

    /**
     * A config saved by Notepad (byte-order mark, CRLF) stopped with "not valid JSON: unexpected
     * character '\uFEFF'" (invisible), one saved by PowerShell's {@code >} (UTF-16) with "Input
     * length = 1", naming no file. Both are read; text in a Windows code page is named with the line.
     */
    @Test
    void configsAsEditorsSaveThemAreReadOrNamed(@TempDir Path dir) throws Exception {
        String json = "{\r\n  \"stacking_kappa_low\": 2.5,\r\n  \"OBJECT_note\": \"M31 \u00e9\"\r\n}\r\n";
        byte[] utf8 = json.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        Path bom = dir.resolve("bom.json");
        Files.write(bom, concat(new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF}, utf8));
        assertEquals(2.5, new Config().load(bom).getDouble("stacking_kappa_low"));
        Path le = dir.resolve("utf16le.json");
        Files.write(le, concat(new byte[] {(byte) 0xFF, (byte) 0xFE}, json.getBytes(java.nio.charset.StandardCharsets.UTF_16LE)));
        Config c = new Config().load(le);
        assertEquals(2.5, c.getDouble("stacking_kappa_low"));
        assertEquals("M31 \u00e9", c.getString("OBJECT_note"));
        Path be = dir.resolve("utf16be.json");
        Files.write(be, concat(new byte[] {(byte) 0xFE, (byte) 0xFF}, json.getBytes(java.nio.charset.StandardCharsets.UTF_16BE)));
        assertEquals("M31 \u00e9", new Config().load(be).getString("OBJECT_note"));
        Path ansi = dir.resolve("ansi.json");
        Files.write(ansi, json.getBytes(java.nio.charset.Charset.forName("windows-1252")));
        java.io.IOException e = assertThrows(java.io.IOException.class, () -> new Config().load(ansi));
        assertEquals(ansi + ": not UTF-8 text: line 3 holds the byte 0xE9 (saved in another encoding, such as a "
                + "Windows code page?): save it as UTF-8", e.getMessage());
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] c = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }
}

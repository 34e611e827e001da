package org.tessera.command;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tessera.config.Config;

class JobSettingsTest {

    @Test
    void splitsOnSpacesNewLinesAndSemicolonsKeepingQuotedSpaces() {
        assertEquals(List.of("a=1", "b=2", "c=3", "d=4", "object=M 13", "stacking_winsor_limits=0.05,0.05"),
                JobSettings.split("  a=1 b=2\nc=3;d=4\r\n\tobject=\"M 13\" stacking_winsor_limits=0.05,0.05 "));
        assertEquals(List.of(), JobSettings.split(null));
        assertEquals(List.of(), JobSettings.split(" \n ;"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> JobSettings.split("a=\"x"));
        assertTrue(e.getMessage().contains("unbalanced double quote"));
    }

    @Test
    void precedenceIsDefaultsThenFileThenChoicesThenSettings(@TempDir Path dir) throws Exception {
        Path cfg = Files.writeString(dir.resolve("c.json"), "{\"stacking_rejection_algorithm\": \"kappa_sigma\","
                + " \"stacking_final_combine_method\": \"median\", \"stacking_kappa_low\": 2.0, \"use_gpu_phase5\": false}");
        Map<String, String> choices = new LinkedHashMap<>();
        choices.put("rejection", "linear_fit_clip");  // overrides the file
        choices.put("combine", "config");            // keeps the file's median
        choices.put("gpu", null);                    // not given: keeps the file's false
        Config c = JobSettings.build(cfg, choices, List.of("stacking_kappa_low=2.75", "stacking_rejection_algorithm=none"));
        assertEquals("none", c.getString("stacking_rejection_algorithm"), "settings come last");
        assertEquals("median", c.getString("stacking_final_combine_method"));
        assertEquals(2.75, c.getDouble("stacking_kappa_low"));
        assertFalse(c.getBoolean("use_gpu_phase5"));
        assertEquals(3.0, c.getDouble("stacking_kappa_high"), "default");
    }

    @Test
    void choicesSetTheirKeysAndRejectUnknownValues() {
        Config c = new Config();
        Choices.apply(c, "gpu", "off");
        assertEquals(Boolean.FALSE, c.get("use_gpu_phase5"));
        Choices.apply(c, "gpu", "ON");
        assertEquals(Boolean.TRUE, c.get("use_gpu_phase5"));
        Choices.apply(c, "kernel", "lanczos3");
        assertEquals("lanczos3", c.getString("reproject_kernel"));
        Choices.apply(c, "combine", " median ");
        assertEquals("median", c.getString("stacking_final_combine_method"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Choices.apply(c, "rejection", "sigma"));
        assertEquals("rejection: expected one of config, winsorized_sigma_clip, kappa_sigma, linear_fit_clip, none"
                + " (or a label: Winsorized sigma clip (default), Kappa-sigma clip, Linear fit clip, None (no rejection)), got 'sigma'",
                e.getMessage());
    }

    @Test
    void aChoiceAndAnAssignmentOfItsKeyConflictOnlyWhenTheyDisagree() {
        Config c = new Config();
        Choices.apply(c, "mode", "sds");
        assertEquals(Boolean.TRUE, c.get("sds_mode_default"));
        Choices.apply(c, "mode", Choices.MODE_CLASSIC); // the "(default)" entry keeps what is there
        assertEquals(Boolean.TRUE, c.get("sds_mode_default"));
        Choices.apply(c, "mode", "classic");
        assertEquals(Boolean.FALSE, c.get("sds_mode_default"));

        assertEquals("sds_mode_default=false", Choices.conflicting("mode", "sds", List.of("a=1", "sds_mode_default=false")));
        assertNull(Choices.conflicting("mode", "sds", List.of("sds_mode_default=yes")), "yes is true");
        assertNull(Choices.conflicting("mode", Choices.MODE_SDS, List.of("sds_mode_default=true")));
        assertNull(Choices.conflicting("mode", Choices.MODE_CLASSIC, List.of("sds_mode_default=true")), "(default) sets nothing");
        assertNull(Choices.conflicting("mode", "config", List.of("sds_mode_default=true")));
        assertNull(Choices.conflicting("mode", null, List.of("sds_mode_default=true")));
        assertEquals("stacking_rejection_algorithm=none",
                Choices.conflicting("rejection", "kappa_sigma", List.of("stacking_rejection_algorithm=none")));
    }

    @Test
    void choicesOfferWhatTheConfigKeysDocument() {
        // Every choice value but "config" must be a value the key's documentation lists.
        Map<String, List<String>> lists = Map.of("rejection", Choices.values("rejection"), "combine", Choices.values("combine"),
                "kernel", Choices.values("kernel"));
        for (var e : lists.entrySet()) {
            String doc = org.tessera.config.ConfigKeys.KEYS.stream()
                    .filter(k -> k.name().equals(Choices.KEYS.get(e.getKey()))).findFirst().orElseThrow().description();
            for (String v : e.getValue().subList(1, e.getValue().size()))
                assertTrue(doc.contains(v), e.getKey() + "=" + v + " not in '" + doc + "'");
            String def = String.valueOf(org.tessera.config.ConfigKeys.DEFAULTS.get(Choices.KEYS.get(e.getKey())));
            assertEquals(def, e.getValue().get(1), "the default is the first real choice");
            assertTrue(Choices.options(e.getKey()).get(0).label().endsWith("(default)"));
        }
    }

    @Test
    void missingConfigFileAndBadValuesAreNamed(@TempDir Path dir) {
        Path missing = dir.resolve("none.json");
        IOException e = assertThrows(IOException.class, () -> JobSettings.build(missing, Map.of(), List.of()));
        assertEquals("config file not found: " + missing, e.getMessage());
        IOException folder = assertThrows(IOException.class, () -> JobSettings.build(dir, Map.of(), List.of()));
        assertEquals("config file expected, but " + dir + " is a folder: name the JSON file in it", folder.getMessage());
        IllegalArgumentException b = assertThrows(IllegalArgumentException.class,
                () -> JobSettings.build(null, Map.of(), List.of("apply_master_tile_crop=maybe")));
        assertTrue(b.getMessage().startsWith("apply_master_tile_crop: expected true/false"), b.getMessage());
        // a macro line's settings=[stacking_kappa_low] (the value forgotten) said "expected key=value, got …", not where
        for (String a : List.of("stacking_kappa_low", "=2.5"))
            assertEquals("settings: expected key=value, got '" + a + "' (e.g. stacking_kappa_low=2.5)",
                    assertThrows(IllegalArgumentException.class, () -> JobSettings.build(null, Map.of(), List.of(a))).getMessage());
    }

    /**
     * One rule for a key given twice, shared by the command line's --set and the menus' settings
     * field: values that mean the same are one value, others are named as written.
     */
    @Test
    void aKeyGivenTwiceIsAConflictOnlyWithTwoValues() {
        assertNull(JobSettings.repeatedKey(List.of("stacking_kappa_high=3", "stacking_kappa_high = 3.0", // a number
                "stacking_demosaic=MHC", "stacking_demosaic=mhc ", // a choice: case and blanks
                "hot_pixel_correction=yes", "hot_pixel_correction=on", "hot_pixel_correction=1", // true/false
                "two_pass_gain_clip=0.85,1.18", "two_pass_cov_gain_clip=[0.85, 1.180]", // an alias and its key, a pair
                "my_own=x", "my_own=x", "my_num=2", "my_num=2.0"))); // keys Tessera does not know: as typed
        assertEquals("stacking_demosaic given twice with different values ('MHC' and 'bilinear')",
                JobSettings.repeatedKey(List.of("stacking_demosaic=MHC", "stacking_kappa_low=2", "stacking_demosaic=bilinear")));
        assertEquals("two_pass_cov_gain_clip given twice with different values ('0.85,1.18' and '0.9,1.18')",
                JobSettings.repeatedKey(List.of("two_pass_gain_clip=0.85,1.18", "two_pass_cov_gain_clip=0.9,1.18")));
        assertEquals("hot_pixel_correction given twice with different values ('yes' and 'off')",
                JobSettings.repeatedKey(List.of("hot_pixel_correction=yes", "hot_pixel_correction=off")));
        assertEquals("my_own given twice with different values ('x' and 'X')", JobSettings.repeatedKey(List.of("my_own=x", "my_own=X")));
    }

    @Test
    void unknownKeysAreReported() {
        assertEquals(List.of("stacking_kapa_low", "my_own"),
                JobSettings.unknownKeys(List.of("stacking_kappa_low=2", "stacking_kapa_low=2", "my_own=x")));
        assertTrue(JobSettings.unknownKeyWarnings(List.of("x=1")).get(0).startsWith("unknown config key 'x'"));
    }
}

package org.tessera.config;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.tessera.command.JobSettings;
import org.tessera.reproject.CoaddParams;
import org.tessera.tiles.AltAzGating;

/** A ZeMosaic config file carried over unchanged: accepted, read under the original's names, warned once. */
class ConfigCompatTest {

    /** Every key of the original's default config, with its default (two-pass and policy changed to check they are read). */
    static final Path ORIGINAL = Paths.get("src/test/resources/config/zemosaic_config.json");

    @Test
    void theOriginalsCompleteConfigLoadsWithOneNoEffectWarningAndNoUnknownKey() throws Exception {
        Config c = JobSettings.build(ORIGINAL, java.util.Map.of(), List.of());
        assertEquals(148, c.givenKeys().size());
        assertEquals(List.of(), ConfigValidator.problems(c)); // every value of the original's file is valid here
        List<String> w = ConfigCompat.warnings(c);
        assertEquals(1, w.size(), w.toString()); // no unknown key, one no-effect line
        String line = w.get(0);
        int idle = 0;
        for (String k : c.givenKeys()) if (ConfigCompat.NO_EFFECT.containsKey(k)) idle++;
        assertTrue(line.startsWith(idle + " config keys have no effect in Tessera: "), line);
        assertTrue(idle >= 80, "idle keys " + idle);
        assertTrue(line.contains("language, preferred_gui_backend, "), line);
        assertTrue(line.contains(", enable_early_filter [GUI-only"), line);
        assertTrue(line.contains("stacking_winsor_limits [legacy quantile limits"), line);
        // SDS mode's keys and the global grid's take effect (package sds)
        assertFalse(line.contains("sds_"), line);
        assertFalse(line.contains("global_coadd"), line);
        assertFalse(line.contains("global_wcs_pixelscale_mode"), line);
        assertTrue(line.contains("global_wcs_output_path [paths are the command's arguments"), line);
        // keys that take effect are not in the line
        assertFalse(line.contains("stacking_kappa_low,"), line);
        assertFalse(line.contains("two_pass_cov_sigma_px"), line);
        assertFalse(line.contains("intertile_preview_size"), line);

        // values read under the original's names
        assertEquals(40.0, c.getDouble("two_pass_cov_sigma_px"));
        CoaddParams p = CoaddParams.fromConfig(c);
        assertEquals(40.0, p.match().renormSigmaPx());
        assertEquals(0.9, p.match().renormGainLow());
        assertEquals(1.1, p.match().renormGainHigh());
        assertEquals(512, p.match().previewSize()); // intertile_preview_size of the file
        assertEquals(AltAzGating.UnknownPolicy.ALTAZ, AltAzGating.fromConfig(c).policy()); // "on"
        assertEquals(0.0, c.getDouble("cluster_orientation_split_deg"));
    }

    /**
     * intertile_recenter_clip was documented as the clip of the recentred gains, but the recentring
     * moves offsets only (docs/reproject.md): any value gave the same mosaic, silently, and a value
     * that is no pair stopped the run in Phase 5. It is now one of the keys without effect.
     */
    @Test
    void theRecenterClipIsNamedAsWithoutEffect() {
        Config c = new Config().set("intertile_recenter_clip=0.1,0.2");
        assertEquals(List.of("1 config key has no effect in Tessera: intertile_recenter_clip ["
                + ConfigCompat.NO_EFFECT.get("intertile_recenter_clip") + "]"), ConfigCompat.warnings(c));
        assertEquals(CoaddParams.defaults().match(), CoaddParams.fromConfig(c).match());
        assertEquals(CoaddParams.defaults().match(),
                CoaddParams.fromConfig(new Config().set("intertile_recenter_clip=abc")).match());
    }

    @Test
    void tesserasEarlierNamesAreAliasesOfTheOriginals() {
        Config c = new Config().set("two_pass_sigma_px=25").set("two_pass_gain_clip=0.8,1.2");
        assertEquals(25.0, c.getDouble("two_pass_cov_sigma_px"));
        CoaddParams p = CoaddParams.fromConfig(c);
        assertEquals(25.0, p.match().renormSigmaPx());
        assertEquals(0.8, p.match().renormGainLow());
        assertEquals(1.2, p.match().renormGainHigh());
        assertTrue(ConfigCompat.warnings(c).isEmpty(), ConfigCompat.warnings(c).toString());
        ConfigValidator.validate(c);
    }

    @Test
    void altazUnknownPolicyOnOffAreTheOriginalsValues() {
        ConfigValidator.validate(new Config().set("altaz_unknown_policy=on"));
        ConfigValidator.validate(new Config().set("altaz_unknown_policy=off"));
        assertEquals(AltAzGating.UnknownPolicy.ALTAZ, AltAzGating.UnknownPolicy.parse("on"));
        assertEquals(AltAzGating.UnknownPolicy.EQ, AltAzGating.UnknownPolicy.parse("off"));
        assertEquals(AltAzGating.UnknownPolicy.EQ, AltAzGating.UnknownPolicy.parse("eq"));
        assertThrows(IllegalArgumentException.class, () -> ConfigValidator.validate(new Config().set("altaz_unknown_policy=maybe")));
    }

    @Test
    void unknownKeysFromJsonAreWarnedEachOnceAndDefaultsAreNotMentioned(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        Path f = dir.resolve("c.json");
        java.nio.file.Files.writeString(f, "{\"stacking_kapa_low\": 2, \"stacking_kappa_low\": 2.5, \"language\": \"fr\"}");
        Config c = JobSettings.build(f, java.util.Map.of(), List.of("my_own=x"));
        assertEquals(List.of(
                "unknown config key 'stacking_kapa_low' (kept as given; did you mean 'stacking_kappa_low'?)",
                "unknown config key 'my_own' (kept as given; check the spelling against docs/user-guide.md)",
                "1 config key has no effect in Tessera: language [" + ConfigCompat.NO_EFFECT.get("language") + "]"),
                ConfigCompat.warnings(c));
        assertTrue(ConfigCompat.warnings(new Config()).isEmpty());
    }

    /** A misspelt key names the key it most likely means; a key near none, or near two alike, does not guess. */
    @Test
    void aMisspeltKeyNamesTheKeyItMeans() {
        assertEquals("unknown config key 'stacking_kappa_hihg' (kept as given; did you mean 'stacking_kappa_high'?)",
                ConfigCompat.unknownKey("stacking_kappa_hihg"));
        assertEquals("unknown config key 'Reproject_Kernel' (kept as given; did you mean 'reproject_kernel'?)",
                ConfigCompat.unknownKey("Reproject_Kernel"));
        assertEquals("unknown config key 'stacking_kappa_' (kept as given; check the spelling against docs/user-guide.md)",
                ConfigCompat.unknownKey("stacking_kappa_"), "3 edits from stacking_kappa_low: no guess");
        assertEquals("unknown config key 'my_own' (kept as given; check the spelling against docs/user-guide.md)",
                ConfigCompat.unknownKey("my_own"));
        assertEquals(2, ConfigCompat.distance("abcd", "bacde", 3));
    }
}

package org.tessera.sds;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tessera.config.Config;
import org.tessera.config.ConfigCompat;
import org.tessera.config.ConfigKeys;
import org.tessera.config.ConfigValidator;
import org.tessera.stack.StackParams;

/** The SDS keys: the original's names and defaults, read from a JSON config, checked before a run. */
class SdsSettingsTest {

    @TempDir
    Path dir;

    @Test
    void defaultsAreTheOriginals() {
        Config c = new Config();
        assertFalse(SdsSettings.enabled(c));
        SdsSettings s = SdsSettings.fromConfig(c);
        assertEquals(new SdsBatches.Policy(0.92, 5, 10), s.policy());
        assertEquals(0.4, s.minCoverageKeep());
        assertEquals(StackParams.Rejection.KAPPA_SIGMA, s.coadd().rejection());
        assertEquals(2.0, s.coadd().kappaLow());
        assertEquals(2.0, s.coadd().kappaHigh());
        assertEquals("median", s.scaleMode());
        assertTrue(Double.isNaN(s.scaleArcsec()));
        assertEquals(2.0, s.paddingPercent());
        assertTrue(s.northUp());
        assertTrue(s.autocrop());
        assertEquals(128, s.marginPx());
        assertEquals(null, ConfigKeys.DEFAULTS.get("global_wcs_res_override"));
        assertTrue(ConfigKeys.DEFAULTS.containsKey("global_wcs_res_override"));
    }

    @Test
    void everyKeyTakesEffectFromAJsonConfig() throws Exception {
        Path json = dir.resolve("zemosaic_config.json");
        Files.writeString(json, """
                {"sds_mode_default": true, "sds_coverage_threshold": 0.8, "sds_min_batch_size": 3,
                 "sds_target_batch_size": 7, "sds_min_coverage_keep": 0.25, "global_coadd_method": "winsorized",
                 "global_coadd_k": 2.5, "global_wcs_pixelscale_mode": "max", "global_wcs_padding_percent": 5.0,
                 "global_wcs_orientation": "auto", "global_wcs_res_override": 3.1,
                 "global_wcs_autocrop_enabled": false, "global_wcs_autocrop_margin_px": 16}
                """, StandardCharsets.UTF_8);
        Config c = new Config().load(json);
        ConfigValidator.validate(c);
        assertEquals(List.of(), ConfigCompat.warnings(c), "no key unknown, none without effect");
        assertTrue(SdsSettings.enabled(c));
        SdsSettings s = SdsSettings.fromConfig(c);
        assertEquals(new SdsBatches.Policy(0.8, 3, 7), s.policy());
        assertEquals(0.25, s.minCoverageKeep());
        assertEquals(StackParams.Rejection.WINSORIZED_SIGMA_CLIP, s.coadd().rejection());
        assertEquals(2.5, s.coadd().kappaHigh());
        assertEquals("max", s.scaleMode());
        assertEquals(3.1, s.scaleArcsec());
        assertEquals(5.0, s.paddingPercent());
        assertFalse(s.northUp());
        assertFalse(s.autocrop());
        assertEquals(16, s.marginPx());
        // and through --set, as the CLI gives them
        Config set = new Config().set("sds_mode_default=true").set("global_coadd_method=median");
        assertTrue(SdsSettings.enabled(set));
        assertEquals(StackParams.Combine.MEDIAN, SdsSettings.fromConfig(set).coadd().combine());
        assertEquals(StackParams.Rejection.NONE, SdsSettings.fromConfig(set).coadd().rejection());
    }

    /** Fiji's Build Mosaic has no mode drop-down: its Settings field (macro key settings=[…]) selects SDS. */
    @Test
    void buildMosaicsSettingsFieldSelectsSds() throws Exception {
        org.tessera.command.JobRequest r = org.tessera.command.JobRequest.fromForm(org.tessera.command.Job.MOSAIC,
                dir, dir.resolve("out"), null, java.util.Map.of(), "sds_mode_default=true\nsds_min_coverage_keep=0.5");
        assertTrue(SdsSettings.enabled(r.config()));
        assertEquals(0.5, SdsSettings.fromConfig(r.config()).minCoverageKeep());
    }

    @Test
    void badValuesStopTheRunBeforeAnyWork() {
        for (String bad : List.of("global_coadd_method=sigma", "sds_min_coverage_keep=1.5", "sds_min_batch_size=0",
                "global_wcs_orientation=south_up", "global_coadd_k=0", "global_wcs_pixelscale_mode=mode")) {
            Config c = new Config().set(bad);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ConfigValidator.validate(c), bad);
            assertTrue(e.getMessage().contains(bad.substring(0, bad.indexOf('='))), e.getMessage());
        }
    }

    @Test
    void theMegaTileCombineIsTheStackCoresWithTheOriginalsMethods() {
        assertEquals(StackParams.Rejection.KAPPA_SIGMA, SdsSettings.coadd("kappa_sigma", 2).rejection());
        assertEquals(StackParams.Rejection.WINSORIZED_SIGMA_CLIP, SdsSettings.coadd("winsorized_sigma_clip", 2).rejection());
        StackParams mean = SdsSettings.coadd("mean", 2);
        assertEquals(StackParams.Rejection.NONE, mean.rejection());
        assertEquals(StackParams.Combine.MEAN, mean.combine());
        // as the original's global coadd: the core neither normalises nor weighs (levels and frame counts come from SDS)
        assertEquals(StackParams.Normalize.NONE, mean.normalize());
        assertEquals(StackParams.Weighting.NONE, mean.weighting());
    }
}

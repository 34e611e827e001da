package org.tessera.pipeline;

import static org.junit.jupiter.api.Assertions.*;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.tessera.config.Config;

/** Which settings decide whether an earlier run's master tiles may be reused. */
class RunManifestSettingsTest {

    @Test
    void keysThatChangeATileAreTileSettingsAndWorkerCountsAreNot() {
        Map<String, Object> tile = RunManifest.settings(new Config(), true);
        for (String k : new String[] {"stacking_kappa_low", "altaz_cleanup_enabled", "cluster_panel_threshold",
                "hot_pixel_correction", "solver_choice", "astap_default_search_radius", "force_resolve_existing_wcs",
                "stacking_demosaic"})
            assertTrue(tile.containsKey(k), k + " changes a master tile");
        for (String k : new String[] {"num_processing_workers", "use_gpu_phase5", "gpu_simulate", "resume",
                "reproject_kernel", "preview_png_max_dim"})
            assertFalse(tile.containsKey(k), k + " does not change a master tile");

        Map<String, Object> all = RunManifest.settings(new Config(), false);
        assertTrue(all.containsKey("reproject_kernel"), "Phase 5 settings decide whether the mosaic is current");
        assertFalse(all.containsKey("num_processing_workers"), "worker counts change nothing in the outputs");
        assertFalse(all.containsKey("gpu_simulate"));

        // The same values however written: a JSON config's 3 and 0 are the defaults' 3.0 and 0, --set
        // gives 0.0 for 0, a true/false key may be 1, a pair a list: not another run, the same tiles.
        Config written = new Config().put("stacking_kappa_low", 3L).put("max_raw_per_master_tile", 0.0)
                .put("apply_radial_weight", 0L).put("cluster_panel_threshold", 0.030);
        written.set("cluster_target_groups=0");
        assertEquals(tile, RunManifest.settings(written, true));
        for (Object pair : List.of(List.of(0.85, 1.18), "0.85, 1.180", "[0.85, 1.18]"))
            assertEquals(RunManifest.settings(new Config(), false),
                    RunManifest.settings(new Config().put("two_pass_cov_gain_clip", pair), false), pair.toString());
        assertEquals("a,b", RunManifest.canonical("", "a,b"), "text stays as written");
        // A choice in another case or with blanks, a switch written yes/on/1: the values the run takes, the same tiles.
        Config spelt = new Config().put("stacking_demosaic", " MHC").put("stacking_rejection_algorithm", "Winsorized_Sigma_Clip")
                .put("hot_pixel_correction", "yes").put("altaz_cleanup_enabled", "Off");
        assertEquals(tile, RunManifest.settings(spelt, true));
        assertEquals(RunManifest.settings(new Config(), false), RunManifest.settings(spelt, false));
        assertEquals("bilinear", RunManifest.settings(new Config().put("stacking_demosaic", "Bilinear"), true).get("stacking_demosaic"));
        assertEquals("false", RunManifest.settings(new Config().put("hot_pixel_correction", "OFF"), true).get("hot_pixel_correction"));
        assertNotEquals(tile, RunManifest.settings(new Config().put("stacking_kappa_low", 3.5), true), "another value is another run");
        assertNotEquals(tile, RunManifest.settings(new Config().put("stacking_demosaic", "bilinear"), true), "another demosaic too");

        // Keys accepted without effect change no piece and no mosaic: a ZeMosaic user who edits one
        // keeps their master tiles (stacking_, astap_ and intertile_ are prefixes of piece keys).
        Map<String, Object> sds = RunManifest.settings(new Config(), RunManifest.MEGA_TILE_KEY_PREFIXES);
        for (String k : new String[] {"stacking_winsor_limits", "astap_default_sensitivity", "intertile_recenter_clip"}) {
            assertFalse(tile.containsKey(k) || sds.containsKey(k) || all.containsKey(k), k + " has no effect");
            assertTrue(org.tessera.config.ConfigCompat.NO_EFFECT.containsKey(k), k + " is said to have no effect when given");
        }
    }
}

package org.tessera.config;

import static org.junit.jupiter.api.Assertions.*;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tessera.cli.Main;
import org.tessera.command.Jobs;
import org.tessera.io.MountMode;
import org.tessera.synth.SyntheticSky;

/**
 * Issue 14 items 7 and 10: every setting is checked before Phase 1, with the key, the value and
 * the allowed range. Before, reproject_kernel and master_tile_crop_percent were read after all
 * master tiles were stacked, preview_png_* after mosaic.fits was written (exit 2 with a complete
 * mosaic on disk), and kappa 0 or negative worker counts were accepted.
 */
class ConfigValidatorTest {

    @Test
    void theDefaultsAreValid() {
        assertEquals(List.of(), ConfigValidator.problems(new Config()));
    }

    @Test
    void eachBadValueIsNamedWithItsRange() {
        String[][] cases = {
            {"reproject_kernel=cubic", "reproject_kernel = 'cubic' (allowed: one of nearest | bilinear | lanczos3 | exact)"},
            {"master_tile_crop_percent=60", "master_tile_crop_percent = 60 (allowed: a number in [0, 50))"},
            {"master_tile_crop_percent=-1", "master_tile_crop_percent = -1 (allowed: a number in [0, 50))"},
            {"stacking_kappa_low=0", "stacking_kappa_low = 0 (allowed: a number in (0, 100])"},
            {"stacking_kappa_high=-2", "stacking_kappa_high = -2 (allowed: a number in (0, 100])"},
            {"grid_workers=-3", "grid_workers = -3 (allowed: a whole number >= 0)"},
            {"num_processing_workers=-4", "num_processing_workers = -4 (allowed: a whole number >= -1)"},
            {"num_processing_workers=2.5", "num_processing_workers = 2.5 (allowed: a whole number >= -1)"},
            {"preview_png_p_high=150", "preview_png_p_high = 150 (allowed: a number in (0, 100])"},
            {"preview_png_max_dim=0", "preview_png_max_dim = 0 (allowed: a whole number >= 1)"},
            {"preview_png_asinh_a=0", "preview_png_asinh_a = 0 (allowed: a number > 0)"},
            {"stacking_rejection_algorithm=median", "stacking_rejection_algorithm = 'median' (allowed: one of none | kappa_sigma | winsorized_sigma_clip | linear_fit_clip)"},
            {"resume=maybe", "resume = 'maybe' (allowed: one of auto | off)"},
            {"stacking_demosaic=rcd", "stacking_demosaic = 'rcd' (allowed: one of mhc | bilinear)"},
            {"stacking_demosaic=", "stacking_demosaic = '' (allowed: one of mhc | bilinear)"},
            {"quality_gate_threshold=2", "quality_gate_threshold = 2 (allowed: a number in [0, 1])"},
            // The plate-solver keys: before, a bad value passed when every frame had a WCS and, on raw
            // frames, stopped the run after the header scan with a message naming no key
            // ("tweak order must be 0..5, got 9", "timeout must be > 0 s, got -5.0").
            {"solver_choice=foo", "solver_choice = 'foo' (allowed: one of auto | astap | astrometry | none)"},
            {"solver_timeout_s=-5", "solver_timeout_s = -5 (allowed: a number > 0)"},
            {"solver_tweak_order=9", "solver_tweak_order = 9 (allowed: a whole number in [0, 5])"},
            {"solver_tweak_order=1.5", "solver_tweak_order = 1.5 (allowed: a whole number in [0, 5])"},
            {"astrometry_net_downsample=0", "astrometry_net_downsample = 0 (allowed: a whole number >= 1)"},
            {"astap_default_downsample=5", "astap_default_downsample = 5 (allowed: a whole number in [0, 4])"},
            {"astap_default_search_radius=-1", "astap_default_search_radius = -1 (allowed: a number in (0, 180])"},
            // Phase 5's pairs: before, checked only when Phase 5 began (after the master tiles), and a
            // clip with low above high was used as given.
            {"intertile_sky_percentile=abc", "intertile_sky_percentile = 'abc' (allowed: a pair \"low,high\" with 0 <= low < high <= 100)"},
            {"intertile_sky_percentile=70,30", "intertile_sky_percentile = '70,30' (allowed: a pair \"low,high\" with 0 <= low < high <= 100)"},
            {"intertile_sky_percentile=20,120", "intertile_sky_percentile = '20,120' (allowed: a pair \"low,high\" with 0 <= low < high <= 100)"},
            {"two_pass_cov_gain_clip=abc", "two_pass_cov_gain_clip = 'abc' (allowed: a pair \"low,high\" with 0 < low <= high)"},
            {"two_pass_cov_gain_clip=1.2,0.8", "two_pass_cov_gain_clip = '1.2,0.8' (allowed: a pair \"low,high\" with 0 < low <= high)"},
            {"two_pass_gain_clip=0,1", "two_pass_cov_gain_clip = '0,1' (allowed: a pair \"low,high\" with 0 < low <= high)"},
        };
        for (String[] c : cases) {
            Config config = new Config().set(c[0]);
            assertEquals(List.of(c[1]), ConfigValidator.problems(config), c[0]);
        }
        // across keys
        assertEquals(List.of("preview_png_p_low = 99 (allowed: a percentile below preview_png_p_high (98))"),
                ConfigValidator.problems(new Config().set("preview_png_p_low=99").set("preview_png_p_high=98")));
        // aliases the code accepts stay accepted; a JSON value of the wrong type is named
        assertEquals(List.of(), ConfigValidator.problems(new Config().set("reproject_kernel=Lanczos")));
        for (String d : List.of("mhc", "bilinear", "MHC", " Bilinear "))
            assertEquals(List.of(), ConfigValidator.problems(new Config().put("stacking_demosaic", d)), d);
        for (String pair : List.of("30,70", "[20, 80]", "0;100", "10 90"))
            assertEquals(List.of(), ConfigValidator.problems(new Config().set("intertile_sky_percentile=" + pair)), pair);
        assertEquals(List.of(), ConfigValidator.problems(new Config().put("two_pass_cov_gain_clip", List.of(0.9, 1.1))));
        assertEquals(List.of("two_pass_cov_gain_clip = [0.9] (allowed: a pair \"low,high\" with 0 < low <= high)"),
                ConfigValidator.problems(new Config().put("two_pass_cov_gain_clip", List.of(0.9))));
        for (String choice : List.of("ASTAP", "astrometry.net", "solve-field", "ansvr", "local", "off", "none", ""))
            assertEquals(List.of(), ConfigValidator.problems(new Config().set("solver_choice=" + choice)), choice);
        assertEquals(List.of("reproject_kernel = 3 (allowed: one of nearest | bilinear | lanczos3 | exact)"),
                ConfigValidator.problems(new Config().put("reproject_kernel", 3)));
        assertEquals(List.of("apply_master_tile_crop = [] (allowed: true or false)"),
                ConfigValidator.problems(new Config().put("apply_master_tile_crop", List.of())));
    }

    /** Through the CLI: exit 2 before anything is written, one message naming every bad key. */
    @Test
    void theCliStopsBeforeAnyWork(@TempDir Path tmp) throws Exception {
        Path in = tmp.resolve("frames");
        new SyntheticSky().seed(3).centre(150, 40).panels(1, 1).framesPerPanel(3).frameSize(120, 90)
                .pixelScale(2.4).mount(MountMode.EQ).writeFits(in);
        for (String set : List.of("reproject_kernel=cubic", "master_tile_crop_percent=75", "preview_png_p_low=100",
                "stacking_kappa_low=0", "num_processing_workers=-2", "stacking_demosaic=rcd")) {
            Path out = tmp.resolve("out-" + set.replaceAll("[^a-z0-9]", "_"));
            ByteArrayOutputStream o = new ByteArrayOutputStream(), e = new ByteArrayOutputStream();
            int rc = new Main(Jobs.PIPELINE).run(new String[] {"mosaic", in.toString(), out.toString(), "--set", set},
                    new PrintStream(o, true, StandardCharsets.UTF_8), new PrintStream(e, true, StandardCharsets.UTF_8));
            String text = o.toString(StandardCharsets.UTF_8) + e.toString(StandardCharsets.UTF_8);
            assertEquals(Main.ERROR, rc, set + ":\n" + text);
            String key = set.substring(0, set.indexOf('='));
            assertTrue(text.contains(key + " = ") && text.contains("allowed:"), text);
            assertFalse(Files.exists(out), set + ": nothing may be written before the settings are valid");
        }
    }
}

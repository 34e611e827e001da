package org.tessera.config;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Every documented key with its default and meaning. Names and defaults are the original
 * program's ({@code reference.md} §11) so users carry their settings over; Tessera's own keys are
 * marked in their description. docs/user-guide.md lists the same table.
 */
public final class ConfigKeys {
    private ConfigKeys() {}

    /**
     * One documented key. A null default means "unset: follows another key". {@code allowed} is
     * what {@link ConfigValidator} accepts for it before a run starts.
     */
    public record Key(String name, Object defaultValue, String description, Allowed allowed) {
        /** A key whose values follow from its default: true/false for a boolean, anything else unchecked. */
        public Key(String name, Object defaultValue, String description) {
            this(name, defaultValue, description, defaultValue instanceof Boolean ? Allowed.BOOLEAN : Allowed.ANY);
        }
    }

    private static final double INF = Double.POSITIVE_INFINITY;

    public static final List<Key> KEYS = List.of(
        // Plate solving of frames without WCS (Phase 1, docs/solving.md)
        new Key("solver_choice", "auto", "auto (Tessera: ASTAP when found, else astrometry.net's solve-field) | astap | astrometry | none",
                Allowed.choices(List.of("auto", "astap", "astrometry", "none"),
                        List.of("", "off", "false", "astrometry.net", "astrometry_net", "ansvr", "solve-field", "local"))),
        new Key("solver_timeout_s", 60.0, "Tessera: seconds one plate solve may take", Allowed.positive()),
        new Key("solver_tweak_order", 1, "Tessera: WCS fit of a solve: 1 = linear on all matched stars (no distortion), 0 = none, 2-5 = SIP of that order",
                Allowed.range(0, false, 5, false, true)),
        new Key("astrometry_net_path", "", "Tessera: the solve-field program (empty: found on PATH)"),
        new Key("astrometry_net_downsample", 2, "Tessera: solve-field --downsample (2 bins a Bayer cell)", Allowed.atLeast(1, true)),
        new Key("astap_executable_path", "", "the ASTAP program, astap_cli or astap (empty: found on PATH or in its install folder)"),
        new Key("astap_data_directory_path", "", "ASTAP's star database folder (empty: ASTAP's own default)"),
        new Key("astap_default_search_radius", 3.0, "degrees searched around the header's RA/DEC (both solvers)",
                Allowed.range(0, true, 180, false, false)),
        new Key("astap_default_downsample", 2, "ASTAP -z downsampling (0 = ASTAP chooses)", Allowed.range(0, false, 4, false, true)),
        new Key("astap_default_sensitivity", 100, "accepted and ignored, as by the original: ASTAP's command line has no such option"),
        new Key("force_resolve_existing_wcs", false, "place frames by solving and registration even when their header has a WCS"),
        // Stack core (§4)
        new Key("stacking_normalize_method", "linear_fit", "none | linear_fit | sky_mean",
                Allowed.choices("none", "linear_fit", "sky_mean")),
        new Key("stacking_weighting_method", "noise_variance", "none | noise_variance | noise_fwhm",
                Allowed.choices("none", "noise_variance", "noise_fwhm")),
        new Key("stacking_rejection_algorithm", "winsorized_sigma_clip", "none | kappa_sigma | winsorized_sigma_clip | linear_fit_clip",
                Allowed.choices("none", "kappa_sigma", "winsorized_sigma_clip", "linear_fit_clip")),
        new Key("stacking_kappa_low", 3.0, "lower rejection bound in sigma",
                Allowed.range(0, true, 100, false, false)),
        new Key("stacking_kappa_high", 3.0, "upper rejection bound in sigma",
                Allowed.range(0, true, 100, false, false)),
        new Key("stacking_winsor_limits", "0.05,0.05", "the original's legacy winsor quantiles: accepted, no effect (winsorized_sigma_clip clips at the kappas, as the original's does)"),
        new Key("stacking_final_combine_method", "mean", "mean | median",
                Allowed.choices("mean", "median")),
        new Key("stacking_resample_kernel", "bilinear", "Tessera: how master tiles and Grid tiles resample each frame onto the tile (the reference frame never): "
                + "nearest | bilinear | lanczos3 | exact; lanczos3 keeps stars 8-15 % narrower (FWHM) than bilinear on Seestar "
                + "frames for ~35 % more CPU (benchmarks.md, Star shapes)",
                Allowed.choices(List.of("nearest", "bilinear", "lanczos3", "exact"),
                        List.of("nearest_neighbor", "nearest-neighbour", "linear", "lanczos", "lanczos-3"))),
        new Key("stacking_demosaic", "mhc", "Tessera: how raw colour (Bayer) frames are demosaiced for the stacks: "
                + "mhc (gradient-corrected, Malvar-He-Cutler) | bilinear (the original's); bilinear makes stars ~20 % wider (FWHM) "
                + "and saves ~6 ms per 1080x1920 frame read (benchmarks.md, Star shapes); registration detects stars on "
                + "bilinear pixels either way",
                Allowed.choices("mhc", "bilinear")),
        new Key("apply_radial_weight", false, "weight pixels by distance to the frame centre"),
        new Key("radial_feather_fraction", 0.8, "radial weight: fraction of the half-diagonal where the fall-off ends",
                Allowed.range(0, true, 10, false, false)),
        new Key("radial_shape_power", 2.0, "radial weight: exponent of the cosine fall-off",
                Allowed.range(0, true, 100, false, false)),
        // Read (§1)
        new Key("hot_pixel_correction", true, "Tessera: Phase 1 hot-pixel correction of input frames: the original's test (pixel > 5x5 median + 3 std, replaced by the median; Bayer frames on the raw CFA per colour), applied only to isolated spikes above 6 noise sigmas so stars keep their flux"),
        // Grouping (§2)
        new Key("cluster_panel_threshold", 0.03, "degrees: frames closer than this share a group (<= 0 means 0.05)",
                Allowed.range(-INF, false, 180, false, false)),
        new Key("cluster_target_groups", 0, "> 0: bisect the threshold to reach this many groups",
                Allowed.atLeast(0, true)),
        new Key("cluster_orientation_split_deg", 0.0, "> 0: a group whose frames' field orientations differ by more than this many degrees is split by orientation (0 = off)",
                Allowed.range(0, false, 180, false, false)),
        new Key("max_raw_per_master_tile", 0, "manual cap of frames per master tile (0 = none)",
                Allowed.atLeast(0, true)),
        new Key("auto_limit_frames_per_master_tile", true, "without max_raw_per_master_tile, cap frames per master tile at the original's 100 (Tessera: a fixed cap, never from the heap)"),
        new Key("allow_separate_fields", false, "Tessera: make one mosaic even of inputs of separate fields (far-apart targets that no chain of footprints within two field diameters joins); false = stop with the fields listed, before any stacking (exit 2)"),
        // ALT-AZ (§3)
        new Key("altaz_cleanup_enabled", false, "ALT-AZ edge cleanup (auto-on when ALT_AZ frames exist; never on EQ groups)"),
        new Key("altaz_cleanup_auto", true, "Tessera: the ALT-AZ cleanup turns on by itself when ALT_AZ groups exist; false = only when altaz_cleanup_enabled"),
        new Key("altaz_margin_percent", 5.0, "ALT-AZ cleanup: ramp margin, percent of the tile's smaller side",
                Allowed.range(0, false, 50, false, false)),
        new Key("altaz_decay", 0.15, "ALT-AZ cleanup: ramp exponent is 1/decay",
                Allowed.range(0, true, 10, false, false)),
        new Key("altaz_nanize", true, "ALT-AZ cleanup: pixels with alpha <= 1e-3 become NaN"),
        new Key("altaz_unknown_policy", "auto", "how UNKNOWN-mount groups are treated by the ALT-AZ cleanup: auto | on (always as ALT_AZ; also altaz) | off (never; also eq)",
                Allowed.choices(List.of("auto", "on", "off"), List.of("altaz", "alt_az", "alt-az", "eq"))),
        // Phase 5 (§6)
        new Key("apply_master_tile_crop", true, "crop master tiles before coadd"),
        new Key("master_tile_crop_percent", 3.0, "crop per side, percent",
                Allowed.range(0, false, 50, true, false)),
        new Key("match_background_for_final", true, "remove per-tile background offsets in Phase 5"),
        new Key("match_background_planar", true, "Tessera: the background match fits a plane (level + gradient) per tile, not only an offset"),
        new Key("intertile_photometric_match", true, "solve gain/offset between overlapping tiles"),
        new Key("intertile_star_ratio", true, "Tessera: photometric match: pair ratios also measured on the overlap's stars at full resolution where the previews are coarser, used where more precise"),
        new Key("intertile_color_match", true, "Tessera: photometric match of colour tiles: per-channel gain factors on top of the luminance gain where the channels' star ratios (intertile_star_ratio) prove a colour difference between tiles"),
        new Key("intertile_preview_size", null, "photometric match: preview side in pixels (unset: 128)", Allowed.atLeast(16, true)),
        new Key("intertile_overlap_min", null, "photometric match: least overlap of a pair, fraction of the smaller tile (unset: 0.05); thinner overlaps still link tiles that no larger one links",
                Allowed.range(0, false, 1, false, false)),
        new Key("intertile_sky_percentile", null, "photometric match: sky percentile band \"low,high\" or [low, high] (unset: 30,70)",
                Allowed.pair(0, false, 100, true)),
        new Key("intertile_robust_clip_sigma", null, "photometric match: clipping of the pair fits in sigma (unset: 2.5)", Allowed.positive()),
        new Key("intertile_prune_k", null, "photometric match: strongest neighbours kept per tile (unset: 8)", Allowed.atLeast(1, true)),
        new Key("intertile_global_recenter", null, "photometric match: recentre the gains (unset: true)", Allowed.BOOLEAN),
        new Key("intertile_recenter_clip", null, "the original's clip of its recentring gains: accepted, no effect (Tessera's recentring moves the offsets by one common amount and never scales the gains, docs/reproject.md)"),
        new Key("intertile_affine_blend", null, "photometric match: share of the solved gain/offset kept, 1 - blend toward neutral (unset: 0.7 for tiles whose gains rest on coarse previews' ratios, 1 for tiles and colour factors measured at full resolution; set: every tile and factor, as the original, 0.7)",
                Allowed.range(0, false, 1, false, false)),
        new Key("two_pass_coverage_renorm", false, "second coadd pass with coverage renormalisation"),
        new Key("two_pass_cov_sigma_px", 50.0, "two-pass renormalisation: blur of the coverage in mosaic pixels (alias two_pass_sigma_px)",
                Allowed.positive()),
        new Key("two_pass_cov_gain_clip", "0.85,1.18", "two-pass renormalisation: clip of the per-tile gains, \"low,high\" or [low, high] (alias two_pass_gain_clip)",
                Allowed.pair(0, true, INF, false)),
        new Key("enable_tile_weighting", true, "tile weight from MT_NFRAMES"),
        new Key("phase5_alpha_weight_floor", 0.02, "floor of the alpha weight where alpha > 0",
                Allowed.range(0, false, 1, false, false)),
        new Key("final_mosaic_dbe_enabled", true, "final background extraction: remove a large-scale background (light-pollution gradient) from the mosaic, keeping the sky level; on by default as the original"),
        new Key("final_mosaic_dbe_strength", "normal", "background extraction presets (sample cell px / object kappa / mask growth in cells): weak 32/4/2, normal 24/3/3, strong 16/2.2/4",
                Allowed.choices("weak", "normal", "strong")),
        new Key("final_mosaic_dbe_sample_step", null, "background extraction: side of a sample cell in mosaic pixels (unset: from the strength)",
                Allowed.atLeast(2, true)),
        new Key("final_mosaic_dbe_obj_k", null, "background extraction: cells above the model by more than this many robust sigma are objects, masked (unset: from the strength)",
                Allowed.positive()),
        new Key("final_mosaic_dbe_obj_dilate_px", null, "background extraction: object masks grow by this many sample cells (Tessera: cells, not pixels; unset: from the strength)",
                Allowed.atLeast(0, true)),
        new Key("reproject_kernel", "bilinear", "Tessera: nearest | bilinear | lanczos3 | exact",
                Allowed.choices(List.of("nearest", "bilinear", "lanczos3", "exact"),
                        List.of("nearest_neighbor", "nearest-neighbour", "linear", "lanczos", "lanczos-3"))),
        // GPU (§7)
        new Key("use_gpu_phase5", true, "use the GPU when one is healthy (canonical GPU flag)"),
        new Key("stack_use_gpu", null, "alias of use_gpu_phase5 for stacking (unset: follows it)",
                Allowed.BOOLEAN),
        new Key("use_gpu_stack", null, "alias of use_gpu_phase5 for stacking (unset: follows it)",
                Allowed.BOOLEAN),
        new Key("use_gpu_grid", null, "GPU stacking of Grid mode tiles (unset: follows use_gpu_phase5)",
                Allowed.BOOLEAN),
        new Key("gpu_id_phase5", 0, "CUDA device number of the GPU", Allowed.atLeast(0, true)),
        new Key("allow_cpu_fallback", true, "Phase 5: after the GPU's out-of-memory retries (or any other GPU error) finish on the CPU; false = stop with the error",
                Allowed.BOOLEAN),
        new Key("phase5_chunk_auto", true, "size Phase 5 GPU chunks from free VRAM"),
        new Key("phase5_chunk_mb", 128, "Phase 5 GPU chunk cap in MiB (clamped to [64, 16384])",
                Allowed.atLeast(1, true)),
        new Key("phase5_vram_hard_cap_mb", 0, "hard VRAM cap in MiB (0 = off)",
                Allowed.atLeast(0, true)),
        new Key("gpu_simulate", null, "Tessera, diagnostic: run on a simulated GPU with injected faults, e.g. vram_mb:8192,free_mb:2000/6000,oom:phase5:1 (see GPU section)"),
        // Grid mode (§8)
        new Key("grid_workers", 0, "Grid mode: tiles stacked in parallel; 0 = auto = max(1, cores - 2)",
                Allowed.atLeast(0, true)),
        new Key("grid_size_factor", 4.0, "Grid mode: tile side in median frame fields of view (>= 32 px)",
                Allowed.positive()),
        new Key("batch_overlap_pct", 40, "Grid mode: overlap of neighbouring tiles, percent of the tile side",
                Allowed.range(0, false, 100, true, false)),
        new Key("stack_chunk_budget_mb", 512, "Grid mode: heap of one tile's stack in MiB (row bands, then frame blocks)",
                Allowed.atLeast(1, true)),
        // SDS mode (§0; docs/user-guide.md "SDS mode")
        new Key("sds_mode_default", false, "SDS mode (mosaic first, the original's ZeSupaDupStack): batches of frames that each cover the global grid are coadded straight onto it as mega-tiles, then the mega-tiles are stacked per pixel; no master tiles. Grid mode (stack_plan.csv) keeps priority; no valid batch falls back to Classic. Also the Mode drop-down of Build Mosaic (mode=sds) and tessera mosaic --mode sds"),
        new Key("sds_coverage_threshold", 0.92, "SDS: a batch closes once it holds sds_min_batch_size frames covering this fraction of the global grid (coerced into [0.10, 0.99]); a batch that ends below it is no mega-tile and its frames are left out",
                Allowed.range(0, false, 1, false, false)),
        new Key("sds_min_batch_size", 5, "SDS: fewest frames in a batch; a smaller rest joins the batch before it",
                Allowed.atLeast(1, true)),
        new Key("sds_target_batch_size", 10, "SDS: a batch closes at this many frames whatever its coverage",
                Allowed.atLeast(1, true)),
        new Key("sds_min_coverage_keep", 0.4, "SDS: mosaic pixels whose coverage (sum of frame weights, divided by its maximum) is below this are masked out (no data: ALPHA 0, coverage 0)",
                Allowed.range(0, false, 1, false, false)),
        new Key("global_coadd_method", "kappa_sigma", "SDS: per-pixel combine of the mega-tiles by the stack core: kappa_sigma | winsorized (winsorized_sigma_clip) | mean | median",
                Allowed.choices(List.of("kappa_sigma", "winsorized", "mean", "median"), List.of("winsorized_sigma_clip", "winsor"))),
        new Key("global_coadd_k", 2.0, "SDS: rejection bound in sigma of kappa_sigma / winsorized across mega-tiles",
                Allowed.positive()),
        new Key("global_wcs_pixelscale_mode", "median", "SDS: pixel scale of the global grid from the frames' scales: median | mean | min | max",
                Allowed.choices("median", "mean", "min", "max")),
        new Key("global_wcs_res_override", null, "SDS: pixel scale of the global grid in arcsec/px (unset: global_wcs_pixelscale_mode)",
                Allowed.positive()),
        new Key("global_wcs_padding_percent", 2.0, "SDS: the global grid is the frames' bounding box grown by this percent of its sides",
                Allowed.range(0, false, 100, false, false)),
        new Key("global_wcs_orientation", "north_up", "SDS: north_up | auto (Tessera: the rotation of least area, as Classic's final grid)",
                Allowed.choices("north_up", "auto")),
        new Key("global_wcs_autocrop_enabled", true, "SDS: crop the mosaic to the pixels kept by sds_min_coverage_keep (plus global_wcs_autocrop_margin_px); false = the whole global grid"),
        new Key("global_wcs_autocrop_margin_px", 128, "SDS: margin in pixels kept around the autocrop box (within the global grid)",
                Allowed.atLeast(0, true)),
        new Key("num_processing_workers", -1, "worker threads (-1 or 0 = auto)",
                Allowed.atLeast(-1, true)),
        // Outputs (§9)
        new Key("preview_png_enabled", true, "write the stretched PNG preview of the mosaic", Allowed.BOOLEAN),
        new Key("preview_png_p_low", 1.0, "preview: low percentile",
                Allowed.range(0, false, 100, true, false)),
        new Key("preview_png_p_high", 99.9, "preview: high percentile",
                Allowed.range(0, true, 100, false, false)),
        new Key("preview_png_asinh_a", 12.0, "preview: asinh stretch parameter",
                Allowed.positive()),
        new Key("preview_png_max_dim", 3200, "preview: longest side in pixels",
                Allowed.atLeast(1, true)),
        // Trust (resume, outlier tiles)
        new Key("resume", "auto", "auto: a rerun on the same output folder reuses the verified master tiles (SDS: mega-tiles; Grid mode: tiles) of an interrupted or finished run with the same inputs and settings | off: start clean",
                Allowed.choices("auto", "off")),
        new Key("quality_gate_enabled", false, "also leave out master tiles whose quality score (0..1) is below quality_gate_threshold"),
        new Key("quality_gate_threshold", 0.48, "quality score below which a master tile is left out when quality_gate_enabled",
                Allowed.range(0, false, 1, false, false)));

    /** name → default, in documentation order. */
    public static final Map<String, Object> DEFAULTS;

    /** name → key. */
    private static final Map<String, Key> BY_NAME;

    static {
        Map<String, Object> m = new LinkedHashMap<>();
        Map<String, Key> k2 = new LinkedHashMap<>();
        for (Key k : KEYS) {
            m.put(k.name(), k.defaultValue());
            k2.put(k.name(), k);
        }
        DEFAULTS = Collections.unmodifiableMap(m);
        BY_NAME = Collections.unmodifiableMap(k2);
    }

    /** The documented key {@code name} (an alias names its key), or null for a key Tessera does not document. */
    public static Key key(String name) {
        return BY_NAME.get(ConfigCompat.canonical(name));
    }

    /**
     * {@code value} of key {@code name} as one text however it was written: the key's
     * {@link Allowed#canonical} (MHC and mhc, yes and true), then {@link #valueText}. Two ways of
     * giving a key the same setting (a run manifest's, a key given twice) compare equal by it.
     */
    public static String canonicalText(String name, Object value) {
        Key k = key(name);
        return k == null ? valueText(null, value) : valueText(k.defaultValue(), k.allowed().canonical(value));
    }

    /**
     * A setting's value as one text per value, however it was written. A JSON config gives 3 where
     * {@code --set} and the defaults give 3.0 (and 0 for 0.0, 1 for a true/false key, [0.85, 1.18]
     * or "0.85, 1.18" for "0.85,1.18"): the same setting. {@code def} is the key's default (null
     * for an unknown key).
     */
    public static String valueText(Object def, Object v) {
        if (v == null) return null;
        if (def instanceof Boolean && v instanceof Number n) return Boolean.toString(n.doubleValue() != 0);
        List<?> parts = v instanceof List<?> l ? l
                : v instanceof String s && s.contains(",") ? List.of(s.replaceAll("^\\s*\\[|]\\s*$", "").split(",")) : null;
        if (parts != null) {
            List<String> out = new ArrayList<>();
            for (Object o : parts) out.add(number(o.toString()));
            return out.contains(null) ? v.toString() : String.join(",", out); // a pair of numbers, else as written
        }
        if (v instanceof Number || def instanceof Number) {
            String n = number(v.toString());
            if (n != null) return n;
        }
        return v.toString();
    }

    /** {@code text} as a number in its shortest plain form (3.0 → 3), or null when it is none (NaN, words). */
    private static String number(String text) {
        try {
            return new BigDecimal(text.trim()).stripTrailingZeros().toPlainString();
        } catch (NumberFormatException e) {
            return null;
        }
    }
}

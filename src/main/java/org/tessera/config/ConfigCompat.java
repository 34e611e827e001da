package org.tessera.config;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a ZeMosaic config file means to Tessera beyond the documented keys of {@link ConfigKeys}:
 * the names Tessera once used for the original's keys (aliases, read as the original's name), and
 * the original's keys that are accepted but change nothing here, each with the reason. A user who
 * brings their {@code zemosaic_config.json} gets one line naming what is ignored and why, and one
 * line per key nobody knows (a typo must not pass silently).
 */
public final class ConfigCompat {
    private ConfigCompat() {}

    /** Tessera's earlier name → the original's name, which is the one stored. */
    public static final Map<String, String> ALIASES = Map.of(
            "two_pass_sigma_px", "two_pass_cov_sigma_px",
            "two_pass_gain_clip", "two_pass_cov_gain_clip");

    private static final String GUI = "GUI-only (window, language or theme of the original's interface)";
    private static final String PATHS = "paths are the command's arguments in Tessera (input, output)";
    private static final String MEMORY = "Tessera plans memory and threads itself (bounded bands, never from these switches)";
    private static final String TELEMETRY = "the original's resource telemetry; Tessera logs phase timings and memory in the run log";
    private static final String SUPER = "the original's Phase 4.5 inter-master merge (super-tiles) is not part of Tessera";
    private static final String ANCHOR = "the original's centre-out anchor review; Tessera anchors each master tile on its reference frame and solves the inter-tile photometry globally";
    private static final String QCROP = "the original's quality crop; Tessera trims master-tile edges by valid fraction (reference section 3)";
    private static final String ALPHA = "Tessera always writes the ALPHA extension in the FITS file, never a side-car";

    /** The original's keys that Tessera accepts without effect → why. */
    public static final Map<String, String> NO_EFFECT;

    static {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("stacking_winsor_limits", "legacy quantile limits: the winsorized_sigma_clip rejection clips at median -/+ stacking_kappa_low/high x sigma, as the original's does");
        m.put("astap_default_sensitivity", "ASTAP's command line has no sensitivity option (the original ignores it too)");
        m.put("intertile_recenter_clip", "Tessera's recentring of the photometric match moves the offsets by one common amount and never scales the gains: there is no gain to clip");
        put(m, GUI,
                "language", "preferred_gui_backend", "preferred_gui_backend_explicit", "qt_theme_mode",
                "qt_main_window_geometry", "qt_filter_window_geometry", "qt_main_columns_state", "qt_main_left_state",
                "enable_early_filter");
        put(m, PATHS, "input_dir", "output_dir", "global_wcs_output_path");
        m.put("poststack_equalize_rgb", "Tessera keeps the channels' own levels (no per-tile RGB equalisation; the original's caused colour shifts)");
        m.put("use_gpu_global", "the GPU is chosen by use_gpu_phase5 (and its followers stack_use_gpu, use_gpu_stack, use_gpu_grid)");
        m.put("gpu_selector", "the GPU is chosen by gpu_id_phase5");
        m.put("tile_weight_mode", "tile weights always come from MT_NFRAMES (enable_tile_weighting)");
        m.put("final_assembly_method", "Phase 5 is always the reproject-and-coadd assembly");
        put(m, "Seestar frames are always recognised from INSTRUME/CREATOR", "auto_detect_seestar", "force_seestar_mode");
        put(m, SUPER,
                "inter_master_merge_enable", "inter_master_overlap_threshold", "inter_master_min_group_size",
                "inter_master_stack_method", "inter_master_memmap_policy", "inter_master_local_scale", "inter_master_max_group",
                "inter_master_photometry_intragroup", "inter_master_photometry_intersuper", "inter_master_photometry_clip_sigma");
        m.put("save_final_as_uint16", "the mosaic is always written as float32 (the PNG preview is the 8-bit render)");
        m.put("legacy_rgb_cube", "the mosaic is always written as a CHW float32 cube");
        put(m, MEMORY,
                "coadd_use_memmap", "coadd_memmap_dir", "coadd_cleanup_memmap", "cache_retention",
                "assembly_process_workers", "winsor_worker_limit", "winsor_max_frames_per_pass",
                "winsor_auto_fallback_on_memory_error", "winsor_min_frames_per_pass", "winsor_memmap_fallback",
                "winsor_split_strategy", "parallel_autotune_enabled", "parallel_target_cpu_load",
                "parallel_target_ram_fraction", "parallel_gpu_vram_fraction", "parallel_max_cpu_workers");
        m.put("cleanup_temp_artifacts", "Tessera writes through temporary files renamed at the end and keeps its resume state until the run is done");
        put(m, TELEMETRY,
                "enable_resource_telemetry", "resource_telemetry_interval_sec", "resource_telemetry_log_to_csv");
        put(m, ANCHOR,
                "center_out_normalization_p3", "center_out_anchor_mode", "anchor_quality_probe_limit",
                "anchor_quality_span_range", "anchor_quality_median_clip_sigma", "enable_poststack_anchor_review",
                "poststack_anchor_probe_limit", "poststack_anchor_span_range", "poststack_anchor_median_clip_sigma",
                "poststack_anchor_min_improvement", "poststack_anchor_use_overlap_affine", "p3_center_sky_percentile",
                "p3_center_robust_clip_sigma", "p3_center_preview_size", "p3_center_min_overlap_fraction");
        m.put("use_auto_intertile", "the inter-tile match is set by intertile_photometric_match");
        m.put("incremental_feather_parity", "Phase 5 is always the reproject-and-coadd assembly");
        put(m, QCROP,
                "quality_crop_enabled", "quality_crop_band_px", "quality_crop_k_sigma", "quality_crop_margin_px",
                "quality_crop_min_run", "crop_follow_signal");
        put(m, "Tessera's quality score has its own fixed measures; quality_gate_enabled and quality_gate_threshold apply",
                "quality_gate_edge_band_px", "quality_gate_k_sigma", "quality_gate_erode_px");
        m.put("quality_gate_move_rejects", "a tile left out by the quality gate stays where it is and is named in the log");
        m.put("final_mosaic_dbe_smoothing", "Tessera's background model is a low-order polynomial, smooth by construction (see docs/reproject.md)");
        put(m, ALPHA, "altaz_export_alpha_fits", "altaz_export_alpha_sidecar", "altaz_alpha_sidecar_format");
        NO_EFFECT = Collections.unmodifiableMap(m);
    }

    /** Each of {@code keys} → {@code why}, in order. */
    private static void put(Map<String, String> m, String why, String... keys) {
        for (String k : keys) m.put(k, why);
    }

    /** The stored name of {@code key}: the original's name for an alias, else the key itself. */
    public static String canonical(String key) {
        return ALIASES.getOrDefault(key, key);
    }

    /**
     * The warning for a key nobody knows, naming the known key it most likely misspells (at most
     * two letters added, dropped, changed or swapped, and no other as near): "stacking_kappa_hihg"
     * is a typo a user looks for in vain against the key table.
     */
    public static String unknownKey(String key) {
        String best = nearest(key, knownKeys());
        return "unknown config key '" + key + "' (kept as given; " + (best != null ? "did you mean '" + best + "'?"
                : "check the spelling against docs/user-guide.md") + ")";
    }

    /**
     * The word of {@code known} that {@code typed} (in any case) most likely misspells: at most two
     * letters added, dropped, changed or swapped, and no other as near; null when none is. The one
     * "did you mean" of config keys here and of command words on the command line.
     */
    public static String nearest(String typed, java.util.Collection<String> known) {
        String best = null;
        int bestD = 3;
        boolean tie = false;
        for (String k : known) {
            int d = distance(typed.toLowerCase(java.util.Locale.ROOT), k, 3);
            if (d < bestD) {
                best = k;
                bestD = d;
                tie = false;
            } else if (d == bestD) {
                tie = true;
            }
        }
        return tie ? null : best;
    }

    private static List<String> knownKeys() {
        List<String> keys = new ArrayList<>(ConfigKeys.DEFAULTS.keySet());
        keys.addAll(ALIASES.keySet());
        keys.addAll(NO_EFFECT.keySet());
        return keys;
    }

    /** Edit distance with adjacent swaps (optimal string alignment); {@code limit} or more once it is that far. */
    static int distance(String a, String b, int limit) {
        if (Math.abs(a.length() - b.length()) >= limit) return limit;
        int[][] d = new int[a.length() + 1][b.length() + 1];
        for (int i = 0; i <= a.length(); i++) d[i][0] = i;
        for (int j = 0; j <= b.length(); j++) d[0][j] = j;
        for (int i = 1; i <= a.length(); i++)
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
                if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1))
                    d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
            }
        return Math.min(limit, d[a.length()][b.length()]);
    }

    /** Whether Tessera knows {@code key} (documented, alias or accepted without effect). */
    public static boolean known(String key) {
        return ConfigKeys.DEFAULTS.containsKey(key) || ALIASES.containsKey(key) || NO_EFFECT.containsKey(key);
    }

    /**
     * The warnings of a config, for the run log: one line per key given (config file or
     * {@code key=value}) that nobody knows, then ONE line listing the given keys that have no
     * effect in Tessera, each with its reason. Keys left at their defaults are not mentioned.
     */
    public static List<String> warnings(Config config) {
        List<String> out = new ArrayList<>();
        Map<String, List<String>> byReason = new LinkedHashMap<>(); // one reason, its keys: a short line
        int idle = 0;
        for (String k : config.givenKeys()) {
            String why = NO_EFFECT.get(k);
            if (why != null) {
                byReason.computeIfAbsent(why, r -> new ArrayList<>()).add(k);
                idle++;
            } else if (!known(k)) {
                out.add(unknownKey(k));
            }
        }
        if (idle > 0) {
            List<String> parts = new ArrayList<>();
            byReason.forEach((why, keys) -> parts.add(String.join(", ", keys) + " [" + why + "]"));
            out.add(idle + " config key" + (idle == 1 ? " has" : "s have") + " no effect in Tessera: " + String.join("; ", parts));
        }
        return out;
    }
}

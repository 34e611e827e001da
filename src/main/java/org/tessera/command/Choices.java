package org.tessera.command;

import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.tessera.config.Config;

/**
 * The few settings the menus offer as drop-down choices, and the config key each one sets. The
 * first value, {@value #KEEP}, leaves the key as the config file (or the default) has it. The
 * SciJava commands repeat these lists in their annotations (a test keeps them equal).
 */
public final class Choices {
    private Choices() {}

    /** "Keep what the config says." */
    public static final String KEEP = "config";

    public static final List<String> REJECTION =
            List.of(KEEP, "winsorized_sigma_clip", "kappa_sigma", "linear_fit_clip", "none");
    public static final List<String> COMBINE = List.of(KEEP, "mean", "median");
    public static final List<String> GPU = List.of(KEEP, "on", "off");
    public static final List<String> KERNEL = List.of(KEEP, "bilinear", "nearest", "lanczos3", "exact");

    /** Parameter name → the config key it sets. */
    public static final Map<String, String> KEYS = Map.of(
            "rejection", "stacking_rejection_algorithm",
            "combine", "stacking_final_combine_method",
            "gpu", "use_gpu_phase5",
            "kernel", "reproject_kernel");

    private static final Map<String, List<String>> VALUES = Map.of(
            "rejection", REJECTION, "combine", COMBINE, "gpu", GPU, "kernel", KERNEL);

    /**
     * Sets the key behind choice {@code name} unless {@code value} is null, blank or {@value #KEEP}.
     * @throws IllegalArgumentException for a value not offered (macros and scripts can pass any text)
     */
    public static void apply(Config config, String name, String value) {
        List<String> allowed = VALUES.get(name);
        if (allowed == null) throw new IllegalArgumentException("unknown choice '" + name + "'");
        if (value == null || value.isBlank()) return;
        String v = value.trim().toLowerCase(Locale.ROOT);
        if (v.equals(KEEP)) return;
        if (!allowed.contains(v))
            throw new IllegalArgumentException(name + ": expected one of " + String.join(", ", allowed) + ", got '" + value + "'");
        String key = KEYS.get(name);
        if (name.equals("gpu")) config.put(key, v.equals("on"));
        else config.put(key, v);
    }
}

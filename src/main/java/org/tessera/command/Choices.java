package org.tessera.command;

import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.tessera.config.Config;

/**
 * The few settings the menus offer as drop-down choices, and the config key each one sets. Dialogs
 * show human labels; the first label names the key's own default with "(default)" and keeps the key
 * as the config file (or the default) has it, like the macro word {@value #KEEP}. Macros may pass
 * either the config value ({@code rejection=kappa_sigma}, the documented macro API) or a label
 * (what the macro recorder writes). The SciJava commands repeat the label constants in their
 * annotations (a test keeps them equal).
 */
public final class Choices {
    private Choices() {}

    /** "Keep what the config says": the macro word of the first, "(default)" entry. */
    public static final String KEEP = "config";

    /** One entry of a drop-down: the config value it sets and the label the dialog shows. */
    public record Option(String value, String label) {}

    public static final String REJECTION_DEFAULT = "Winsorized sigma clip (default)";
    public static final String REJECTION_KAPPA = "Kappa-sigma clip";
    public static final String REJECTION_LINEAR = "Linear fit clip";
    public static final String REJECTION_NONE = "None (no rejection)";
    public static final String COMBINE_DEFAULT = "Mean (default)";
    public static final String COMBINE_MEDIAN = "Median";
    public static final String GPU_DEFAULT = "On when a healthy GPU is found (default)";
    public static final String GPU_OFF = "Off (CPU only)";
    public static final String KERNEL_DEFAULT = "Bilinear (default)";
    public static final String KERNEL_NEAREST = "Nearest neighbour";
    public static final String KERNEL_LANCZOS = "Lanczos-3";
    public static final String KERNEL_EXACT = "Exact (flux-conserving)";
    public static final String MODE_CLASSIC = "Classic (default)";
    public static final String MODE_SDS = "SDS (mosaic first)";
    public static final String DEMOSAIC_DEFAULT = "Gradient-corrected (default)";
    public static final String DEMOSAIC_BILINEAR = "Bilinear (faster, wider stars)";

    /** Per choice: the default (value = the key's default) first, then the others. */
    private static final Map<String, List<Option>> OPTIONS = Map.of(
            "mode", List.of(new Option("classic", MODE_CLASSIC), new Option("sds", MODE_SDS)),
            "rejection", List.of(new Option("winsorized_sigma_clip", REJECTION_DEFAULT),
                    new Option("kappa_sigma", REJECTION_KAPPA), new Option("linear_fit_clip", REJECTION_LINEAR),
                    new Option("none", REJECTION_NONE)),
            "combine", List.of(new Option("mean", COMBINE_DEFAULT), new Option("median", COMBINE_MEDIAN)),
            "gpu", List.of(new Option("on", GPU_DEFAULT), new Option("off", GPU_OFF)),
            "kernel", List.of(new Option("bilinear", KERNEL_DEFAULT), new Option("nearest", KERNEL_NEAREST),
                    new Option("lanczos3", KERNEL_LANCZOS), new Option("exact", KERNEL_EXACT)),
            "demosaic", List.of(new Option("mhc", DEMOSAIC_DEFAULT), new Option("bilinear", DEMOSAIC_BILINEAR)));

    /** The labels the dialogs show, default first. */
    public static final List<String> REJECTION = labels("rejection");
    public static final List<String> COMBINE = labels("combine");
    public static final List<String> GPU = labels("gpu");
    public static final List<String> KERNEL = labels("kernel");
    public static final List<String> MODE = labels("mode");
    public static final List<String> DEMOSAIC = labels("demosaic");

    /** Parameter name → the config key it sets. */
    public static final Map<String, String> KEYS = Map.of(
            "rejection", "stacking_rejection_algorithm",
            "combine", "stacking_final_combine_method",
            "gpu", "use_gpu_phase5",
            "kernel", "reproject_kernel",
            "mode", "sds_mode_default",
            "demosaic", "stacking_demosaic");

    /** The entries of choice {@code name}, default first. */
    public static List<Option> options(String name) {
        List<Option> o = OPTIONS.get(name);
        if (o == null) throw new IllegalArgumentException("unknown choice '" + name + "'");
        return o;
    }

    private static List<String> labels(String name) {
        return options(name).stream().map(Option::label).toList();
    }

    /** The macro words choice {@code name} accepts: {@value #KEEP}, then every config value. */
    public static List<String> values(String name) {
        return java.util.stream.Stream.concat(java.util.stream.Stream.of(KEEP),
                options(name).stream().map(Option::value)).toList();
    }

    /**
     * Sets the key behind choice {@code name} unless {@code value} is null, blank, {@value #KEEP} or
     * the "(default)" label (those keep the config file's value, or the default).
     * @throws IllegalArgumentException for a value not offered (macros and scripts can pass any text)
     */
    public static void apply(Config config, String name, String value) {
        List<Option> options = options(name);
        if (value == null || value.isBlank()) return;
        String v = value.trim();
        if (v.equalsIgnoreCase(KEEP) || v.equalsIgnoreCase(options.get(0).label())) return;
        String chosen = null;
        for (Option o : options)
            if (o.value().equalsIgnoreCase(v) || o.label().equalsIgnoreCase(v)) chosen = o.value();
        if (chosen == null)
            throw new IllegalArgumentException(name + ": expected one of " + String.join(", ", values(name))
                    + " (or a label: " + String.join(", ", labels(name)) + "), got '" + value + "'");
        config.put(KEYS.get(name), setting(name, chosen));
    }

    /** What choice {@code name}'s entry {@code value} sets its key to: a boolean for the switches, else the value. */
    private static Object setting(String name, String value) {
        return switch (name) {
            case "gpu" -> value.equals("on");
            case "mode" -> value.equals("sds"); // sds_mode_default; Grid mode still wins for a stack plan
            default -> value.toLowerCase(Locale.ROOT);
        };
    }

    /**
     * The first of {@code assignments} that sets choice {@code name}'s key to another value than
     * the explicit entry {@code value} does (never for the "(default)" entry or {@value #KEEP}), or
     * null: for a front that takes both in one line (the command line's {@code --mode} and
     * {@code --set}), where either one winning silently would surprise.
     */
    public static String conflicting(String name, String value, List<String> assignments) {
        if (value == null || value.isBlank() || value.trim().equalsIgnoreCase(KEEP)
                || value.trim().equalsIgnoreCase(options(name).get(0).label())) return null;
        Config chosen = new Config();
        apply(chosen, name, value);
        String key = KEYS.get(name);
        for (String a : assignments) {
            int eq = a.indexOf('=');
            if (eq <= 0 || !a.substring(0, eq).trim().equals(key)) continue;
            Config set = new Config();
            set.set(a);
            if (!String.valueOf(set.get(key)).equals(String.valueOf(chosen.get(key)))) return a.trim();
        }
        return null;
    }
}

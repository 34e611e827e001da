package org.tessera.gpu;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.tessera.config.Config;
import org.tessera.config.ConfigValidator;

/**
 * The run's GPU keys after the original's flag normalisation (reference.md §7,
 * {@code _normalize_gpu_flags}): {@code use_gpu_phase5} is the canonical flag; {@code stack_use_gpu}
 * and {@code use_gpu_stack} are its aliases and follow it (when the canonical key is unset, the
 * first alias that is set gives it); {@code use_gpu_grid} follows it when unset. Values that cannot
 * be read (a word where a number or a boolean belongs) are normalised to the defaults and said in
 * {@link #notes()}, never a crash: a run must not fail for a GPU hint.
 *
 * @param gpu             the canonical flag: the GPU for Phase 3 stacks and the Phase 5 coadd
 * @param grid            the GPU for Grid mode tiles
 * @param gridExplicit    whether {@code use_gpu_grid} was set (else it followed {@code gpu})
 * @param deviceId        {@code gpu_id_phase5}
 * @param allowCpuFallback {@code allow_cpu_fallback}: Phase 5 finishes on the CPU after a GPU failure
 * @param simulate        {@code gpu_simulate}, or null for the real device
 * @param chunkAuto       {@code phase5_chunk_auto}
 * @param chunkMb         {@code phase5_chunk_mb} (not yet clamped)
 * @param hardCapMb       {@code phase5_vram_hard_cap_mb} (0 = off)
 * @param notes           what was normalised, for one warning in the run log
 */
public record GpuSettings(boolean gpu, boolean grid, boolean gridExplicit, int deviceId, boolean allowCpuFallback,
                          String simulate, boolean chunkAuto, double chunkMb, double hardCapMb, List<String> notes) {

    public GpuSettings {
        notes = List.copyOf(notes);
    }

    /**
     * {@code gpu_simulate} parsed by {@link SimulateSpec#parse}, the grammar the device is opened
     * with, for {@link ConfigValidator#validate(Config, List)}: a typo is refused before any work,
     * not when the run first opens the GPU (after Phase 1, and then only as "GPU off"). Unset or
     * blank: no simulation, accepted.
     */
    public static final ConfigValidator.Check SIMULATE = c -> {
        String v = c.getString("gpu_simulate");
        if (v == null || v.isBlank()) return null;
        try {
            SimulateSpec.parse(v.trim());
            return null;
        } catch (IllegalArgumentException e) {
            return e.getMessage();
        }
    };

    /** The GPU's checks of settings that the config package cannot parse itself. */
    public static final List<ConfigValidator.Check> CHECKS = List.of(SIMULATE);

    public static GpuSettings fromConfig(Config c) {
        List<String> notes = new ArrayList<>();
        Boolean canonical = bool(c, "use_gpu_phase5", null, notes);
        Boolean stackAlias = bool(c, "stack_use_gpu", null, notes);
        Boolean stackAlias2 = bool(c, "use_gpu_stack", null, notes);
        boolean gpu = canonical != null ? canonical : stackAlias != null ? stackAlias : stackAlias2 != null && stackAlias2;
        for (String alias : List.of("stack_use_gpu", "use_gpu_stack")) {
            Boolean a = alias.equals("stack_use_gpu") ? stackAlias : stackAlias2;
            if (canonical != null && a != null && a != gpu)
                notes.add(alias + "=" + a + " differs from use_gpu_phase5=" + gpu + ": the canonical use_gpu_phase5 wins");
        }
        Boolean gridFlag = bool(c, "use_gpu_grid", null, notes);
        String sim = c.getString("gpu_simulate");
        if (sim != null && sim.isBlank()) sim = null;
        return new GpuSettings(gpu, gridFlag != null ? gridFlag : gpu, gridFlag != null,
                (int) Math.max(0, num(c, "gpu_id_phase5", 0, notes)),
                Boolean.TRUE.equals(bool(c, "allow_cpu_fallback", true, notes)), sim == null ? null : sim.trim(),
                Boolean.TRUE.equals(bool(c, "phase5_chunk_auto", true, notes)), num(c, "phase5_chunk_mb", 128, notes),
                Math.max(0, num(c, "phase5_vram_hard_cap_mb", 0, notes)), notes);
    }

    /** Whether any part of the run may use the GPU (the health check runs only then). */
    public boolean anyRequested() {
        return gpu || grid;
    }

    private static Boolean bool(Config c, String key, Boolean def, List<String> notes) {
        if (!c.has(key)) return def;
        try {
            return c.getBoolean(key);
        } catch (IllegalArgumentException e) {
            notes.add(key + "='" + c.get(key) + "' is not true/false: " + (def == null ? "unset" : def));
            return def;
        }
    }

    private static double num(Config c, String key, double def, List<String> notes) {
        if (!c.has(key)) {
            if (c.asMap().containsKey(key)) notes.add(key + "=null: " + num(def)); // JSON null, the original's None
            return def;
        }
        try {
            double v = c.getDouble(key);
            if (Double.isFinite(v)) return v;
        } catch (IllegalArgumentException ignored) {
            // reported below
        }
        notes.add(String.format(Locale.ROOT, "%s='%s' is not a number: %s", key, c.get(key), num(def)));
        return def;
    }

    private static String num(double v) {
        return v == Math.rint(v) ? Long.toString((long) v) : Double.toString(v);
    }
}

package org.tessera.gpu;

/** Which part of the pipeline uses the device: fault injection and logs count per phase. */
public enum GpuPhase {
    PHASE3("phase3"), PHASE5("phase5"), GRID("grid"), HEALTH("health");

    private final String key;

    GpuPhase(String key) { this.key = key; }

    /** The name used by {@code gpu_simulate} items, e.g. {@code oom:phase5:1}. */
    public String key() { return key; }

    public static GpuPhase of(String key) {
        for (GpuPhase p : values()) if (p.key.equalsIgnoreCase(key)) return p;
        throw new IllegalArgumentException("unknown GPU phase '" + key + "' (phase3, phase5, grid)");
    }
}

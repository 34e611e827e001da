package org.tessera.gpu;

import java.util.Locale;

/**
 * The result of the run's one health check: whether the GPU may be used, and why not.
 *
 * @param healthy     driver and device present, a tiny allocation and the tiny kernel gave the right numbers
 * @param reason      why the GPU is off ("no NVIDIA driver …"), or null when healthy
 * @param device      the device as it describes itself, or null when none could be opened
 * @param totalBytes  device memory, or -1
 * @param freeBytes   free memory at the check, or -1 when it cannot be probed
 */
public record GpuHealth(boolean healthy, String reason, String device, long totalBytes, long freeBytes) {

    static GpuHealth off(String reason) {
        return new GpuHealth(false, reason, null, -1, -1);
    }

    /**
     * {@link #report()} plus, for a healthy GPU, what a run with these settings does with it
     * ({@code tessera gpu}: a healthy GPU that {@code use_gpu_phase5=false} leaves unused must not
     * read as "runs use the GPU").
     */
    public String report(GpuSettings s) {
        String r = report();
        if (!healthy) return r;
        if (s.gpu() && s.grid()) return r + "runs: Phase 3, Grid mode and Phase 5 on the GPU\n";
        if (s.gpu()) return r + "runs: Phase 3 and Phase 5 on the GPU; Grid mode on the CPU (use_gpu_grid=false)\n";
        if (s.grid()) return r + "runs: Grid mode on the GPU; Phase 3 and Phase 5 on the CPU (use_gpu_phase5=false)\n";
        return r + "runs: every step runs on the CPU (use_gpu_phase5=false)\n";
    }

    /** One paragraph for {@code tessera gpu} and the run log. */
    public String report() {
        StringBuilder sb = new StringBuilder();
        sb.append("GPU: ").append(healthy ? "healthy" : "not usable").append('\n');
        if (device != null) sb.append("device: ").append(device).append('\n');
        if (!healthy) sb.append("reason: ").append(reason).append('\n');
        sb.append("VRAM: ").append(vram()).append('\n');
        // What it means for a run, as the run's own "[GPU] GPU off for this run" line says it.
        if (!healthy) sb.append("runs: every step runs on the CPU\n");
        return sb.toString();
    }

    /** "free F MiB / total T MiB", or "unavailable". */
    public String vram() {
        if (totalBytes < 0) return "unavailable";
        return String.format(Locale.ROOT, "free %s / total %d MiB", freeBytes < 0 ? "unavailable" : (freeBytes >> 20) + " MiB",
                totalBytes >> 20);
    }
}

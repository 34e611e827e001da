package org.tessera.gpu;

import org.scijava.service.SciJavaService;
import org.tessera.config.Config;

/**
 * The GPU as a SciJava service (discoverable in a {@code Context} like any Fiji service; the CLI
 * uses {@link DefaultGpuService#create()}). Each run opens its own {@link GpuRun}, which owns the
 * run's health check, device, VRAM probe, pool and Phase 3 state; {@link #health} answers
 * {@code tessera gpu}.
 */
public interface GpuService extends SciJavaService {

    /** The GPU state of one run, from the run's config ({@code use_gpu_*}, {@code gpu_id_phase5}, {@code gpu_simulate}). */
    GpuRun openRun(Config config);

    /** A health check now, as {@code tessera gpu} prints it (the device is released afterwards). */
    default GpuHealth health(Config config) {
        Config c = config.copy().put("use_gpu_phase5", true);
        try (GpuRun run = openRun(c)) {
            return run.checkQuietly();
        }
    }
}

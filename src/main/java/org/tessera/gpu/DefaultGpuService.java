package org.tessera.gpu;

import org.scijava.plugin.Plugin;
import org.scijava.service.AbstractService;
import org.scijava.service.Service;
import org.tessera.config.Config;

/**
 * The GPU service: opens the real device ({@code gpu_id_phase5}, over JCuda) or, when
 * {@code gpu_simulate} is set, the simulated device wrapped in the fault injector; the backends
 * are the CUDA kernels' ({@link GpuKernels}).
 */
@Plugin(type = Service.class)
public class DefaultGpuService extends AbstractService implements GpuService {

    /** A service outside any SciJava context (the command line, tests). */
    public static GpuService create() {
        return new DefaultGpuService();
    }

    @Override
    public GpuRun openRun(Config config) {
        GpuSettings s = GpuSettings.fromConfig(config);
        return new GpuRun(s, () -> open(s), GpuKernels.BACKENDS);
    }

    /** The device the settings name; a bad {@code gpu_simulate} is an {@link IllegalArgumentException}. */
    static GpuDevice open(GpuSettings s) {
        if (s.simulate() != null) {
            SimulateSpec spec = SimulateSpec.parse(s.simulate());
            return new FaultInjectingDevice(GpuKernels.simulated(spec.vramMb() << 20), spec);
        }
        return GpuKernels.real(s.deviceId());
    }
}

package org.tessera.gpu;

import java.util.Map;

import org.tessera.config.Config;

/**
 * Opens device 0 in a JVM of its own (JCuda's natives load once per JVM) and prints one verdict
 * line per stage, for JCudaDeviceOpenTest and the first step of {@code bench/gpu/run.sh device}:
 * <pre>
 * OPEN &lt;device&gt;, driver CUDA x.y      or  FAIL &lt;why it cannot be opened&gt;
 * KERNELS health=health.sm_90.cubin …     or  FAIL &lt;which images the driver refused&gt;
 * HEALTHY &lt;the run's health line&gt;       or  FAIL &lt;the run's health reason&gt;
 * </pre>
 * The last stage is the pipeline's own health check ({@link GpuRun#health}). Exit status 0 when
 * healthy, 1 otherwise.
 */
public final class JCudaProbe {
    private JCudaProbe() {}

    public static void main(String[] args) {
        System.exit(probe() ? 0 : 1);
    }

    private static boolean probe() {
        try (JCudaDevice d = JCudaDevice.open(0)) {
            System.out.println("OPEN " + d.describe() + ", driver " + JCudaDevice.driverVersion());
            Map<String, String> images = d.loadModules();
            StringBuilder sb = new StringBuilder("KERNELS");
            images.forEach((m, n) -> sb.append(' ').append(m).append('=').append(n));
            System.out.println(sb);
        } catch (GpuException e) {
            System.out.println("FAIL " + e.getMessage());
            return false;
        }
        GpuSettings on = GpuSettings.fromConfig(new Config().set("use_gpu_phase5=true"));
        try (GpuRun run = new GpuRun(on, () -> JCudaDevice.open(0), GpuKernels.BACKENDS)) {
            GpuHealth h = run.health();
            System.out.println(h.healthy() ? "HEALTHY " + h.device() + ", VRAM " + h.vram() : "FAIL " + h.reason());
            return h.healthy();
        }
    }
}

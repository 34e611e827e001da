package org.tessera.gpu;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The real device for the tests tagged "gpu" (run by bench/gpu/run.sh on a GPU machine): opened once
 * per JVM, skipped (not failed) where none opens, so a stray -Pgpu run on a laptop says why.
 */
final class GpuTestDevice {
    private GpuTestDevice() {}

    private static JCudaDevice device;
    private static String problem;

    static synchronized JCudaDevice get() {
        if (device == null && problem == null) {
            try {
                device = JCudaDevice.open(Integer.getInteger("tessera.gpu.id", 0));
                Runtime.getRuntime().addShutdownHook(new Thread(device::close));
                System.out.println("[GPU test] " + device.describe());
            } catch (GpuException e) {
                problem = e.getMessage();
            }
        }
        assumeTrue(device != null, "no GPU: " + problem);
        return device;
    }
}

package org.tessera.gpu;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The real device for the tests tagged "gpu" (run by bench/gpu/run.sh on a GPU machine): opened once
 * per JVM, skipped (not failed) where none opens, so a stray -Pgpu run on a laptop says why. With
 * {@code -Dtessera.gpu.dryRun=true} the simulated device stands in, so the suite's own logic is
 * checked on a machine without a GPU before it is carried to one.
 */
final class GpuTestDevice {
    private GpuTestDevice() {}

    private static GpuDevice device;
    private static String problem;

    static synchronized GpuDevice get() {
        if (device == null && problem == null && Boolean.getBoolean("tessera.gpu.dryRun")) {
            // The suite's own logic checked without a GPU (bench/gpu/run.sh prepare): the simulated device.
            device = new SimulatedDevice(2L << 30);
            System.out.println("[GPU test] dry run on " + device.describe());
        }
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

package org.tessera.gpu;

/**
 * The Java port of one CUDA kernel: the body one CUDA thread executes, for thread
 * ({@code blockIdx}, {@code threadIdx}) of the launch, over the simulated device's memory. The
 * simulated device calls it for every thread of the grid, so a port follows its {@code .cu}
 * source line for line (same index arithmetic, same bounds checks, same float/double types).
 * Ports must not share state between threads other than through the buffers, as in CUDA.
 */
@FunctionalInterface
public interface JavaKernel {

    /**
     * @param memory resolves a {@link DeviceBuffer} argument to its backing storage
     *               ({@code float[]}, {@code int[]} or {@code double[]} views)
     */
    void thread(int blockX, int blockY, int threadX, int threadY, KernelCall call, SimulatedMemory memory);

    /** Backing storage of simulated device buffers, typed as the kernel reads them. */
    interface SimulatedMemory {
        float[] floats(DeviceBuffer b);
        int[] ints(DeviceBuffer b);
        double[] doubles(DeviceBuffer b);
    }
}

package org.tessera.gpu;

import java.util.List;

/**
 * One launch of a named kernel: the grid and block sizes and the arguments in the order of the
 * CUDA C signature. Arguments are {@link DeviceBuffer}, {@code Integer}, {@code Long},
 * {@code Float} or {@code Double}. The same call runs the CUBIN entry point on a real device and
 * the {@link JavaKernel} of that name on the simulated one.
 */
public record KernelCall(String kernel, int gridX, int gridY, int blockX, int blockY, List<Object> args) {

    public KernelCall {
        if (gridX < 1 || gridY < 1 || blockX < 1 || blockY < 1)
            throw new IllegalArgumentException("bad launch shape for " + kernel);
        args = List.copyOf(args);
    }

    /** A 1-D launch covering {@code n} threads with blocks of {@code block}. */
    public static KernelCall linear(String kernel, long n, int block, Object... args) {
        long grid = Math.max(1, (n + block - 1) / block);
        if (grid > Integer.MAX_VALUE) throw new IllegalArgumentException("grid too large for " + kernel);
        return new KernelCall(kernel, (int) grid, 1, block, 1, List.of(args));
    }
}

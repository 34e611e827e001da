package org.tessera.gpu.kernels;

import org.tessera.gpu.JavaKernel;

/** Java port of {@code src/main/cuda/health.cu}: out[i] = 2·i + 1, which the health check verifies. */
public final class HealthKernel {
    private HealthKernel() {}

    public static final String NAME = "tessera_health";

    static final JavaKernel KERNEL = (blockX, blockY, threadX, threadY, call, mem) -> {
        int[] out = mem.ints(StackKernels.buf(call.args(), 0));
        int n = StackKernels.i32(call.args(), 1);
        int i = blockX * call.blockX() + threadX;
        if (i >= n) return;
        out[i] = 2 * i + 1;
    };
}

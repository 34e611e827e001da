package org.tessera.gpu;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import org.tessera.stack.StackBackend;

/**
 * The real GPU backends (the kernels' Java ports on the simulated device), recording the chunk
 * limits each attempt was given, so the tests can check what the policies asked for.
 */
class TestBackends implements GpuBackends {

    final List<ChunkLimits> stackLimits = Collections.synchronizedList(new ArrayList<>());
    final List<ChunkLimits> coaddLimits = Collections.synchronizedList(new ArrayList<>());

    @Override
    public StackBackend stack(GpuDevice device, GpuPhase phase, ChunkLimits limits) {
        stackLimits.add(limits);
        return GpuKernels.BACKENDS.stack(device, phase, limits);
    }

    @Override
    public GpuBandCoadder coadder(GpuDevice device, ChunkLimits limits) {
        coaddLimits.add(limits);
        return GpuKernels.BACKENDS.coadder(device, limits);
    }

    @Override
    public ChunkSummary summary(StackBackend backend) {
        return GpuKernels.BACKENDS.summary(backend);
    }
}

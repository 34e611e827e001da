package org.tessera.gpu;

import org.tessera.reproject.BandCoadder;
import org.tessera.stack.StackBackend;

/** Where the control layer meets the kernels: the devices and the GPU backends. */
final class GpuKernels {
    private GpuKernels() {}

    static final GpuBackends BACKENDS = new GpuBackends() {
        @Override
        public StackBackend stack(GpuDevice device, GpuPhase phase, ChunkLimits limits) {
            throw new GpuException("no GPU stack kernels in this build");
        }

        @Override
        public BandCoadder coadder(GpuDevice device, ChunkLimits limits) {
            throw new GpuException("no GPU coadd kernels in this build");
        }
    };

    static GpuDevice simulated(long vramBytes) {
        return new SimulatedDevice(vramBytes);
    }

    static GpuDevice real(int id) {
        throw new GpuException("no CUDA device support in this build");
    }
}

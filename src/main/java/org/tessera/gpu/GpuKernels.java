package org.tessera.gpu;

import org.tessera.stack.StackBackend;

/** Where the control layer meets the kernels: the devices and the GPU backends. */
final class GpuKernels {
    private GpuKernels() {}

    static final GpuBackends BACKENDS = new GpuBackends() {
        @Override
        public StackBackend stack(GpuDevice device, GpuPhase phase, ChunkLimits limits) {
            return new GpuStackBackend(device, phase, limits);
        }

        @Override
        public GpuBandCoadder coadder(GpuDevice device, ChunkLimits limits) {
            return new GpuBandCoadder(device, GpuPhase.PHASE5, limits);
        }

        @Override
        public ChunkSummary summary(StackBackend backend) {
            if (!(backend instanceof GpuStackBackend g)) return null;
            ChunkTimings.Snapshot s = g.timings().take();
            return new ChunkSummary(s.maxChunkRows(), s.maxChunkPixels(), s.chunks(), s.uploadMs(), s.rejectMs(), s.combineMs(), s.downloadMs());
        }
    };

    static GpuDevice simulated(long vramBytes) {
        return new SimulatedDevice(vramBytes);
    }

    static GpuDevice real(int id) {
        return JCudaDevice.open(id);
    }
}

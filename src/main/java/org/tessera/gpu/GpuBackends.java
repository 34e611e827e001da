package org.tessera.gpu;

import org.tessera.stack.StackBackend;

/**
 * Makes the GPU backends over a device with given chunk limits: the stack core's backend for
 * Phase 3 and Grid tiles, and the band coadder for Phase 5. The policies build a fresh one per
 * attempt, so each attempt runs with its own (possibly smaller) limits.
 */
public interface GpuBackends {

    StackBackend stack(GpuDevice device, GpuPhase phase, ChunkLimits limits);

    /** Phase 5's coadder; the control layer calls it one channel at a time. */
    GpuBandCoadder coadder(GpuDevice device, ChunkLimits limits);

    /**
     * What a stack backend did, for {@code phase3_gpu_chunk_summary}: rows per chunk and time per
     * step; null when the backend keeps no such count.
     */
    default ChunkSummary summary(StackBackend backend) {
        return null;
    }

    /** Rows and pixels of the largest chunk, chunks, and milliseconds spent uploading, rejecting, combining and downloading. */
    record ChunkSummary(int rowsPerChunk, long pixelsPerChunk, int chunks, double uploadMs, double rejectMs, double combineMs,
                        double downloadMs) {}
}

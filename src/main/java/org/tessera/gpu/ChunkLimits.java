package org.tessera.gpu;

/**
 * How much of a band one GPU chunk may take: at most {@code rowsPerChunk} output rows (coadd) and
 * at most {@code maxChunkBytes} of device memory for everything the chunk allocates (inputs,
 * scratch, outputs). The control layer picks them from the plan and shrinks them on retries; a
 * backend never allocates more than {@code maxChunkBytes} at once.
 */
public record ChunkLimits(int rowsPerChunk, long maxChunkBytes) {

    public ChunkLimits {
        if (rowsPerChunk < 1) throw new IllegalArgumentException("rows per chunk must be >= 1: " + rowsPerChunk);
        if (maxChunkBytes < 1) throw new IllegalArgumentException("max chunk bytes must be >= 1: " + maxChunkBytes);
    }

    /** Limits of {@code rows} rows and {@code mb} MiB. */
    public static ChunkLimits of(int rows, long mb) {
        return new ChunkLimits(rows, mb << 20);
    }

    public long maxChunkMb() {
        return maxChunkBytes >> 20;
    }
}

package org.tessera.gpu;

/**
 * How much of a band one GPU chunk may take: at most {@code rowsPerChunk} output rows (coadd) and
 * at most {@code maxChunkBytes} of device memory for everything the chunk allocates (inputs,
 * scratch, outputs). The control layer picks them from the plan and shrinks them on retries; a
 * backend never allocates more than {@code maxChunkBytes} at once, counting both buffer sets when
 * it double-buffers chunks over two streams (each set then gets half).
 */
public record ChunkLimits(int rowsPerChunk, long maxChunkBytes) {

    public static final long MIB = 1L << 20;

    public ChunkLimits {
        if (rowsPerChunk < 1) throw new IllegalArgumentException("rows per chunk must be >= 1: " + rowsPerChunk);
        if (maxChunkBytes < 1) throw new IllegalArgumentException("max chunk bytes must be >= 1: " + maxChunkBytes);
    }

    /** Limits of {@code rows} rows and {@code mb} MiB. */
    public static ChunkLimits of(int rows, long mb) {
        return new ChunkLimits(rows, mb << 20);
    }

    /** Both limits × {@code factor}, never below {@code minBytes} and {@code minRows} (the control layer's retries). */
    public ChunkLimits shrink(double factor, long minBytes, int minRows) {
        return new ChunkLimits(Math.max(minRows, (int) (rowsPerChunk * factor)), Math.max(minBytes, (long) (maxChunkBytes * factor)));
    }

    public long maxChunkMb() {
        return maxChunkBytes >> 20;
    }
}

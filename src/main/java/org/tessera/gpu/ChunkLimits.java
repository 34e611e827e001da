package org.tessera.gpu;

/**
 * How much of a band a GPU backend may put on the device at once: rows per chunk (0 = as many as
 * {@code maxChunkBytes} allows) and bytes per chunk. The policies shrink them between attempts.
 */
public record ChunkLimits(int rowsPerChunk, long maxChunkBytes) {

    public static final long MIB = 1L << 20;

    public ChunkLimits {
        if (rowsPerChunk < 0 || maxChunkBytes < 1)
            throw new IllegalArgumentException("bad chunk limits: rows " + rowsPerChunk + ", bytes " + maxChunkBytes);
    }

    /** Both limits × {@code factor}, never below {@code minBytes} and {@code minRows} (rows 0 stays automatic). */
    public ChunkLimits shrink(double factor, long minBytes, int minRows) {
        long bytes = Math.max(minBytes, (long) (maxChunkBytes * factor));
        int rows = rowsPerChunk == 0 ? 0 : Math.max(minRows, (int) (rowsPerChunk * factor));
        return new ChunkLimits(rows, bytes);
    }

    public long maxChunkMb() {
        return maxChunkBytes / MIB;
    }
}

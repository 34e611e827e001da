package org.tessera.gpu;

import java.util.Locale;

/**
 * Where a GPU backend's time went since the last {@link #take}: host→device copies, the rejection
 * kernel, the combine kernel (the coadd kernel counts as combine), device→host copies, and how
 * the work was cut (chunks, largest chunk in pixels and rows). Thread-safe.
 */
public final class ChunkTimings {
    private double uploadMs, rejectMs, combineMs, downloadMs;
    private int chunks;
    private long maxChunkPixels;
    private int maxChunkRows;

    /** A snapshot of the counters. */
    public record Snapshot(double uploadMs, double rejectMs, double combineMs, double downloadMs, int chunks,
                           long maxChunkPixels, int maxChunkRows) {
        public double totalMs() {
            return uploadMs + rejectMs + combineMs + downloadMs;
        }

        /** "chunks=3 rows_per_chunk=… upload_ms=… reject_ms=… combine_ms=… download_ms=…" for logs. */
        public String format() {
            return String.format(Locale.ROOT,
                    "chunks=%d rows_per_chunk=%d pixels_per_chunk=%d upload_ms=%.1f reject_ms=%.1f combine_ms=%.1f download_ms=%.1f",
                    chunks, maxChunkRows, maxChunkPixels, uploadMs, rejectMs, combineMs, downloadMs);
        }
    }

    synchronized void add(double upload, double reject, double combine, double download) {
        uploadMs += upload;
        rejectMs += reject;
        combineMs += combine;
        downloadMs += download;
    }

    synchronized void chunk(long pixels, int rows) {
        chunks++;
        maxChunkPixels = Math.max(maxChunkPixels, pixels);
        maxChunkRows = Math.max(maxChunkRows, rows);
    }

    /** The counters since the last take, and resets them. */
    public synchronized Snapshot take() {
        Snapshot s = peek();
        uploadMs = rejectMs = combineMs = downloadMs = 0;
        chunks = 0;
        maxChunkPixels = 0;
        maxChunkRows = 0;
        return s;
    }

    public synchronized Snapshot peek() {
        return new Snapshot(uploadMs, rejectMs, combineMs, downloadMs, chunks, maxChunkPixels, maxChunkRows);
    }

    static double ms(long t0) {
        return (System.nanoTime() - t0) / 1e6;
    }
}

package org.tessera.reproject;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * A least-recently-used cache of tile row blocks shared by the band workers, bounded in bytes.
 * Consecutive output bands need overlapping source rows (always for rotated tiles), so each
 * block is read from its source once while the bands sweep over it, and memory stays
 * O(blocks in use), never O(tile) or O(all tiles). Two workers asking for the same missing block
 * wait for one read.
 */
final class StripCache {

    private final long budget;
    private long bytes;
    private long reads, hits;
    private final LinkedHashMap<Long, CompletableFuture<Tile.Block>> map = new LinkedHashMap<>(64, 0.75f, true);

    StripCache(long budgetBytes) {
        this.budget = budgetBytes;
    }

    /** Rows [r0, r1) of a tile (clipped to its crop window) as a strip, or null when none. */
    SourceStrip strip(Tile t, int r0, int r1) throws IOException {
        r0 = Math.max(r0, t.cy0);
        r1 = Math.min(r1, t.cy1);
        if (r0 >= r1) return null;
        int b0 = r0 / t.blockRows, b1 = (r1 - 1) / t.blockRows;
        int n = r1 - r0;
        float[][][] rows = new float[t.channels][n][];
        int[] off = new int[n];
        float[][] w = t.unitWeight ? null : new float[n][];
        for (int b = b0; b <= b1; b++) {
            Tile.Block blk = block(t, b);
            float[] wb = w == null ? null : (blk.w() != null ? blk.w() : t.ones());
            int from = Math.max(r0, blk.y0()), to = Math.min(r1, blk.y0() + blk.rows());
            for (int r = from; r < to; r++) {
                int j = r - r0;
                for (int c = 0; c < t.channels; c++) rows[c][j] = blk.planes()[c];
                if (w != null) w[j] = wb;
                off[j] = (r - blk.y0()) * t.width;
            }
        }
        return new SourceStrip(t.width, r0, r1, rows, w, off, t.window());
    }

    private Tile.Block block(Tile t, int b) throws IOException {
        long key = ((long) t.index << 32) | b;
        CompletableFuture<Tile.Block> f;
        boolean mine = false;
        synchronized (map) {
            f = map.get(key);
            if (f == null) {
                f = new CompletableFuture<>();
                map.put(key, f);
                mine = true;
                reads++;
            } else {
                hits++;
            }
        }
        if (mine) {
            try {
                Tile.Block blk = t.readBlock(b);
                f.complete(blk);
                synchronized (map) {
                    bytes += blk.bytes();
                    evict(key);
                }
                return blk;
            } catch (IOException | RuntimeException e) {
                synchronized (map) {
                    map.remove(key);
                }
                f.completeExceptionally(e);
                throw e;
            }
        }
        try {
            return f.join();
        } catch (CompletionException e) {
            Throwable c = e.getCause();
            if (c instanceof IOException io) throw new IOException(t.name() + ": " + io.getMessage(), io);
            if (c instanceof UncheckedIOException u) throw u.getCause();
            if (c instanceof RuntimeException r) throw r;
            throw e;
        }
    }

    /** Drops least recently used, finished blocks until within budget (never the one just read). */
    private void evict(long keep) {
        Iterator<Map.Entry<Long, CompletableFuture<Tile.Block>>> it = map.entrySet().iterator();
        while (bytes > budget && it.hasNext()) {
            Map.Entry<Long, CompletableFuture<Tile.Block>> e = it.next();
            if (e.getKey() == keep || !e.getValue().isDone() || e.getValue().isCompletedExceptionally()) continue;
            bytes -= e.getValue().join().bytes();
            it.remove();
        }
    }

    /** Blocks read from the sources, and requests served from memory. */
    synchronized long[] stats() {
        synchronized (map) {
            return new long[] {reads, hits, bytes};
        }
    }
}

package org.tessera.reproject;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

import org.tessera.WorkerFailures;

/**
 * A least-recently-used cache of tile row blocks shared by the band workers, bounded in bytes.
 * Consecutive output bands need overlapping source rows (always for rotated tiles), so each
 * block is read from its source once while the bands sweep over it, and memory stays
 * O(blocks in use), never O(tile) or O(all tiles). Two workers asking for the same missing block
 * wait for one read.
 * <p>
 * A band holds the blocks its strips use until it {@link #release}s them; a block is evicted only
 * when no band holds it, and its arrays are then recycled for the next read, so the sweep does
 * not churn the heap (multi-MiB arrays are what a garbage collector copies most expensively).
 */
final class StripCache {

    /** A cached block and how many bands hold it. */
    private static final class Entry {
        final CompletableFuture<Tile.Block> block = new CompletableFuture<>();
        int holders;
    }

    /** The blocks a band holds; give it back with {@link #release}. */
    static final class Lease {
        private final List<Entry> entries = new ArrayList<>();
    }

    private static final int POOL_MAX = 8; // recycled arrays kept per size

    private final long budget;
    private long bytes;
    private long reads, hits;
    private final LinkedHashMap<Long, Entry> map = new LinkedHashMap<>(64, 0.75f, true);
    private final Map<Integer, ArrayDeque<float[]>> pool = new HashMap<>();

    StripCache(long budgetBytes) {
        this.budget = budgetBytes;
    }

    /**
     * Rows [r0, r1) of a tile (clipped to its crop window) as a strip, or null when none; the
     * blocks it uses are held by {@code lease} until released.
     */
    SourceStrip strip(Tile t, int r0, int r1, Lease lease) throws IOException {
        r0 = Math.max(r0, t.cy0);
        r1 = Math.min(r1, t.cy1);
        if (r0 >= r1) return null;
        int b0 = r0 / t.blockRows, b1 = (r1 - 1) / t.blockRows;
        int n = r1 - r0;
        float[][][] rows = new float[t.channels][n][];
        int[] off = new int[n];
        float[][] w = t.unitWeight ? null : new float[n][];
        for (int b = b0; b <= b1; b++) {
            Tile.Block blk = block(t, b, lease);
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

    /** Gives back the blocks of a band: they may now be evicted and recycled. */
    void release(Lease lease) {
        synchronized (map) {
            for (Entry e : lease.entries) e.holders--;
            lease.entries.clear();
            evict();
        }
    }

    private Tile.Block block(Tile t, int b, Lease lease) throws IOException {
        long key = ((long) t.index << 32) | b;
        Entry e;
        boolean mine = false;
        synchronized (map) {
            e = map.get(key);
            if (e == null) {
                e = new Entry();
                map.put(key, e);
                mine = true;
                reads++;
            } else {
                hits++;
            }
            e.holders++;
            lease.entries.add(e);
        }
        if (mine) {
            try {
                Tile.Block blk = t.readBlock(b, this::array);
                synchronized (map) {
                    bytes += blk.bytes();
                }
                e.block.complete(blk);
                synchronized (map) {
                    evict();
                }
                return blk;
            } catch (Throwable ex) {
                // Any Throwable, an OutOfMemoryError too: a worker waiting for this block in join()
                // must wake up with the failure, or it waits forever.
                synchronized (map) {
                    map.remove(key);
                }
                e.block.completeExceptionally(ex);
                throw ex;
            }
        }
        try {
            return e.block.join();
        } catch (CompletionException ce) {
            Throwable c = ce.getCause();
            if (c instanceof IOException io) throw new IOException(t.name() + ": " + io.getMessage(), io);
            if (c instanceof UncheckedIOException u) throw u.getCause();
            WorkerFailures.throwIfUnchecked(c);
            throw ce;
        }
    }

    /** A float array of length n, recycled when one is free. */
    private float[] array(int n) {
        synchronized (map) {
            ArrayDeque<float[]> q = pool.get(n);
            if (q != null && !q.isEmpty()) return q.pop();
        }
        return new float[n];
    }

    /** Drops least recently used blocks no band holds until within budget; keeps their arrays. */
    private void evict() {
        Iterator<Map.Entry<Long, Entry>> it = map.entrySet().iterator();
        while (bytes > budget && it.hasNext()) {
            Entry e = it.next().getValue();
            if (e.holders > 0 || !e.block.isDone() || e.block.isCompletedExceptionally()) continue;
            Tile.Block blk = e.block.join();
            bytes -= blk.bytes();
            it.remove();
            recycle(blk.planes());
            if (blk.w() != null) recycle(new float[][] {blk.w()});
        }
    }

    private void recycle(float[][] arrays) {
        for (float[] a : arrays) {
            ArrayDeque<float[]> q = pool.computeIfAbsent(a.length, k -> new ArrayDeque<>());
            if (q.size() < POOL_MAX) q.push(a);
        }
    }

    /** Blocks read from the sources, requests served from memory, bytes cached. */
    long[] stats() {
        synchronized (map) {
            return new long[] {reads, hits, bytes};
        }
    }
}

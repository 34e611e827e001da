package org.tessera.image;

import java.util.BitSet;
import java.util.HashMap;
import java.util.Map;

/**
 * A {@link RowSink} that hands its subclass whole groups of {@code groupRows} image rows (the last
 * group may be shorter) — the cell rows of a background mesh, the block rows of a preview — from
 * bands that arrive in any order, from several threads, and of any height. A group that a band
 * edge cuts is copied until its other rows arrive (a few groups at a time with bands in increasing
 * order); a group inside one band is read in place. So what a subclass computes from a group does
 * not depend on the band heights nor on their order. A group written twice (the same band again)
 * is computed twice and stored once ({@link #store}).
 */
public abstract class RowGroupSink implements RowSink {

    protected final int width;
    protected final int height;
    protected final int channels;
    /** Rows per group. */
    protected final int groupRows;
    /** Groups: ⌈height / groupRows⌉. */
    protected final int groups;

    /** Groups stored. */
    private final BitSet done = new BitSet();
    /** Groups of which a band brought only some rows: those rows, until the rest arrives. */
    private final Map<Integer, Partial> partial = new HashMap<>();

    private static final class Partial {
        final float[][] rows;
        final BitSet have = new BitSet();

        Partial(int channels, int n) {
            rows = new float[channels][n];
        }
    }

    protected RowGroupSink(int width, int height, int channels, int groupRows) {
        this.width = width;
        this.height = height;
        this.channels = channels;
        this.groupRows = groupRows;
        this.groups = (height + groupRows - 1) / groupRows;
    }

    public int width() { return width; }

    public int height() { return height; }

    public int channels() { return channels; }

    @Override
    public final void writeRows(int y0, int rows, float[][] src) {
        if (y0 < 0 || rows < 0 || y0 + rows > height)
            throw new IndexOutOfBoundsException("rows [" + y0 + ", " + (y0 + rows) + ") outside 0.." + height);
        if (src.length < channels) throw new IllegalArgumentException("band has " + src.length + " channels, image " + channels);
        int y1 = y0 + rows;
        for (int g = y0 / groupRows; g < groups && g * groupRows < y1; g++) {
            int g0 = g * groupRows, g1 = Math.min(height, g0 + groupRows);
            if (g0 >= y0 && g1 <= y1) {
                group(g, src, (g0 - y0) * width, g1 - g0);
                continue;
            }
            float[][] whole = collect(g, Math.max(y0, g0), Math.min(y1, g1), src, y0);
            if (whole != null) group(g, whole, 0, g1 - g0);
        }
    }

    /** Keeps rows [a, b) of group g; returns the group's rows once all are in, else null. */
    private float[][] collect(int g, int a, int b, float[][] src, int y0) {
        int g0 = g * groupRows, n = Math.min(height, g0 + groupRows) - g0;
        synchronized (this) {
            if (done.get(g)) return null; // the same band written again
            Partial p = partial.computeIfAbsent(g, k -> new Partial(channels, n * width));
            for (int c = 0; c < channels; c++)
                System.arraycopy(src[c], (a - y0) * width, p.rows[c], (a - g0) * width, (b - a) * width);
            p.have.set(a - g0, b - g0);
            if (p.have.cardinality() < n) return null;
            partial.remove(g);
            return p.rows;
        }
    }

    /**
     * Group g, all its {@code rows} rows, at {@code src[c][off + r·width + x]}: compute from it
     * (outside any lock, on the writing thread), then {@link #store} the result.
     */
    protected abstract void group(int g, float[][] src, int off, int rows);

    /** Runs {@code put} under the sink's lock unless group g is already stored, and marks it stored. */
    protected final synchronized void store(int g, Runnable put) {
        if (done.get(g)) return;
        put.run();
        done.set(g);
    }

    /** The first group not stored yet, {@link #groups} when all are (call under the sink's lock or after the writes). */
    protected final synchronized int firstMissing() {
        return done.nextClearBit(0);
    }
}

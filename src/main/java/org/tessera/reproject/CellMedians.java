package org.tessera.reproject;

import java.util.Arrays;
import java.util.BitSet;
import java.util.HashMap;
import java.util.Map;

import org.tessera.image.RowSink;
import org.tessera.math.Percentiles;

/**
 * The samples of the final background extraction ({@link FinalBackground}): the median of every
 * square cell of {@code cellPx} mosaic pixels that is at least {@link FinalBackground#MIN_CELL_FILL}
 * valid, per channel. A {@link RowSink}: it takes the mosaic's bands as the coadd writes them, in
 * any order, from several threads, and of any height, so the samples come from data the coadd
 * already has in memory instead of a second read of the mosaic file, and in the coadd's worker
 * threads. A cell row cut by a band edge is copied until its other part arrives (a few cell rows
 * at a time with bands taken in increasing order); a cell row's medians are computed once, when
 * all its rows are in. The medians do not depend on the band sizes or their order.
 */
public final class CellMedians implements RowSink {

    private final int width;
    private final int height;
    private final int channels;
    private final int cell;
    private final int cellsX;
    private final int cellsY;
    private final boolean joint;
    private final double[][] medians;
    /** Cell rows whose medians are in {@link #medians}. */
    private final BitSet done = new BitSet();
    /** Cell rows of which a band brought only some rows: those rows, until the rest arrives. */
    private final Map<Integer, Partial> partial = new HashMap<>();

    private static final class Partial {
        final float[][] rows;
        final BitSet have = new BitSet();

        Partial(int channels, int n) {
            rows = new float[channels][n];
        }
    }

    /**
     * @param joint the values as a mosaic file with an ALPHA extension made from NaN
     *              ({@code FitsImageWriter.AlphaMode.FROM_NAN}) reads back through {@code FitsFrame}:
     *              a pixel counts in no channel unless it is finite in every channel, and −0 is +0;
     *              false: each channel's finite values, as they are
     */
    public CellMedians(int width, int height, int channels, int cellPx, boolean joint) {
        if (width <= 0 || height <= 0 || channels <= 0 || cellPx < 1)
            throw new IllegalArgumentException("bad shape " + width + "x" + height + "x" + channels + ", cell " + cellPx);
        this.width = width;
        this.height = height;
        this.channels = channels;
        this.cell = cellPx;
        this.joint = joint;
        this.cellsX = (width + cellPx - 1) / cellPx;
        this.cellsY = (height + cellPx - 1) / cellPx;
        this.medians = new double[channels][cellsX * cellsY];
        for (double[] m : medians) Arrays.fill(m, Double.NaN);
    }

    public int width() { return width; }

    public int height() { return height; }

    public int channels() { return channels; }

    public int cellPx() { return cell; }

    public int cellsX() { return cellsX; }

    public int cellsY() { return cellsY; }

    @Override
    public void writeRows(int y0, int rows, float[][] src) {
        if (y0 < 0 || rows < 0 || y0 + rows > height)
            throw new IndexOutOfBoundsException("rows [" + y0 + ", " + (y0 + rows) + ") outside 0.." + height);
        int y1 = y0 + rows;
        for (int cy = y0 / cell; cy < cellsY && cy * cell < y1; cy++) {
            int c0 = cy * cell, c1 = Math.min(height, c0 + cell);
            if (c0 >= y0 && c1 <= y1) {
                cellRow(cy, src, (c0 - y0) * width);
                continue;
            }
            float[][] whole = collect(cy, Math.max(y0, c0), Math.min(y1, c1), src, y0);
            if (whole != null) cellRow(cy, whole, 0);
        }
    }

    /** Keeps rows [a, b) of cell row cy; returns the cell row's rows once all are in, else null. */
    private float[][] collect(int cy, int a, int b, float[][] src, int y0) {
        int c0 = cy * cell, n = Math.min(height, c0 + cell) - c0;
        synchronized (this) {
            if (done.get(cy)) return null; // the same band written again
            Partial p = partial.computeIfAbsent(cy, k -> new Partial(channels, n * width));
            for (int c = 0; c < channels; c++)
                System.arraycopy(src[c], (a - y0) * width, p.rows[c], (a - c0) * width, (b - a) * width);
            p.have.set(a - c0, b - c0);
            if (p.have.cardinality() < n) return null;
            partial.remove(cy);
            return p.rows;
        }
    }

    /** The medians of cell row cy from its rows, at {@code src[c][off + (y - cy·cell)·width + x]}. */
    private void cellRow(int cy, float[][] src, int off) {
        int rows = Math.min(cell, height - cy * cell);
        double[][] out = new double[channels][cellsX];
        float[] vals = new float[cell * cell];
        for (int cx = 0; cx < cellsX; cx++) {
            int x0 = cx * cell, cols = Math.min(cell, width - x0);
            for (int c = 0; c < channels; c++) {
                int n = gather(src, c, off + x0, rows, cols, vals);
                out[c][cx] = n >= FinalBackground.MIN_CELL_FILL * rows * cols && n > 0
                        ? Percentiles.medianAsSorted(vals, n) : Double.NaN;
            }
        }
        synchronized (this) {
            if (done.get(cy)) return;
            for (int c = 0; c < channels; c++) System.arraycopy(out[c], 0, medians[c], cy * cellsX, cellsX);
            done.set(cy);
        }
    }

    /**
     * The valid values of one cell of channel c (its top left pixel at {@code start}) into vals;
     * returns their count. A small method of its own, called once a cell: the JIT compiles it once.
     */
    private int gather(float[][] src, int c, int start, int rows, int cols, float[] vals) {
        float[] p = src[c];
        int n = 0;
        for (int y = 0; y < rows; y++) {
            int i0 = start + y * width;
            for (int i = i0; i < i0 + cols; i++) {
                float v = p[i];
                if (!Float.isFinite(v)) continue;
                if (joint) {
                    if (!finiteEverywhere(src, i)) continue;
                    v += 0f; // −0 reads back +0 (FitsFrame: 0 + 1 · v)
                }
                vals[n++] = v;
            }
        }
        return n;
    }

    private boolean finiteEverywhere(float[][] src, int i) {
        for (int c = 0; c < channels; c++) if (!Float.isFinite(src[c][i])) return false;
        return true;
    }

    /**
     * The medians, {@code [channel][cy · cellsX + cx]} (NaN: too few valid pixels). Every row must
     * have been written.
     */
    public synchronized double[][] medians() {
        int missing = done.nextClearBit(0);
        if (missing < cellsY)
            throw new IllegalStateException("background samples incomplete: cell row " + missing + " of " + cellsY
                    + " (mosaic rows " + missing * cell + "..) never written");
        return medians; // complete: no band changes it any more
    }
}

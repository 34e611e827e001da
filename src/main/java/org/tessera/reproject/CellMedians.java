package org.tessera.reproject;

import java.util.Arrays;

import org.tessera.image.RowGroupSink;
import org.tessera.image.RowSink;
import org.tessera.math.Percentiles;

/**
 * The samples of the final background extraction ({@link FinalBackground}): the median of every
 * square cell of {@code cellPx} mosaic pixels that is at least {@link FinalBackground#MIN_CELL_FILL}
 * valid, per channel. A {@link RowSink}: it takes the mosaic's bands as the coadd writes them, in
 * any order, from several threads, and of any height, so the samples come from data the coadd
 * already has in memory instead of a second read of the mosaic file, and in the coadd's worker
 * threads. The cell rows come whole from {@link RowGroupSink} (one cut by a band edge waits for
 * its other part); a cell row's medians are computed once all its rows are in, so they do not
 * depend on the band sizes or their order.
 */
public final class CellMedians extends RowGroupSink {

    private final int cell;
    private final int cellsX;
    private final int cellsY;
    private final boolean joint;
    private final double[][] medians;

    /**
     * @param joint the values as a mosaic file with an ALPHA extension made from NaN
     *              ({@code FitsImageWriter.AlphaMode.FROM_NAN}) reads back through {@code FitsFrame}:
     *              a pixel counts in no channel unless it is finite in every channel, and −0 is +0;
     *              false: each channel's finite values, as they are
     */
    public CellMedians(int width, int height, int channels, int cellPx, boolean joint) {
        super(checked(width, height, channels, cellPx), height, channels, cellPx);
        this.cell = cellPx;
        this.joint = joint;
        this.cellsX = (width + cellPx - 1) / cellPx;
        this.cellsY = groups;
        this.medians = new double[channels][cellsX * cellsY];
        for (double[] m : medians) Arrays.fill(m, Double.NaN);
    }

    private static int checked(int width, int height, int channels, int cellPx) {
        if (width <= 0 || height <= 0 || channels <= 0 || cellPx < 1)
            throw new IllegalArgumentException("bad shape " + width + "x" + height + "x" + channels + ", cell " + cellPx);
        return width;
    }

    public int cellPx() { return cell; }

    public int cellsX() { return cellsX; }

    public int cellsY() { return cellsY; }

    /** The medians of cell row cy from its rows, at {@code src[c][off + (y - cy·cell)·width + x]}. */
    @Override
    protected void group(int cy, float[][] src, int off, int rows) {
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
        store(cy, () -> {
            for (int c = 0; c < channels; c++) System.arraycopy(out[c], 0, medians[c], cy * cellsX, cellsX);
        });
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
        int missing = firstMissing();
        if (missing < cellsY)
            throw new IllegalStateException("background samples incomplete: cell row " + missing + " of " + cellsY
                    + " (mosaic rows " + missing * cell + "..) never written");
        return medians; // complete: no band changes it any more
    }
}

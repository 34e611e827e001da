package org.tessera.io;

import org.tessera.image.RowGroupSink;
import org.tessera.image.RowSink;

/**
 * The block means of a PNG preview ({@link PreviewPng}) taken from an image's bands as they are
 * written, instead of reading the written file back: a {@link RowSink} that takes the bands in any
 * order, from several threads, and of any height. The means are those {@link PreviewPng} takes from
 * the file, bit for bit: each f×f block's double sum runs over the values the file reads back
 * ({@code joint}: a pixel not finite in every channel reads NaN in all of them, as a FROM_NAN
 * ALPHA makes it; else each non-finite value reads NaN), over the block's rows in order, each row
 * left to right, as {@code PreviewPng.downsample} adds them. The block rows come whole from
 * {@link RowGroupSink} (a row of blocks cut by a band edge waits for its other part), so the means
 * depend neither on band heights nor on their order. Memory: the preview's planes (a
 * byte a block for a coverage), and the few block rows that a band edge cuts.
 */
public final class PreviewBlocks extends RowGroupSink {

    private final int f;
    private final int ow;
    private final int oh;
    private final boolean joint;
    /** The block means; null for a coverage ({@link #coverage}). */
    private final float[][] planes;
    /** A coverage's blocks: 1 where the mean is &gt; 0 (all the preview asks of it), else 0; else null. */
    private final byte[] positive;

    /**
     * @param maxDim the preview's longest side ({@code preview_png_max_dim}): the block size is
     *               the smallest integer that brings the image's longest side to at most this
     * @param joint  the image is written with an ALPHA made from NaN (a pixel counts in no channel
     *               unless finite in every channel); false: each channel's finite values
     */
    public PreviewBlocks(int width, int height, int channels, int maxDim, boolean joint) {
        this(width, height, channels, maxDim, joint, false);
    }

    /**
     * The blocks of a coverage (one channel, each non-finite value NaN), of which the preview uses
     * only where the block mean is &gt; 0 (its alpha): one byte a block instead of a float.
     */
    public static PreviewBlocks coverage(int width, int height, int maxDim) {
        return new PreviewBlocks(width, height, 1, maxDim, false, true);
    }

    private PreviewBlocks(int width, int height, int channels, int maxDim, boolean joint, boolean positiveOnly) {
        super(width, height, channels, factor(width, height, channels, maxDim));
        this.joint = joint;
        this.f = groupRows;
        this.ow = (width + f - 1) / f;
        this.oh = groups;
        this.planes = positiveOnly ? null : new float[channels][ow * oh];
        this.positive = positiveOnly ? new byte[ow * oh] : null;
    }

    private static int factor(int width, int height, int channels, int maxDim) {
        if (width <= 0 || height <= 0 || channels <= 0 || maxDim < 1)
            throw new IllegalArgumentException("bad preview shape " + width + "x" + height + "x" + channels + ", max " + maxDim);
        return PreviewPng.factor(width, height, maxDim);
    }

    /** The block size f (f×f image pixels a preview pixel). */
    public int factor() { return f; }

    public int blocksX() { return ow; }

    public int blocksY() { return oh; }

    /** The means of block row by from its {@code rows} rows at {@code src[c][off + r·width + x]}. */
    @Override
    protected void group(int by, float[][] src, int off, int rows) {
        double[][] sum = new double[channels][ow];
        int[][] cnt = new int[channels][ow];
        for (int r = 0; r < rows; r++) {
            int row = off + r * width;
            if (joint && channels > 1) addJoint(src, row, sum, cnt);
            else for (int c = 0; c < channels; c++) addFinite(src[c], row, sum[c], cnt[c]);
        }
        float[][] out = new float[channels][ow];
        for (int c = 0; c < channels; c++)
            for (int ox = 0; ox < ow; ox++) out[c][ox] = cnt[c][ox] > 0 ? (float) (sum[c][ox] / cnt[c][ox]) : Float.NaN;
        store(by, () -> {
            if (positive != null) for (int ox = 0; ox < ow; ox++) positive[by * ow + ox] = out[0][ox] > 0 ? (byte) 1 : 0;
            else for (int c = 0; c < channels; c++) System.arraycopy(out[c], 0, planes[c], by * ow, ow);
        });
    }

    // One row's additions, block by block: each block's sum sees its values in the order
    // PreviewPng adds them (left to right), and no division by f per pixel.

    /** One row of one channel: its finite values (a non-finite one reads back NaN). */
    private void addFinite(float[] p, int row, double[] sum, int[] cnt) {
        for (int ox = 0, x0 = 0; ox < ow; ox++, x0 += f) {
            int x1 = Math.min(width, x0 + f), n = 0;
            double s = sum[ox];
            for (int i = row + x0; i < row + x1; i++) {
                float v = p[i];
                if (Float.isFinite(v)) {
                    s += v;
                    n++;
                }
            }
            sum[ox] = s;
            cnt[ox] += n;
        }
    }

    /** One row of every channel: the pixels finite in every channel (ALPHA 0 elsewhere: NaN in all). */
    private void addJoint(float[][] src, int row, double[][] sum, int[][] cnt) {
        for (int ox = 0, x0 = 0; ox < ow; ox++, x0 += f) {
            int x1 = Math.min(width, x0 + f);
            for (int i = row + x0; i < row + x1; i++) {
                boolean ok = true;
                for (int c = 0; c < channels && ok; c++) ok = Float.isFinite(src[c][i]);
                if (!ok) continue;
                for (int c = 0; c < channels; c++) {
                    sum[c][ox] += src[c][i];
                    cnt[c][ox]++;
                }
            }
        }
    }

    /**
     * The block means, {@code [channel][by · blocksX + bx]} (NaN: no finite value); for a
     * {@link #coverage}, 1 where the mean is &gt; 0, else 0. Every row must have been written.
     */
    public synchronized float[][] means() {
        int missing = firstMissing();
        if (missing < oh)
            throw new IllegalStateException("preview blocks incomplete: block row " + missing + " of " + oh
                    + " (image rows " + (long) missing * f + "..) never written");
        if (positive == null) return planes;
        float[] p = new float[ow * oh];
        for (int i = 0; i < p.length; i++) p[i] = positive[i];
        return new float[][] {p};
    }
}

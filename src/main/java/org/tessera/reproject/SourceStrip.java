package org.tessera.reproject;

/**
 * Rows [y0, y1) of a source image as the kernels read them: per channel, each row is found in
 * some array at some offset (rows may come from one band buffer or from several cached blocks:
 * nothing is copied). An optional weight plane W marks validity: NaN = invalid pixel, otherwise
 * the pixel's weight (alpha with its floor); {@code w == null} means every pixel of the valid
 * window is valid with weight 1. Pixels outside the valid window [vx0, vx1) × [vy0, vy1) (the
 * image, its crop, the rows present) are invalid.
 */
public final class SourceStrip {

    final int width;
    final int channels;
    final int y0, y1;
    final int vx0, vx1, vy0, vy1;
    /** rows[c][r - y0]: the array holding row r of channel c. */
    final float[][][] rows;
    /** w[r - y0]: the array holding row r of W, or null (all valid, weight 1). */
    final float[][] w;
    /** offsets[r - y0]: index of row r's pixel 0 in its arrays. */
    final int[] offsets;
    /** Made by {@link #contiguous}: row r of channel c is planes[c] from (r − y0) · width. */
    final boolean contiguous;

    /**
     * @param window {vx0, vx1, vy0, vy1}: valid columns and rows (intersected with [y0, y1) here)
     */
    public SourceStrip(int width, int y0, int y1, float[][][] rows, float[][] w, int[] offsets, int[] window) {
        this(width, y0, y1, rows, w, offsets, window, false);
    }

    private SourceStrip(int width, int y0, int y1, float[][][] rows, float[][] w, int[] offsets, int[] window,
                        boolean contiguous) {
        this.contiguous = contiguous;
        this.width = width;
        this.channels = rows.length;
        this.y0 = y0;
        this.y1 = y1;
        this.rows = rows;
        this.w = w;
        this.offsets = offsets;
        this.vx0 = Math.max(0, window[0]);
        this.vx1 = Math.min(width, window[1]);
        this.vy0 = Math.max(y0, window[2]);
        this.vy1 = Math.min(y1, window[3]);
    }

    /**
     * A strip over one contiguous band buffer: planes[c][(r - y0) * width + x], W likewise (or
     * null).
     */
    public static SourceStrip contiguous(int width, int y0, int nrows, float[][] planes, float[] wPlane, int[] window) {
        float[][][] rows = new float[planes.length][nrows][];
        int[] off = new int[nrows];
        float[][] w = wPlane == null ? null : new float[nrows][];
        for (int r = 0; r < nrows; r++) {
            for (int c = 0; c < planes.length; c++) rows[c][r] = planes[c];
            if (w != null) w[r] = wPlane;
            off[r] = r * width;
        }
        return new SourceStrip(width, y0, y0 + nrows, rows, w, off, window, true);
    }

    public int width() { return width; }
    public int channels() { return channels; }
    public int firstRow() { return y0; }
    public int endRow() { return y1; }

    /**
     * W of pixel (x, y): 0 outside the valid window, 1 when the strip has no weight plane, else
     * the plane's value (NaN for an invalid pixel): a pixel is valid when this is &gt; 0.
     */
    float weightAt(int x, int y) {
        if (x < vx0 || x >= vx1 || y < vy0 || y >= vy1) return 0;
        if (w == null) return 1;
        int j = y - y0;
        return w[j][offsets[j] + x];
    }

    /** {vx0, vx1, vy0, vy1}: the valid columns and rows (rows within [firstRow, endRow)). */
    public int[] validWindow() {
        return new int[] {vx0, vx1, vy0, vy1};
    }

    /** True when the strip has a weight plane (else every pixel of the valid window has weight 1). */
    public boolean hasWeights() {
        return w != null;
    }

    /**
     * Copies rows [firstRow, endRow) of channel c (c = -1: the weight plane) into one contiguous
     * buffer, dst[off + (r - firstRow) * width + x]: the layout a GPU backend uploads.
     */
    public void copyRows(int c, float[] dst, int off) {
        for (int j = 0; j < y1 - y0; j++) {
            float[] src = c < 0 ? w[j] : rows[c][j];
            System.arraycopy(src, offsets[j], dst, off + j * width, width);
        }
    }

    /** True when the valid window holds no pixel. */
    public boolean isEmpty() {
        return vx0 >= vx1 || vy0 >= vy1;
    }
}

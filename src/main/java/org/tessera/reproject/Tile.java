package org.tessera.reproject;

import java.io.IOException;
import java.util.Arrays;

import org.tessera.image.AllFinite;
import org.tessera.image.RowSource;
import org.tessera.wcs.Wcs;
import org.tessera.wcs.WcsMapping;

/**
 * One input of the coadd as the engine sees it: its crop window, the weight plane W of its
 * pixels (NaN = invalid: alpha ≤ 0 or a non-finite channel; else max(alpha, floor)), what a
 * first streaming read learnt about it (valid extent of each row, a luminance preview), its
 * correction (tile weight, gain, offset) and its place on the output grid.
 */
final class Tile {

    final int index;
    final CoaddInput input;
    final int width, height, channels;
    /** Crop window [cx0, cx1) × [cy0, cy1). */
    final int cx0, cx1, cy0, cy1;
    final float alphaFloor;

    double weight = 1, gain = 1, offset = 0;
    /** Gradient of the luminance correction per final-grid pixel (planar background match); offset is its value at the grid centre. */
    double slopeX, slopeY;
    /**
     * The additive correction per channel on the final grid (background matching), or null:
     * {@link #offset} for every channel.
     */
    BackgroundPlane plane;

    /** The additive correction the band coadder applies. */
    BackgroundPlane background() {
        return plane != null ? plane : BackgroundPlane.offset(channels, offset);
    }

    // Survey (first read).
    int[] rowMin, rowMax; // valid extent per cropped row (index r - cy0), rowMin = -1 when empty
    long validPixels;
    boolean unitWeight = true; // every pixel of the window valid with W = 1: W plane not needed
    int previewFactor;
    int pw, ph;
    float[] previewLum, previewW; // block means over valid pixels, NaN where too few
    float[][] previewChannels;    // per-channel block means (colour tiles only), NaN where too few
    Wcs previewWcs;

    // Placement on the final grid: bounding box [bx0, bx1) × [by0, by1), and the mapping to it.
    int bx0, by0, bx1, by1;
    WcsMapping mapping;

    // Block reading.
    int blockRows;
    private float[] ones;

    Tile(int index, CoaddInput input, double cropPercent, double alphaFloor) {
        this.index = index;
        this.input = input;
        this.width = input.image().width();
        this.height = input.image().height();
        this.channels = input.image().channels();
        int dx = (int) (width * cropPercent / 100.0), dy = (int) (height * cropPercent / 100.0);
        this.cx0 = dx;
        this.cx1 = width - dx;
        this.cy0 = dy;
        this.cy1 = height - dy;
        this.alphaFloor = (float) alphaFloor;
        // Blocks of about 4 MiB across all planes.
        this.blockRows = (int) Math.max(8, Math.min(height, (4L << 20) / (4L * width * (channels + 1))));
    }

    String name() {
        return input.name();
    }

    /** {vx0, vx1, vy0, vy1}: the crop window. */
    int[] window() {
        return new int[] {cx0, cx1, cy0, cy1};
    }

    /**
     * Fills W for n pixels given the channel values and alpha (or null) at the same offsets;
     * returns true when every W is exactly 1.
     */
    boolean weights(float[][] planes, float[] alpha, int from, int n, float[] w) {
        if (alpha == null && planes.length == 1) { // the common case, kept tight
            float[] p = planes[0];
            boolean unit = true;
            for (int i = from; i < from + n; i++) {
                boolean ok = Float.isFinite(p[i]);
                w[i] = ok ? 1f : Float.NaN;
                unit &= ok;
            }
            return unit;
        }
        boolean unit = true;
        for (int i = from; i < from + n; i++) {
            float a = alpha == null ? 1f : alpha[i];
            float v;
            if (!(a > 0)) {
                v = Float.NaN;
            } else {
                v = a < alphaFloor ? alphaFloor : Math.min(a, 1f);
                for (float[] p : planes) if (!Float.isFinite(p[i])) { v = Float.NaN; break; }
            }
            w[i] = v;
            if (v != 1f) unit = false;
        }
        return unit;
    }

    /** A cached block: rows [y0, y0 + rows) of every channel, and W (null when all 1). */
    record Block(int y0, int rows, float[][] planes, float[] w) {
        long bytes() {
            long n = 0;
            for (float[] p : planes) n += p.length;
            return 4L * (n + (w == null ? 0 : w.length)) + 64;
        }
    }

    /**
     * Reads block b (rows [b·blockRows, …)) into arrays from {@code arrays} (recycled from
     * evicted blocks when possible, so the sweep over the tiles does not churn the heap).
     */
    Block readBlock(int b, java.util.function.IntFunction<float[]> arrays) throws IOException {
        int y0 = b * blockRows, rows = Math.min(blockRows, height - y0), n = rows * width;
        RowSource img = input.image();
        float[][] planes = new float[channels][];
        for (int c = 0; c < channels; c++) planes[c] = arrays.apply(n);
        img.readRows(y0, rows, planes);
        float[] alpha = null;
        if (input.alpha() != null) {
            alpha = new float[n];
            input.alpha().readRows(y0, rows, new float[][] {alpha});
        }
        if (unitWeight) return new Block(y0, rows, planes, null); // the survey found every pixel valid, W = 1
        float[] w = arrays.apply(n);
        boolean unit = weights(planes, alpha, 0, n, w);
        return new Block(y0, rows, planes, unit ? null : w);
    }

    /** An array of ones at least one block long, standing in for W of all-valid blocks. */
    synchronized float[] ones() {
        if (ones == null) {
            ones = new float[blockRows * width];
            Arrays.fill(ones, 1f);
        }
        return ones;
    }

    /**
     * The first streaming read: valid extent of each row of the crop window, whether W is 1
     * everywhere, and (when previewFactor &gt; 0) the block-mean luminance and weight previews.
     * Without previews and for a source {@linkplain #knownAllValid() known to be all valid} it reads
     * nothing: the result is known (the coadd then reads each pixel once instead of twice).
     */
    void survey(int previewFactor) throws IOException {
        int rowsIn = cy1 - cy0, colsIn = cx1 - cx0;
        rowMin = new int[Math.max(0, rowsIn)];
        rowMax = new int[Math.max(0, rowsIn)];
        validPixels = 0;
        unitWeight = true;
        this.previewFactor = previewFactor;
        if (previewFactor == 0 && rowsIn > 0 && colsIn > 0 && knownAllValid()) {
            // Nothing to learn from the pixels: every row of the window is valid end to end, W = 1.
            Arrays.fill(rowMin, cx0);
            Arrays.fill(rowMax, cx1 - 1);
            validPixels = (long) rowsIn * colsIn;
            return;
        }
        Arrays.fill(rowMin, -1);
        Arrays.fill(rowMax, -1);
        double[] lumSum = null, wSum = null;
        double[][] chanSum = null;
        int[] count = null;
        if (previewFactor > 0 && rowsIn > 0 && colsIn > 0) {
            pw = (colsIn + previewFactor - 1) / previewFactor;
            ph = (rowsIn + previewFactor - 1) / previewFactor;
            previewLum = new float[pw * ph];
            previewW = new float[pw * ph];
            lumSum = new double[pw];
            wSum = new double[pw];
            if (channels > 1) {
                previewChannels = new float[channels][pw * ph];
                chanSum = new double[channels][pw];
            }
            count = new int[pw];
            previewWcs = ScaledWcs.blocks(input.wcs(), previewFactor, cx0, cy0);
        }
        RowSource img = input.image();
        int chunk = Math.max(1, Math.min(blockRows, rowsIn));
        float[][] band = img.newBand(chunk);
        float[] alpha = input.alpha() == null ? null : new float[chunk * width];
        float[] w = new float[chunk * width];
        double[] lum = channels == 3 ? new double[] {0.299, 0.587, 0.114} : null;
        int minCount = previewFactor > 0 ? Math.max(1, previewFactor * previewFactor / 4) : 0;
        for (int y = cy0; y < cy1; y += chunk) {
            int n = Math.min(chunk, cy1 - y);
            img.readRows(y, n, band);
            if (alpha != null) input.alpha().readRows(y, n, new float[][] {alpha});
            if (alpha == null && lumSum == null) { // extents only: no weight plane to build
                extents(band, y, n);
                continue;
            }
            if (!weights(band, alpha, 0, n * width, w)) unitWeight = false;
            for (int r = 0; r < n; r++) {
                int row = y + r, base = r * width, lo = -1, hi = -1;
                for (int x = cx0; x < cx1; x++) {
                    float wv = w[base + x];
                    if (!(wv > 0)) continue;
                    if (lo < 0) lo = x;
                    hi = x;
                    validPixels++;
                    if (lumSum != null) {
                        double l;
                        if (lum != null) l = lum[0] * band[0][base + x] + lum[1] * band[1][base + x] + lum[2] * band[2][base + x];
                        else {
                            l = 0;
                            for (float[] p : band) l += p[base + x];
                            l /= channels;
                        }
                        int px = (x - cx0) / previewFactor;
                        lumSum[px] += l;
                        wSum[px] += wv;
                        if (chanSum != null)
                            for (int c = 0; c < channels; c++) chanSum[c][px] += band[c][base + x];
                        count[px]++;
                    }
                }
                rowMin[row - cy0] = lo;
                rowMax[row - cy0] = hi;
                if (lumSum != null && ((row - cy0 + 1) % previewFactor == 0 || row == cy1 - 1)) {
                    int py = (row - cy0) / previewFactor;
                    for (int px = 0; px < pw; px++) {
                        boolean ok = count[px] >= minCount;
                        previewLum[py * pw + px] = ok ? (float) (lumSum[px] / count[px]) : Float.NaN;
                        previewW[py * pw + px] = ok ? (float) (wSum[px] / count[px]) : Float.NaN;
                        if (chanSum != null)
                            for (int c = 0; c < channels; c++)
                                previewChannels[c][py * pw + px] = ok ? (float) (chanSum[c][px] / count[px]) : Float.NaN;
                    }
                    if (chanSum != null) for (double[] cs : chanSum) Arrays.fill(cs, 0);
                    Arrays.fill(lumSum, 0);
                    Arrays.fill(wSum, 0);
                    Arrays.fill(count, 0);
                }
            }
        }
    }

    /**
     * True when the source says that it holds no NaN (see {@link AllFinite}) and there is no alpha:
     * every pixel is then valid with W = 1, which the survey would find by reading the whole tile.
     */
    boolean knownAllValid() {
        return input.alpha() == null && input.image() instanceof AllFinite f && f.allFinite();
    }

    /** Valid extent of rows [y, y + n) of a band without alpha: valid = every channel finite. */
    private void extents(float[][] band, int y, int n) {
        for (int r = 0; r < n; r++) {
            int base = r * width, lo = -1, hi = -1;
            long count = 0;
            for (int x = cx0; x < cx1; x++) {
                boolean ok = true;
                for (float[] p : band) ok &= Float.isFinite(p[base + x]);
                if (!ok) continue;
                if (lo < 0) lo = x;
                hi = x;
                count++;
            }
            if (count != cx1 - cx0) unitWeight = false;
            validPixels += count;
            rowMin[y + r - cy0] = lo;
            rowMax[y + r - cy0] = hi;
        }
    }

    /**
     * Bounding box, in pixels of {@code grid}, of the output pixels whose centre falls in the
     * footprint of the valid pixels, or with {@code overlap} (the exact kernel) whose square
     * overlaps it: {x0, y0, x1, y1} (exclusive ends, not clipped), or null when no valid pixel
     * maps. The footprint is the union of pixel squares; its hull is spanned by the ends of each
     * row's valid run, so those corners (and points along the first and last rows) are mapped
     * exactly.
     */
    double[] footprintBox(Wcs grid, boolean overlap) {
        double[] t = new double[2];
        double minX = Double.POSITIVE_INFINITY, maxX = Double.NEGATIVE_INFINITY;
        double minY = Double.POSITIVE_INFINITY, maxY = Double.NEGATIVE_INFINITY;
        int first = -1, last = -1;
        boolean lost = false;
        Wcs src = input.wcs();
        for (int r = 0; r < rowMin.length; r++) {
            if (rowMin[r] < 0) continue;
            if (first < 0) first = r;
            last = r;
        }
        if (first < 0) return null;
        double[][] four = new double[4][];
        for (int r = first; r <= last; r++) {
            if (rowMin[r] < 0) continue;
            int y = r + cy0;
            double[][] pts;
            if (r == first || r == last) {
                pts = edgePoints(rowMin[r], rowMax[r], y, r == first, r == last);
            } else {
                // A row's top corners are the previous row's bottom ones when its run starts (ends)
                // at the same column: mapped once (half the transforms of a rectangular tile).
                int n = 0;
                if (rowMin[r - 1] != rowMin[r]) four[n++] = new double[] {rowMin[r] - 0.5, y - 0.5};
                four[n++] = new double[] {rowMin[r] - 0.5, y + 0.5};
                if (rowMax[r - 1] != rowMax[r]) four[n++] = new double[] {rowMax[r] + 0.5, y - 0.5};
                four[n++] = new double[] {rowMax[r] + 0.5, y + 0.5};
                pts = n == 4 ? four : Arrays.copyOf(four, n);
            }
            for (double[] p : pts) {
                src.pixelToWorld(p[0], p[1], t);
                grid.worldToPixel(t[0], t[1], t);
                if (Double.isNaN(t[0]) || Double.isNaN(t[1])) { lost = true; continue; }
                minX = Math.min(minX, t[0]);
                maxX = Math.max(maxX, t[0]);
                minY = Math.min(minY, t[1]);
                maxY = Math.max(maxY, t[1]);
            }
        }
        if (lost) return new double[] {Double.NEGATIVE_INFINITY, Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY, Double.POSITIVE_INFINITY};
        if (minX > maxX) return null;
        if (overlap) // pixel X overlaps when minX - 1/2 < X < maxX + 1/2 (by more than 1e-9 px)
            return new double[] {Math.floor(minX - 0.5 + 1e-9) + 1, Math.floor(minY - 0.5 + 1e-9) + 1,
                    Math.ceil(maxX + 0.5 - 1e-9), Math.ceil(maxY + 0.5 - 1e-9)};
        // Pixel X is inside when minX ≤ X ≤ maxX.
        return new double[] {Math.ceil(minX - 1e-9), Math.ceil(minY - 1e-9), Math.floor(maxX + 1e-9) + 1, Math.floor(maxY + 1e-9) + 1};
    }

    private static double[][] edgePoints(int lo, int hi, int y, boolean top, boolean bottom) {
        int steps = Math.max(1, (hi - lo + 1) / 8);
        java.util.List<double[]> pts = new java.util.ArrayList<>();
        for (int k = 0; k <= steps; k++) {
            double x = lo - 0.5 + (hi - lo + 1) * (k / (double) steps);
            if (top) pts.add(new double[] {x, y - 0.5});
            if (bottom) pts.add(new double[] {x, y + 0.5});
        }
        pts.add(new double[] {lo - 0.5, y - 0.5});
        pts.add(new double[] {lo - 0.5, y + 0.5});
        pts.add(new double[] {hi + 0.5, y - 0.5});
        pts.add(new double[] {hi + 0.5, y + 0.5});
        return pts.toArray(new double[0][]);
    }
}

package org.tessera.reproject;

import java.io.IOException;
import java.io.UncheckedIOException;
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
    /** Colour tiles: per-channel factors on {@link #gain} (colour match), or null: 1 for every channel. */
    double[] colour;
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
    /** The WCS of block-mean previews on the tile's own pixels; null for previews on the grid's lattice. */
    Wcs previewWcs;
    /**
     * Previews on the output grid's preview lattice ({@link #previewWcs} null): the box
     * [px0, px0 + pw) × [py0, py0 + ph) of cells, cell (u, v) being grid pixels
     * [u·f, (u + 1)·f) × [v·f, (v + 1)·f), f = {@link #previewFactor}; each the mean of the valid
     * pixels whose centre falls in it.
     */
    int px0, py0;
    /**
     * Cells of a lattice preview that hold the whole of their sky for this tile: no pixel of the
     * tile that falls in them is invalid or on the edge of the crop window, so two tiles' means
     * over such a cell average the same footprint. Null for block-mean previews.
     */
    boolean[] previewWhole;

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

    /**
     * A read failure of this tile in a worker's task, named by the tile (a frame's own read names
     * it already): {@link ReprojectCoadd.Tasks#await} throws the IOException inside.
     */
    UncheckedIOException readFailure(IOException e) {
        String m = String.valueOf(e.getMessage());
        return new UncheckedIOException(new IOException(m.startsWith(name() + ": ") ? m : name() + ": " + m, e));
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

    /** {@link #survey(int, Wcs, int, int)} with block-mean previews on the tile's own pixels (or none: factor 0). */
    void survey(int previewFactor) throws IOException {
        survey(previewFactor, null, 0, 0);
    }

    /**
     * The first streaming read: valid extent of each row of the crop window, whether W is 1
     * everywhere, and (when previewFactor &gt; 0) the luminance and weight previews for the
     * photometric match. With {@code grid} (the output grid, {@code gridWidth} × {@code gridHeight}
     * pixels) on its preview lattice of previewFactor × previewFactor pixels: each cell the mean
     * of the tile's valid pixels whose centre maps into it, so that every tile's value of a cell
     * averages the same sky whatever the tile's orientation and pixel phase (block means on the
     * tile's own pixels, resampled onto the grid afterwards, put a star's light up to half a cell
     * apart in two tiles, and where an overlap's edge cuts a star the two kept different shares of
     * it: docs/benchmarks.md, "Accuracy of the mosaics"). Without {@code grid}: block means of
     * previewFactor × previewFactor of the tile's own pixels ({@link #previewWcs}), which
     * {@link PhotometricMatch} resamples and whose blur it equalises; for small tiles, whose cells
     * would hold a few whole pixels of another phase in each tile ({@link ReprojectCoadd} chooses).
     * Without previews and for a source {@linkplain #knownAllValid() known to be all valid} it
     * reads nothing: the result is known (the coadd then reads each pixel once instead of twice).
     */
    void survey(int previewFactor, Wcs grid, int gridWidth, int gridHeight) throws IOException {
        int rowsIn = cy1 - cy0, colsIn = cx1 - cx0;
        rowMin = new int[Math.max(0, rowsIn)];
        rowMax = new int[Math.max(0, rowsIn)];
        validPixels = 0;
        unitWeight = true;
        this.previewFactor = previewFactor;
        previewWcs = null;
        previewWhole = null;
        if (previewFactor == 0 && rowsIn > 0 && colsIn > 0 && knownAllValid()) {
            // Nothing to learn from the pixels: every row of the window is valid end to end, W = 1.
            Arrays.fill(rowMin, cx0);
            Arrays.fill(rowMax, cx1 - 1);
            validPixels = (long) rowsIn * colsIn;
            return;
        }
        Arrays.fill(rowMin, -1);
        Arrays.fill(rowMax, -1);
        Cells cells = grid != null && previewFactor > 0 && rowsIn > 0 && colsIn > 0
                ? Cells.of(this, previewFactor, grid, gridWidth, gridHeight) : null;
        double[] lumSum = null, wSum = null;
        double[][] chanSum = null;
        int[] count = null;
        if (cells == null && previewFactor > 0 && rowsIn > 0 && colsIn > 0) {
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
        double[] gx = cells == null ? null : new double[colsIn], gy = cells == null ? null : new double[colsIn];
        for (int y = cy0; y < cy1; y += chunk) {
            int n = Math.min(chunk, cy1 - y);
            img.readRows(y, n, band);
            if (alpha != null) input.alpha().readRows(y, n, new float[][] {alpha});
            if (alpha == null && lumSum == null && cells == null) { // extents only: no weight plane to build
                extents(band, y, n);
                continue;
            }
            if (!weights(band, alpha, 0, n * width, w)) unitWeight = false;
            for (int r = 0; r < n; r++) {
                int row = y + r, base = r * width, lo = -1, hi = -1;
                if (cells != null) cells.region.mapRow(row, cx0, cx1, gx, gy);
                boolean edgeRow = row == cy0 || row == cy1 - 1;
                for (int x = cx0; x < cx1; x++) {
                    float wv = w[base + x];
                    if (!(wv > 0)) {
                        if (cells != null) cells.cut(gx[x - cx0], gy[x - cx0]);
                        continue;
                    }
                    if (lo < 0) lo = x;
                    hi = x;
                    validPixels++;
                    if (cells != null) {
                        cells.add(gx[x - cx0], gy[x - cx0], edgeRow || x == cx0 || x == cx1 - 1,
                                luminance(band, base + x, lum), wv, band, base + x);
                    } else if (lumSum != null) {
                        double l = luminance(band, base + x, lum);
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
        if (cells != null) cells.finish(this);
    }

    /** Luminance of pixel i of a band: the weights {@code lum} of three channels, else the channels' mean. */
    private static double luminance(float[][] band, int i, double[] lum) {
        if (lum != null) return lum[0] * band[0][i] + lum[1] * band[1][i] + lum[2] * band[2][i];
        double l = 0;
        for (float[] p : band) l += p[i];
        return l / band.length;
    }

    /**
     * Tile pixels that a preview cell of f × f pixels of {@code grid} holds: f² over the area of
     * one tile pixel on the grid, at the crop window's centre (NaN where it does not map).
     */
    double pixelsPerCell(int f, Wcs grid) {
        return pixelsPerCell(f, new WcsMapping(input.wcs(), grid));
    }

    /** {@link #pixelsPerCell(int, Wcs)} through the tile-to-grid mapping {@code m} already made. */
    private double pixelsPerCell(int f, WcsMapping m) {
        double xc = 0.5 * (cx0 + cx1 - 1), yc = 0.5 * (cy0 + cy1 - 1);
        double[] c = new double[2], ex = new double[2], ey = new double[2];
        m.mapExact(xc, yc, c);
        m.mapExact(xc + 1, yc, ex);
        m.mapExact(xc, yc + 1, ey);
        double area = Math.abs((ex[0] - c[0]) * (ey[1] - c[1]) - (ex[1] - c[1]) * (ey[0] - c[0]));
        return (double) f * f / area;
    }

    /**
     * The sums of a survey's previews on the grid's preview lattice, over the tile's box there,
     * and the tile-to-grid mapping that places each pixel (by its centre).
     */
    private static final class Cells {
        final int f, x0, y0, w, h, minCount;
        final double inv;
        final WcsMapping.Region region;
        final double[] lum, wgt;
        final double[][] chan;
        final int[] count;
        final boolean[] cut;

        private Cells(int f, int x0, int y0, int w, int h, int minCount, WcsMapping.Region region, int channels) {
            this.f = f;
            this.inv = 1.0 / f;
            this.x0 = x0;
            this.y0 = y0;
            this.w = w;
            this.h = h;
            this.minCount = minCount;
            this.region = region;
            lum = new double[w * h];
            wgt = new double[w * h];
            chan = channels > 1 ? new double[channels][w * h] : null;
            count = new int[w * h];
            cut = new boolean[w * h];
        }

        /**
         * The cells the tile's crop window can reach, clipped to the grid's lattice. A cell is
         * valid with at least a quarter of the pixels a whole cell holds ({@link #pixelsPerCell}).
         */
        static Cells of(Tile t, int f, Wcs grid, int gridWidth, int gridHeight) {
            WcsMapping m = new WcsMapping(t.input.wcs(), grid);
            double pixels = t.pixelsPerCell(f, m);
            WcsMapping.Region region = m.region(t.cx0, t.cy0, t.cx1, t.cy1);
            double[] b = region.sourceBounds();
            int lw = (gridWidth + f - 1) / f, lh = (gridHeight + f - 1) / f;
            int x0 = 0, y0 = 0, x1 = 0, y1 = 0;
            if (b != null) {
                x0 = Math.max(0, (int) Math.floor((b[0] + 0.5) / f));
                x1 = Math.min(lw, (int) Math.floor((b[1] + 0.5) / f) + 1);
                y0 = Math.max(0, (int) Math.floor((b[2] + 0.5) / f));
                y1 = Math.min(lh, (int) Math.floor((b[3] + 0.5) / f) + 1);
            }
            int minCount = (int) Math.max(1, Math.floor((Double.isFinite(pixels) ? pixels : (double) f * f) / 4));
            return new Cells(f, x0, y0, Math.max(0, x1 - x0), Math.max(0, y1 - y0), minCount,
                    region, t.channels);
        }

        /** Index of the cell holding grid position (gx, gy), or -1 outside the box (or NaN: no place on the grid). */
        private int cell(double gx, double gy) {
            if (!(gx == gx) || !(gy == gy)) return -1;
            double a = (gx + 0.5) * inv, b = (gy + 0.5) * inv;
            // floor without Math.floor's cost where the position is on the grid (a, b ≥ 0)
            int u = (a >= 0 ? (int) a : (int) Math.floor(a)) - x0, v = (b >= 0 ? (int) b : (int) Math.floor(b)) - y0;
            return u < 0 || v < 0 || u >= w || v >= h ? -1 : v * w + u;
        }

        /** An invalid pixel at grid position (gx, gy): its cell lacks part of its sky. */
        void cut(double gx, double gy) {
            int k = cell(gx, gy);
            if (k >= 0) cut[k] = true;
        }

        /** A valid pixel's light into its cell; one on the edge of the crop window also cuts it. */
        void add(double gx, double gy, boolean edge, double l, float wv, float[][] band, int at) {
            int k = cell(gx, gy);
            if (k < 0) return;
            if (edge) cut[k] = true;
            lum[k] += l;
            wgt[k] += wv;
            if (chan != null)
                for (int c = 0; c < chan.length; c++) chan[c][k] += band[c][at];
            count[k]++;
        }

        /** The means into the tile's preview, NaN where a cell holds too few valid pixels. */
        void finish(Tile t) {
            t.px0 = x0;
            t.py0 = y0;
            t.pw = w;
            t.ph = h;
            int n = w * h;
            t.previewLum = new float[n];
            t.previewW = new float[n];
            t.previewWhole = new boolean[n];
            t.previewChannels = chan == null ? null : new float[chan.length][n];
            for (int k = 0; k < n; k++) {
                boolean ok = count[k] >= minCount;
                t.previewLum[k] = ok ? (float) (lum[k] / count[k]) : Float.NaN;
                t.previewW[k] = ok ? (float) (wgt[k] / count[k]) : Float.NaN;
                t.previewWhole[k] = ok && !cut[k];
                if (chan != null)
                    for (int c = 0; c < chan.length; c++) t.previewChannels[c][k] = ok ? (float) (chan[c][k] / count[k]) : Float.NaN;
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

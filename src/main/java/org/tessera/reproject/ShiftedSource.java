package org.tessera.reproject;

import java.io.IOException;
import java.util.Arrays;

import org.tessera.image.RowSource;
import org.tessera.wcs.Wcs;
import org.tessera.wcs.WcsGrid;
import org.tessera.wcs.WcsMapping;

/**
 * A source whose pixels land on the target grid at an integer offset (target pixel (x, y) is
 * source pixel (x + dx, y + dy)): frames that already share the grid, or differ from it by whole
 * pixels, read their rows straight through instead of being resampled. What the resampled view
 * ({@link ReprojectedSource}) gives there, without its interpolation: a pixel is NaN on every
 * channel outside the source or where one of its channels is not finite.
 */
public final class ShiftedSource implements RowSource {

    /** Largest departure, in source pixels, from a whole-pixel shift that still counts as one. */
    public static final double TOLERANCE_PX = 1e-3;

    /** Points per side of the lattice on which the mapping is checked. */
    private static final int LATTICE = 9;

    private final RowSource src;
    private final int width, height, dx, dy;

    public ShiftedSource(RowSource src, int width, int height, int dx, int dy) {
        this.src = src;
        this.width = width;
        this.height = height;
        this.dx = dx;
        this.dy = dy;
    }

    /**
     * The source seen on the target grid: a {@code ShiftedSource} when the mapping from the target
     * grid to the source is a whole-pixel shift within {@link #TOLERANCE_PX} on a 9×9 lattice
     * spanning the target (corners included), else a bilinear {@link ReprojectedSource}.
     */
    public static RowSource onGrid(RowSource src, Wcs srcWcs, WcsGrid target) {
        return onGrid(src, srcWcs, target, Kernel.BILINEAR);
    }

    /**
     * The same with the resampled view's kernel ({@code stacking_resample_kernel}): one bilinear
     * resampling at a random sub-pixel phase widens a 2.6 px star by ~8.6 %, Lanczos-3 by < 1 %
     * (ShiftedSourceTest; docs/benchmarks.md, "Star shapes").
     */
    public static RowSource onGrid(RowSource src, Wcs srcWcs, WcsGrid target, Kernel kernel) {
        int[] shift = wholePixelShift(srcWcs, target);
        return shift == null ? new ReprojectedSource(src, srcWcs, target, kernel)
                : new ShiftedSource(src, target.width(), target.height(), shift[0], shift[1]);
    }

    /** {dx, dy} when target pixel (x, y) maps to source (x + dx, y + dy) within the tolerance, else null. */
    static int[] wholePixelShift(Wcs srcWcs, WcsGrid target) {
        WcsMapping m = new WcsMapping(target.wcs(), srcWcs);
        double[] p = new double[2];
        m.mapExact(0, 0, p);
        if (!Double.isFinite(p[0]) || !Double.isFinite(p[1])) return null;
        long dx = Math.round(p[0]), dy = Math.round(p[1]);
        if (Math.abs(dx) > Integer.MAX_VALUE / 2 || Math.abs(dy) > Integer.MAX_VALUE / 2) return null;
        for (int j = 0; j < LATTICE; j++)
            for (int i = 0; i < LATTICE; i++) {
                double x = (target.width() - 1) * (double) i / (LATTICE - 1);
                double y = (target.height() - 1) * (double) j / (LATTICE - 1);
                m.mapExact(x, y, p);
                if (!(Math.abs(p[0] - x - dx) <= TOLERANCE_PX && Math.abs(p[1] - y - dy) <= TOLERANCE_PX)) return null;
            }
        return new int[] {(int) dx, (int) dy};
    }

    @Override public int width() { return width; }
    @Override public int height() { return height; }
    @Override public int channels() { return src.channels(); }
    /** The frame's, as the resampled view's: a frame the stack drops is named by its file. */
    @Override public String name() { return src.name(); }

    /** The source's rectangle on the target grid, clipped to it. */
    @Override
    public long footprintPixels() { // source pixel (x + dx, y + dy) at target pixel (x, y): its (0, 0) at (−dx, −dy)
        return RowSource.placedFootprint(width, height, -(long) dx, -(long) dy, src.width(), src.height());
    }

    @Override
    public void readRows(int y0, int rows, float[][] dst) throws IOException {
        if (y0 < 0 || rows < 0 || y0 + rows > height)
            throw new IndexOutOfBoundsException("rows [" + y0 + ", " + (y0 + rows) + ") outside 0.." + height);
        int nc = src.channels(), sw = src.width();
        if (dx == 0 && sw == width && y0 + dy >= 0 && y0 + rows + dy <= src.height()) {
            // Same columns, rows all inside the source (frames that share the grid): read straight
            // into the band, then the rule below in place (a pixel with a non-finite channel is NaN).
            src.readRows(y0 + dy, rows, dst);
            int n = rows * width;
            if (nc == 3) { // x * 0 is NaN exactly when x is NaN or infinite: one test per pixel, no branch per channel
                float[] r = dst[0], g = dst[1], b = dst[2];
                for (int k = 0; k < n; k++)
                    if (Float.isNaN(r[k] * 0f + g[k] * 0f + b[k] * 0f)) r[k] = g[k] = b[k] = Float.NaN;
                return;
            }
            for (int k = 0; k < n; k++) {
                boolean ok = true;
                for (int c = 0; c < nc && ok; c++) ok = Float.isFinite(dst[c][k]);
                if (!ok) for (int c = 0; c < nc; c++) dst[c][k] = Float.NaN;
            }
            return;
        }
        for (int c = 0; c < nc; c++) Arrays.fill(dst[c], 0, rows * width, Float.NaN);
        int sy0 = Math.max(0, y0 + dy), sy1 = Math.min(src.height(), y0 + rows + dy);
        int tx0 = Math.max(0, -dx), tx1 = Math.min(width, sw - dx);
        if (sy1 <= sy0 || tx1 <= tx0) return;
        int n = tx1 - tx0, sx0 = tx0 + dx;
        float[][] band = src.newBand(sy1 - sy0);
        src.readRows(sy0, sy1 - sy0, band);
        for (int sy = sy0; sy < sy1; sy++) {
            int s = (sy - sy0) * sw + sx0, t = (sy - dy - y0) * width + tx0;
            for (int k = 0; k < n; k++) {
                boolean ok = true;
                for (int c = 0; c < nc && ok; c++) ok = Float.isFinite(band[c][s + k]);
                if (ok) for (int c = 0; c < nc; c++) dst[c][t + k] = band[c][s + k];
            }
        }
    }
}

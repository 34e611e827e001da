package org.tessera.tiles;

import java.io.IOException;
import java.util.Arrays;

import org.tessera.image.RowSource;

/**
 * A source placed at an integer offset inside a larger NaN canvas: how the reference frame of a
 * group lands on its own grid (offset 0) or on the padded square canvas, exactly and without
 * interpolation (also SDS mode's mega-tiles on the window of the global grid they are stacked on).
 */
public final class PaddedSource implements RowSource {

    private final RowSource src;
    private final int width, height, padX, padY;
    private final String name;

    public PaddedSource(RowSource src, int width, int height, int padX, int padY, String name) {
        this.src = src;
        this.width = width;
        this.height = height;
        this.padX = padX;
        this.padY = padY;
        this.name = name;
    }

    @Override public int width() { return width; }
    @Override public int height() { return height; }
    @Override public int channels() { return src.channels(); }

    @Override
    public void readRows(int y0, int rows, float[][] dst) throws IOException {
        int nc = src.channels(), sw = src.width();
        for (int c = 0; c < nc; c++) Arrays.fill(dst[c], 0, rows * width, Float.NaN);
        int sy0 = Math.max(0, y0 - padY), sy1 = Math.min(src.height(), y0 + rows - padY);
        if (sy1 <= sy0) return;
        int x0 = Math.max(0, padX), sx0 = x0 - padX;
        int n = Math.min(sw - sx0, width - x0);
        if (n <= 0) return;
        if (padX == 0 && padY == 0 && sw == width && y0 + rows <= src.height()) {
            src.readRows(y0, rows, dst); // same grid: read straight into the band
            return;
        }
        float[][] band = src.newBand(sy1 - sy0);
        src.readRows(sy0, sy1 - sy0, band);
        for (int sy = sy0; sy < sy1; sy++) {
            int ty = sy + padY - y0;
            for (int c = 0; c < nc; c++)
                System.arraycopy(band[c], (sy - sy0) * sw + sx0, dst[c], ty * width + x0, n);
        }
    }

    @Override public String name() { return name; }

    /** The source's rectangle on the canvas, clipped to it. */
    @Override
    public long footprintPixels() {
        return RowSource.placedFootprint(width, height, padX, padY, src.width(), src.height());
    }

    @Override
    public String toString() { return name; }
}

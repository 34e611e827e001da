package org.tessera.reproject;

import java.io.IOException;
import java.util.Arrays;

import org.tessera.image.RowSource;
import org.tessera.wcs.Wcs;
import org.tessera.wcs.WcsGrid;

/**
 * A source image seen on another pixel grid: reading a band of the target grid maps each target
 * pixel through the sky to the source (bilinear interpolation) and reads only the source rows that
 * band needs. Target pixels outside the source footprint are NaN. This is how Phase 3 aligns a
 * frame onto its group's reference grid without holding the frame whole.
 */
public final class ReprojectedSource implements RowSource {

    private final RowSource src;
    private final Wcs srcWcs;
    private final WcsGrid target;

    public ReprojectedSource(RowSource src, Wcs srcWcs, WcsGrid target) {
        this.src = src;
        this.srcWcs = srcWcs;
        this.target = target;
    }

    @Override public int width() { return target.width(); }
    @Override public int height() { return target.height(); }
    @Override public int channels() { return src.channels(); }

    @Override
    public void readRows(int y0, int rows, float[][] dst) throws IOException {
        int w = target.width(), sw = src.width(), sh = src.height(), nc = src.channels();
        int n = rows * w;
        double[] sx = new double[n], sy = new double[n];
        double[] t = new double[2];
        double minY = Double.POSITIVE_INFINITY, maxY = Double.NEGATIVE_INFINITY;
        for (int r = 0; r < rows; r++) {
            for (int x = 0; x < w; x++) {
                int i = r * w + x;
                target.wcs().pixelToWorld(x, y0 + r, t);
                srcWcs.worldToPixel(t[0], t[1], t);
                sx[i] = t[0];
                sy[i] = t[1];
                if (t[0] > -1 && t[0] < sw && t[1] > -1 && t[1] < sh) {
                    minY = Math.min(minY, t[1]);
                    maxY = Math.max(maxY, t[1]);
                }
            }
        }
        for (int c = 0; c < nc; c++) Arrays.fill(dst[c], 0, n, Float.NaN);
        if (minY > maxY) return;
        int r0 = Math.max(0, (int) Math.floor(minY)), r1 = Math.min(sh - 1, (int) Math.floor(maxY) + 1);
        int srows = r1 - r0 + 1;
        float[][] sb = src.newBand(srows);
        src.readRows(r0, srows, sb);
        for (int i = 0; i < n; i++) {
            double x = sx[i], y = sy[i];
            if (!(x > -1 && x < sw && y > -1 && y < sh)) continue;
            // Bilinear on the pixels that exist: edge pixels use the nearest valid neighbours.
            int x0 = (int) Math.floor(x), yy0 = (int) Math.floor(y);
            double fx = x - x0, fy = y - yy0;
            for (int c = 0; c < nc; c++) {
                double acc = 0, wsum = 0;
                for (int dy = 0; dy <= 1; dy++) {
                    int yy = yy0 + dy;
                    if (yy < r0 || yy > r1) continue;
                    double wy = dy == 0 ? 1 - fy : fy;
                    for (int dx = 0; dx <= 1; dx++) {
                        int xx = x0 + dx;
                        if (xx < 0 || xx >= sw) continue;
                        double wgt = wy * (dx == 0 ? 1 - fx : fx);
                        if (wgt == 0) continue;
                        float v = sb[c][(yy - r0) * sw + xx];
                        if (Float.isNaN(v)) continue;
                        acc += wgt * v;
                        wsum += wgt;
                    }
                }
                if (wsum > 1e-6) dst[c][i] = (float) (acc / wsum);
            }
        }
    }
}

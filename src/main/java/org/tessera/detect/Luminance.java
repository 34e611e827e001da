package org.tessera.detect;

import java.io.IOException;

import org.tessera.image.FloatImage;
import org.tessera.image.RowSource;

/**
 * The luminance plane that star detection works on: 0.299 R + 0.587 G + 0.114 B of a debayered
 * (or colour cube) frame, the channel mean otherwise, NaN where any channel is missing. The same
 * formula serves the stack's sky and FWHM statistics ({@code stack.FrameSurvey}).
 */
public final class Luminance {

    private Luminance() {}

    /**
     * Rows read per band while building the plane: each of the band's planes, and the raw rows a
     * Bayer read takes for it (one more on either side), under 1 MiB. Such short-lived arrays stay
     * in the young generation, which clears them at almost no cost, while the launcher sends
     * arrays of 1 MiB and more straight to the old one (bin/tessera), where 256-row bands of a
     * Seestar frame (1.1 MB of raw rows each) filled it: a full collection every frame or two
     * while registering, with both cores waiting.
     */
    static int bandRows(int width, int height) {
        return (int) Math.max(1, Math.min(height, Math.max(16, (1L << 20) / (4L * Math.max(1, width)) - 3)));
    }

    /** Luminance of pixel i of a band of {@code nc} planar channels. */
    public static float of(float[][] band, int i, int nc) {
        if (nc == 3) return (float) (0.299 * band[0][i] + 0.587 * band[1][i] + 0.114 * band[2][i]);
        double s = 0;
        for (int c = 0; c < nc; c++) s += band[c][i];
        return (float) (s / nc);
    }

    /**
     * Reads a whole frame (e.g. an {@code io.Frame}, which delivers debayered RGB rows) band by band
     * into a one-channel in-memory luminance image.
     */
    public static FloatImage of(RowSource src) throws IOException {
        return of(src, null);
    }

    /**
     * As {@link #of(RowSource)}, into {@code reuse} when it holds the whole plane (its pixels are
     * overwritten; the image returned then wraps it), else into a new array.
     */
    public static FloatImage of(RowSource src, float[] reuse) throws IOException {
        int w = src.width(), h = src.height(), nc = src.channels();
        float[] out = reuse != null && reuse.length == w * h ? reuse : new float[w * h];
        int rows = bandRows(w, h);
        float[][] band = src.newBand(rows);
        for (int y0 = 0; y0 < h; y0 += rows) {
            int n = Math.min(rows, h - y0);
            src.readRows(y0, n, band);
            int off = y0 * w;
            if (nc == 3) {
                // One test of the result instead of three of the channels: a NaN or infinite
                // channel makes the sum NaN or infinite, finite channels a finite sum.
                float[] r = band[0], g = band[1], b = band[2];
                for (int i = 0; i < n * w; i++) {
                    float v = (float) (0.299 * r[i] + 0.587 * g[i] + 0.114 * b[i]);
                    out[off + i] = Float.isFinite(v) ? v : Float.NaN;
                }
                continue;
            }
            for (int i = 0; i < n * w; i++) {
                boolean all = true;
                for (int c = 0; c < nc; c++) all &= Float.isFinite(band[c][i]);
                out[off + i] = all ? of(band, i, nc) : Float.NaN;
            }
        }
        return new FloatImage(w, h, new float[][] {out});
    }
}

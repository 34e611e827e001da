package org.tessera.sds;

import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.logging.Logger;

import org.tessera.image.RowSource;
import org.tessera.image.RowSourceView;
import org.tessera.math.Percentiles;

/**
 * SDS's renormalisation between mega-tiles (the original's step between the batches and their
 * stack): each mega-tile is brought to the sky level of the reference mega-tile (the one of most
 * frames) by one offset per channel, the median of (reference − mega-tile) over the pixels both
 * cover. An offset, never a gain: a brighter sky on one night must not scale that night's stars;
 * per channel, so that nights of different sky colour meet without a colour step where the number
 * of mega-tiles changes. The pixels are sampled on a lattice of at most {@value #SIDE} × {@value #SIDE}
 * points read by bands, so memory does not grow with the mosaic.
 */
final class MegaTileLevels {
    private MegaTileLevels() {}

    private static final Logger LOG = Logger.getLogger("org.tessera.sds");

    /** Sample points on the long side of the window. */
    static final int SIDE = 1024;
    /** Fewest common samples for an offset; fewer leaves the mega-tile as it is (logged). */
    static final int MIN_SAMPLES = 1000;

    /**
     * The offsets [mega-tile][channel] that bring each of {@code tiles} (same window, NaN where no
     * data) onto tile {@code ref}; the reference's are 0.
     */
    static double[][] offsets(List<? extends RowSource> tiles, int ref, List<String> names) throws IOException {
        RowSource r0 = tiles.get(ref);
        int w = r0.width(), h = r0.height(), nc = r0.channels(), n = tiles.size();
        int step = Math.max(1, (int) Math.ceil(Math.max(w, h) / (double) SIDE));
        int cols = (w + step - 1) / step, rowsMax = (h + step - 1) / step;
        float[][] diff = new float[nc][cols * rowsMax]; // one mega-tile at a time: memory does not grow with their number
        float[][] ref1 = r0.newBand(1), band = r0.newBand(1);
        double[][] out = new double[n][nc];
        for (int i = 0; i < n; i++) {
            if (i == ref) continue;
            int count = 0;
            for (int y = 0; y < h; y += step) {
                r0.readRows(y, 1, ref1);
                tiles.get(i).readRows(y, 1, band);
                for (int x = 0; x < w; x += step) {
                    boolean both = true;
                    for (int c = 0; c < nc && both; c++) both = Float.isFinite(ref1[c][x]) && Float.isFinite(band[c][x]);
                    if (!both) continue;
                    for (int c = 0; c < nc; c++) diff[c][count] = ref1[c][x] - band[c][x];
                    count++;
                }
            }
            if (count < MIN_SAMPLES) {
                LOG.warning(String.format(Locale.ROOT, "[SDS] %s shares only %d sampled pixel(s) with the reference %s:"
                        + " its sky level is left as it is", names.get(i), count, names.get(ref)));
                continue;
            }
            for (int c = 0; c < nc; c++) out[i][c] = Percentiles.median(Arrays.copyOf(diff[c], count));
            StringBuilder sb = new StringBuilder();
            for (int c = 0; c < nc; c++) sb.append(c == 0 ? "" : ", ").append(String.format(Locale.ROOT, "%+.2f", out[i][c]));
            LOG.info(String.format(Locale.ROOT, "[SDS] %s: sky offset onto %s [%s] ADU from %d common sample(s)",
                    names.get(i), names.get(ref), sb, count));
        }
        return out;
    }

    /**
     * {@code src} times {@code gain}, every channel (NaN stays NaN): a mega-tile put on the
     * mosaic's exposure ({@link MegaTileStack}); {@code src} itself for a gain of 1.
     */
    static RowSource scaled(RowSource src, double gain) {
        if (gain == 1) return src;
        float g = (float) gain;
        return new RowSourceView(src) {
            @Override
            public void readRows(int y0, int rows, float[][] dst) throws IOException {
                src.readRows(y0, rows, dst);
                int n = rows * src.width();
                for (float[] ch : dst) for (int i = 0; i < n; i++) ch[i] *= g;
            }
        };
    }

    /** {@code src} with {@code offset[c]} added to channel c (NaN stays NaN). */
    static RowSource shifted(RowSource src, double[] offset) {
        return new RowSourceView(src) {
            @Override
            public void readRows(int y0, int rows, float[][] dst) throws IOException {
                src.readRows(y0, rows, dst);
                int n = rows * src.width();
                for (int c = 0; c < dst.length; c++) {
                    float o = (float) offset[c];
                    if (o != 0) for (int i = 0; i < n; i++) dst[c][i] += o;
                }
            }
        };
    }
}

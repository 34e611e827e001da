package org.tessera.stack;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import org.tessera.Progress;
import org.tessera.image.RowSink;
import org.tessera.image.RowSource;

/**
 * The one stack core: frames already aligned on a common grid (same width, height, channels) →
 * one stacked image, streamed band by band into {@code out}. Optionally writes, into
 * {@code coverage} (1 channel), the number of frames with finite data at each pixel.
 * <p>
 * This first version is a plain NaN-aware mean over bands; normalisation, weighting and rejection
 * (see {@link StackParams}) are the subject of the stack-core work.
 */
public final class StackCore {
    private StackCore() {}

    public static StackResult stack(List<? extends RowSource> frames, StackParams params, RowSink out,
                                    RowSink coverage, Progress progress) throws IOException {
        if (frames.isEmpty()) throw new IllegalArgumentException("nothing to stack: no frames");
        RowSource f0 = frames.get(0);
        int w = f0.width(), h = f0.height(), nc = f0.channels();
        for (RowSource f : frames)
            if (f.width() != w || f.height() != h || f.channels() != nc)
                throw new IllegalArgumentException("frames differ in shape: " + w + "x" + h + "x" + nc + " vs "
                        + f.width() + "x" + f.height() + "x" + f.channels());
        int band = Math.max(1, Math.min(h, 64));
        float[][] buf = f0.newBand(band);
        float[][] sum = f0.newBand(band);
        float[][] cnt = f0.newBand(band);
        float[][] cov = coverage == null ? null : new float[1][band * w];
        for (int y0 = 0; y0 < h; y0 += band) {
            int rows = Math.min(band, h - y0);
            int n = rows * w;
            for (int c = 0; c < nc; c++) { java.util.Arrays.fill(sum[c], 0, n, 0f); java.util.Arrays.fill(cnt[c], 0, n, 0f); }
            if (cov != null) java.util.Arrays.fill(cov[0], 0, n, 0f);
            for (RowSource f : frames) {
                f.readRows(y0, rows, buf);
                for (int i = 0; i < n; i++) {
                    boolean any = false;
                    for (int c = 0; c < nc; c++) {
                        float v = buf[c][i];
                        if (!Float.isNaN(v)) { sum[c][i] += v; cnt[c][i] += 1; any = true; }
                    }
                    if (any && cov != null) cov[0][i] += 1;
                }
            }
            for (int c = 0; c < nc; c++)
                for (int i = 0; i < n; i++) sum[c][i] = cnt[c][i] > 0 ? sum[c][i] / cnt[c][i] : Float.NaN;
            out.writeRows(y0, rows, sum);
            if (coverage != null) coverage.writeRows(y0, rows, cov);
            progress.update((double) (y0 + rows) / h, "stacking");
        }
        return new StackResult(frames.size(), new ArrayList<>(), new double[nc], new double[0][]);
    }
}

package org.tessera.stack;

import java.util.ArrayList;
import java.util.List;
import java.util.logging.Logger;

/** Per frame and channel weights (reference.md §4): none, noise_variance, noise_fwhm. */
final class FrameWeights {
    private FrameWeights() {}

    static final double INVALID_WEIGHT = 1e-6;
    static final double MIN_VARIANCE = 1e-18;

    /** @return weights[frame][channel] of the used frames, all &gt; 0 */
    static double[][] compute(StackParams.Weighting mode, FrameStats[] stats, Normalization.Affine norm,
                              int channels, List<String> names, Logger log) {
        int n = stats.length;
        double[][] w = new double[n][channels];
        switch (mode) {
            case NONE -> fill(w, 1.0);
            case NOISE_VARIANCE -> noiseVariance(stats, norm, w, log);
            case NOISE_FWHM -> {
                List<String> missing = new ArrayList<>();
                double min = Double.POSITIVE_INFINITY;
                for (int f = 0; f < n; f++) {
                    double v = stats[f].fwhm();
                    if (Double.isFinite(v) && v > 0) min = Math.min(min, v);
                    else missing.add(names.get(f) + " (" + stats[f].stars() + " stars)");
                }
                if (!missing.isEmpty()) {
                    log.warning("[STACK] noise_fwhm: no star FWHM on " + missing.size() + " frame(s) " + shortList(missing)
                            + "; weighting falls back to noise_variance");
                    noiseVariance(stats, norm, w, log);
                } else {
                    for (int f = 0; f < n; f++) java.util.Arrays.fill(w[f], min / stats[f].fwhm());
                }
            }
        }
        return w;
    }

    /** w = (smallest variance over all frames and channels) / variance, variance of the normalised frame. */
    private static void noiseVariance(FrameStats[] stats, Normalization.Affine norm, double[][] w, Logger log) {
        int n = stats.length, nc = w.length == 0 ? 0 : w[0].length;
        double[][] var = new double[n][nc];
        double min = Double.POSITIVE_INFINITY;
        for (int f = 0; f < n; f++)
            for (int c = 0; c < nc; c++) {
                double s = stats[f].noiseSigma()[c] * norm.gain()[f][c];
                var[f][c] = s * s;
                if (Double.isFinite(var[f][c]) && var[f][c] > MIN_VARIANCE) min = Math.min(min, var[f][c]);
            }
        if (min == Double.POSITIVE_INFINITY) {
            log.warning("[STACK] noise_variance: no frame has a measurable noise; equal weights");
            fill(w, 1.0);
            return;
        }
        for (int f = 0; f < n; f++)
            for (int c = 0; c < nc; c++) {
                double v = var[f][c];
                w[f][c] = Double.isFinite(v) && v > MIN_VARIANCE ? min / v : INVALID_WEIGHT;
            }
    }

    private static void fill(double[][] w, double v) {
        for (double[] r : w) java.util.Arrays.fill(r, v);
    }

    static String shortList(List<String> items) {
        if (items.size() <= 5) return String.join(", ", items);
        return String.join(", ", items.subList(0, 5)) + ", …";
    }
}

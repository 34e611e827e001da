package org.tessera.stack;

import java.util.List;
import java.util.Locale;
import java.util.logging.Logger;

/**
 * Per frame and channel affine maps x → gain·x + offset that bring every frame onto the first used
 * frame that is not flat (reference.md §4: the first used frame; a constant frame, such as an
 * all-zero readout, would give every other frame a gain of 0 and so turn normalisation off for all,
 * so it is passed over with a warning naming it). Every normalisation is expressed this way so that all paths (bands,
 * frame blocks, a GPU) apply it identically while loading a band.
 */
final class Normalization {
    private Normalization() {}

    static final double MAX_GAIN = 20;
    /** A percentile span below this fraction of the level is "flat": linear_fit is skipped. */
    static final double FLAT_SPAN = 1e-6;
    /**
     * Below this fraction of its cells shared with the reference, a frame whose gain the sources
     * could not measure is not given the percentile formula's: the percentiles of two frames that
     * see different sky (a Grid tile's frames of neighbouring panels, whose footprints only touch)
     * compare a nebula with empty sky and gave gains 0.6–1.45 on the built-in sky's Grid run (truth
     * within ±8 %). It keeps gain 1 and the offset that matches the two skies where they meet.
     */
    static final double MIN_SHARED = 0.5;

    /**
     * @param reference  the frame every other was scaled onto (linear_fit), -1 when the
     *                   normalisation scales none (none, sky_mean: offsets only)
     * @param onReference per frame: in the reference's unit, i.e. the reference itself or a frame
     *                   whose gain was measured on the pixels in every channel ({@link SkyCells});
     *                   a frame left at gain 1 (fit not measurable, too little shared sky, gain
     *                   refused) or scaled by the percentile formula (off by 15–50 % across nights)
     *                   is not: a stack of frames of other exposures is then in no one unit
     */
    record Affine(double[][] gain, double[][] offset, int reference, boolean[] onReference) {
        Affine(double[][] gain, double[][] offset) {
            this(gain, offset, -1, new boolean[gain.length]);
        }

        static Affine identity(int frames, int channels) {
            double[][] g = new double[frames][channels], o = new double[frames][channels];
            for (double[] r : g) java.util.Arrays.fill(r, 1.0);
            return new Affine(g, o);
        }
    }

    /** @param stats statistics of the used frames, reference first */
    static Affine compute(StackParams.Normalize mode, FrameStats[] stats, int channels, List<String> names,
                          Logger log) {
        Affine a = Affine.identity(stats.length, channels);
        int r = mode == StackParams.Normalize.NONE ? 0 : reference(stats, channels, names, log);
        switch (mode) {
            case NONE -> { }
            case LINEAR_FIT -> {
                FrameStats ref = stats[r];
                boolean[] measured = new boolean[stats.length];
                java.util.Arrays.fill(measured, true); // until a channel of the frame is not
                a = new Affine(a.gain(), a.offset(), r, measured);
                // The survey measured every later frame against this reference on the pixels
                // (SkyCells); when the reference moved (not expected: same rule) or a fit was not
                // measurable, the original's percentile formula is used.
                boolean pixels = ref.fitReference();
                int fallbacks = 0, apart = 0;
                for (int f = 0; f < stats.length; f++)
                    for (int c = 0; c < channels; c++) {
                        if (f == r) continue;
                        SkyCells.Fit fit = pixels && stats[f].fit() != null ? stats[f].fit()[c] : null;
                        double g, o;
                        if (fit != null && fit.why() == null) {
                            g = fit.gain();
                            o = fit.offset();
                        } else if (fit != null && fit.shared() < MIN_SHARED) {
                            measured[f] = false;
                            apart++;
                            g = 1;
                            o = Double.isFinite(fit.skyOffset()) ? fit.skyOffset() : 0;
                            log.fine("[STACK] linear_fit not measurable for " + names.get(f) + " channel " + c + " ("
                                    + fit.why() + ") and " + String.format(Locale.ROOT, "%.0f%%", 100 * fit.shared())
                                    + " of its sky shared with the reference: gain 1, offset " + fmt(o)
                                    + (Double.isFinite(fit.skyOffset()) ? " (the skies matched where they meet)" : " (no common sky)"));
                        } else {
                            measured[f] = false;
                            if (fit != null) {
                                fallbacks++;
                                log.fine("[STACK] linear_fit on the pixels not measurable for " + names.get(f)
                                        + " channel " + c + " (" + fit.why() + "): percentile formula used");
                            }
                            double sLo = stats[f].pLow()[c], sHi = stats[f].pHigh()[c];
                            double rLo = ref.pLow()[c], rHi = ref.pHigh()[c];
                            double span = sHi - sLo;
                            if (!(span > FLAT_SPAN * Math.max(Math.abs(sLo), Math.abs(sHi))) || !(span > 0)) {
                                logSkip(log, names, f, c, "flat source (P25=" + fmt(sLo) + ", P90=" + fmt(sHi) + ")");
                                continue;
                            }
                            g = (rHi - rLo) / span;
                            o = rLo - g * sLo;
                        }
                        if (!Double.isFinite(g) || !Double.isFinite(o) || !(g > 0) || g > MAX_GAIN) {
                            measured[f] = false;
                            logSkip(log, names, f, c, "gain " + fmt(g) + " outside (0, " + MAX_GAIN + "]");
                            continue;
                        }
                        a.gain()[f][c] = g;
                        a.offset()[f][c] = o;
                    }
                if (apart > 0)
                    log.info("[STACK] linear_fit: " + apart + " frame channel(s) sharing less than "
                            + String.format(Locale.ROOT, "%.0f%%", 100 * MIN_SHARED) + " of their sky with "
                            + names.get(r) + " and without enough source signal kept gain 1 (the percentile formula "
                            + "would compare different sky), their offset matched on the common sky");
                if (fallbacks > 0)
                    log.info("[STACK] linear_fit: " + fallbacks + " frame channel(s) without enough source signal "
                            + "against " + names.get(r) + " used the percentile formula (25th/90th)");
            }
            case SKY_MEAN -> {
                double ref = stats[r].sky();
                for (int f = 0; f < stats.length; f++) {
                    if (f == r) continue;
                    double d = ref - stats[f].sky();
                    if (!Double.isFinite(d)) {
                        log.warning("[STACK] sky_mean: no sky level for " + names.get(f) + "; frame left as is");
                        continue;
                    }
                    for (int c = 0; c < channels; c++) a.offset()[f][c] = d;
                }
            }
        }
        return a;
    }

    /**
     * Index of the reference: the first frame whose percentile span is not flat in any channel; 0
     * when every frame is flat. Each flat frame passed over is named in a warning.
     */
    static int reference(FrameStats[] stats, int channels, List<String> names, Logger log) {
        for (int f = 0; f < stats.length; f++) {
            if (!flat(stats[f], channels)) {
                if (f > 0)
                    log.warning("[STACK] normalisation reference: " + String.join(", ", names.subList(0, f))
                            + (f == 1 ? " is" : " are") + " flat (constant pixels, e.g. an all-zero readout), "
                            + "so " + names.get(f) + " is the reference instead");
                return f;
            }
        }
        return 0;
    }

    static boolean flat(FrameStats s, int channels) {
        if (s.pLow() == null || s.pHigh() == null) return false;
        for (int c = 0; c < channels; c++) {
            double lo = s.pLow()[c], hi = s.pHigh()[c], span = hi - lo;
            if (!(span > 0) || !(span > FLAT_SPAN * Math.max(Math.abs(lo), Math.abs(hi)))) return true;
        }
        return false;
    }

    private static void logSkip(Logger log, List<String> names, int f, int c, String why) {
        log.fine("[STACK] linear_fit skipped for " + names.get(f) + " channel " + c + ": " + why);
    }

    static String fmt(double v) {
        return String.format(Locale.ROOT, "%.6g", v);
    }
}

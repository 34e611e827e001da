package org.tessera.stack;

import java.util.List;

/**
 * What a stack reports.
 *
 * @param framesUsed            frames that went into the stack (after drops)
 * @param dropped               one "name: reason" per dropped frame (reference.md §4 validity rules)
 * @param rejectedPctPerChannel 100 · rejected samples / finite samples, per channel
 * @param frameWeights          [input frame][channel] weight applied (0 for a dropped frame)
 * @param reference             the input frame every used frame was scaled onto (linear_fit: the
 *                              first used frame that is not flat), -1 when the normalisation scales
 *                              none (none, sky_mean: level shifts only) or no frame was used
 * @param onReference           per input frame: scaled onto the reference by a gain measured on the
 *                              pixels in every channel, or the reference itself: its pixels are then
 *                              in the reference's unit (counts per the reference's exposure); false
 *                              for a frame left at gain 1 or scaled by the percentile formula, for a
 *                              dropped frame, and for all when {@code reference} is -1
 */
public record StackResult(int framesUsed, List<String> dropped, double[] rejectedPctPerChannel, double[][] frameWeights,
                          int reference, boolean[] onReference)
        implements java.io.Serializable { // a cluster's tile task sends it back (the Spark module's Grid tiles)

    /** A stack that scaled no frame onto another (no reference). */
    public StackResult(int framesUsed, List<String> dropped, double[] rejectedPctPerChannel, double[][] frameWeights) {
        this(framesUsed, dropped, rejectedPctPerChannel, frameWeights, -1,
                new boolean[frameWeights == null ? 0 : frameWeights.length]);
    }

    /** Mean of the per-channel rejected percentages. */
    public double rejectedPct() {
        if (rejectedPctPerChannel.length == 0) return 0;
        double s = 0;
        for (double v : rejectedPctPerChannel) s += v;
        return s / rejectedPctPerChannel.length;
    }
}

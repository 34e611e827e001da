package org.tessera.stack;

import java.util.List;

/**
 * What a stack reports.
 *
 * @param framesUsed            frames that went into the stack (after drops)
 * @param dropped               one "name: reason" per dropped frame (reference.md §4 validity rules)
 * @param rejectedPctPerChannel 100 · rejected samples / finite samples, per channel
 * @param frameWeights          [input frame][channel] weight applied (0 for a dropped frame)
 */
public record StackResult(int framesUsed, List<String> dropped, double[] rejectedPctPerChannel, double[][] frameWeights)
        implements java.io.Serializable { // a cluster's tile task sends it back (the Spark module's Grid tiles)

    /** Mean of the per-channel rejected percentages. */
    public double rejectedPct() {
        if (rejectedPctPerChannel.length == 0) return 0;
        double s = 0;
        for (double v : rejectedPctPerChannel) s += v;
        return s / rejectedPctPerChannel.length;
    }
}

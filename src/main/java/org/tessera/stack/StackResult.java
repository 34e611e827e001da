package org.tessera.stack;

import java.util.List;

/**
 * What a stack reports: frames used and dropped (with reasons), share of samples rejected per
 * channel, and the per-frame weights it applied.
 */
public record StackResult(int framesUsed, List<String> dropped, double[] rejectedPctPerChannel, double[][] frameWeights) {

    /** Mean of the per-channel rejected percentages. */
    public double rejectedPct() {
        if (rejectedPctPerChannel.length == 0) return 0;
        double s = 0;
        for (double v : rejectedPctPerChannel) s += v;
        return s / rejectedPctPerChannel.length;
    }
}

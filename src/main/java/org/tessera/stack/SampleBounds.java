package org.tessera.stack;

/**
 * Frame-block mode, per pixel of one channel of a band: what the rejection decided on the sample
 * of frames, applied afterwards to every frame. A sample x is admitted if lo ≤ x ≤ hi (or, for
 * winsorising rejections, clamped into [lo, hi]); it counts as rejected if x &lt; rejLo or x &gt; rejHi.
 * {@code median} holds the median combine of the admitted sample values (NaN when unused).
 */
public final class SampleBounds {
    final double[] lo, hi, rejLo, rejHi;
    final float[] median;
    boolean clip;

    public SampleBounds(int capacity) {
        lo = new double[capacity];
        hi = new double[capacity];
        rejLo = new double[capacity];
        rejHi = new double[capacity];
        median = new float[capacity];
    }

    public int capacity() { return lo.length; }

    // Views for backends outside this package (a GPU backend downloads into them).
    public double[] lo() { return lo; }
    public double[] hi() { return hi; }
    public double[] rejLo() { return rejLo; }
    public double[] rejHi() { return rejHi; }
    public float[] median() { return median; }
    /** True when the rule clamps samples into [lo, hi] (winsorizing) rather than keeping only those inside. */
    public boolean clip() { return clip; }
    public void clip(boolean on) { clip = on; }
}

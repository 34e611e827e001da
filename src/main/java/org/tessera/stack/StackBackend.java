package org.tessera.stack;

/**
 * Where the per-pixel work of the stack core runs: rejection and combine of one channel of one
 * band. {@link StackCore} does everything else (reading, normalising, weights, drops, bands, frame
 * blocks, threads), so a backend (CPU now, GPU later) only implements these four operations, and
 * every backend must give the same result for the same {@link StackParams}.
 */
public interface StackBackend {

    String name();

    /** Whole stack of the band (all frames present): writes out[0..pixels) and counts into tally. */
    void stack(BandChannel band, StackParams params, float[] out, ChannelTally tally);

    /** Frame-block mode, first pass: rejection bounds from a sample of the frames. */
    void sampleBounds(BandChannel sample, StackParams params, SampleBounds bounds);

    /** Frame-block mode, second pass: adds one block of frames under the sample's bounds. */
    void accumulate(BandChannel block, SampleBounds bounds, BlockAccumulator acc);

    /** Frame-block mode: the combined value of each pixel once all blocks were added. */
    void finish(SampleBounds bounds, BlockAccumulator acc, int pixels, StackParams params, float[] out,
                ChannelTally tally);
}

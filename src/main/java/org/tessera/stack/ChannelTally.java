package org.tessera.stack;

/** Counts of one channel: finite samples seen and samples the rejection left out. Not thread-safe. */
public final class ChannelTally {
    private long samples;
    private long rejected;

    public void add(long samples, long rejected) {
        this.samples += samples;
        this.rejected += rejected;
    }

    public void add(ChannelTally other) {
        add(other.samples, other.rejected);
    }

    public long samples() { return samples; }

    public long rejected() { return rejected; }

    /** 100 · rejected / samples (0 when there were no samples). */
    public double rejectedPct() {
        return samples == 0 ? 0 : 100.0 * rejected / samples;
    }
}

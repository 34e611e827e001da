package org.tessera.stack;

import java.util.Arrays;

/**
 * Frame-block mode, per pixel of one channel of a band: running sums over the blocks of frames.
 * Admitted samples go to (sumWX, sumW); all finite samples to (sumWXAll, sumWAll), the fallback
 * when nothing is admitted.
 */
public final class BlockAccumulator {
    final double[] sumWX, sumW, sumWXAll, sumWAll;
    final int[] count, rejected;

    public BlockAccumulator(int capacity) {
        sumWX = new double[capacity];
        sumW = new double[capacity];
        sumWXAll = new double[capacity];
        sumWAll = new double[capacity];
        count = new int[capacity];
        rejected = new int[capacity];
    }

    public void reset(int pixels) {
        Arrays.fill(sumWX, 0, pixels, 0);
        Arrays.fill(sumW, 0, pixels, 0);
        Arrays.fill(sumWXAll, 0, pixels, 0);
        Arrays.fill(sumWAll, 0, pixels, 0);
        Arrays.fill(count, 0, pixels, 0);
        Arrays.fill(rejected, 0, pixels, 0);
    }

    public int capacity() { return sumW.length; }

    // Views for backends outside this package (a GPU backend uploads and downloads them).
    public double[] sumWX() { return sumWX; }
    public double[] sumW() { return sumW; }
    public double[] sumWXAll() { return sumWXAll; }
    public double[] sumWAll() { return sumWAll; }
    public int[] count() { return count; }
    public int[] rejected() { return rejected; }
}

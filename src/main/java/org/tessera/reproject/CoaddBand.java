package org.tessera.reproject;

import java.util.Arrays;

/**
 * The accumulators of one band of output rows [y0, y0 + rows) × [0, width): per channel
 * Σ w·(g·v + o), and Σ w. Memory O(band), reused from band to band by one worker.
 */
public final class CoaddBand {

    private final int width, channels, capacity;
    private int y0, rows;
    /** sum[c][(y - y0) * width + x] */
    final float[][] sum;
    /** weight[(y - y0) * width + x] */
    final float[] weight;

    public CoaddBand(int width, int channels, int capacityRows) {
        this.width = width;
        this.channels = channels;
        this.capacity = capacityRows;
        this.sum = new float[channels][width * capacityRows];
        this.weight = new float[width * capacityRows];
    }

    /** Starts a new band: rows [y0, y0 + rows), accumulators zero. */
    public void reset(int y0, int rows) {
        if (rows > capacity) throw new IllegalArgumentException(rows + " rows > capacity " + capacity);
        this.y0 = y0;
        this.rows = rows;
        int n = rows * width;
        for (float[] s : sum) Arrays.fill(s, 0, n, 0f);
        Arrays.fill(weight, 0, n, 0f);
    }

    public int y0() { return y0; }
    public int rows() { return rows; }
    public int width() { return width; }
    public int channels() { return channels; }

    /** Σ w·value of channel c (layout (y - y0) * width + x); backends add into it. */
    public float[] sum(int c) { return sum[c]; }

    /** Σ w; backends add into it. */
    public float[] weight() { return weight; }

    /**
     * Pixels of the band with Σ w &gt; 0. A method of its own, not a loop in the worker: a long loop
     * in the worker's band loop would make the JIT compile the whole worker, with everything it
     * inlines, on stack replacement, several times over.
     */
    long coveredPixels() {
        int n = rows * width;
        long c = 0;
        for (int i = 0; i < n; i++) if (weight[i] > 0) c++;
        return c;
    }

    /**
     * Turns the sums into the mean in place (NaN where Σ w = 0) and returns the planes, ready for
     * a sink; {@link #weight()} is then the coverage.
     */
    float[][] normalise() {
        int n = rows * width;
        for (float[] s : sum) {
            for (int i = 0; i < n; i++) {
                float w = weight[i];
                s[i] = w > 0 ? s[i] / w : Float.NaN;
            }
        }
        return sum;
    }
}

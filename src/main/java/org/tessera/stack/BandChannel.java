package org.tessera.stack;

/**
 * One channel of one band of several frames, as a backend receives it: a single frame-major
 * buffer, sample {@code (f, i)} at {@code values[f * stride + i]} for frame f &lt; frames and pixel
 * i &lt; pixels (pixels = rows × width of this band; stride ≥ pixels is the buffer's slot per frame).
 * Values are already normalised; NaN is no data. This is the layout a GPU backend copies as is.
 *
 * @param weights       per-frame weight of this channel (length ≥ frames), all &gt; 0
 * @param pixelWeights  per-pixel weight factor in the same layout as values (radial weight), or null
 */
public record BandChannel(float[] values, int stride, int frames, int pixels, double[] weights,
                          float[] pixelWeights) {

    public BandChannel {
        if (pixels > stride || (long) frames * stride > values.length)
            throw new IllegalArgumentException("band buffer too small: " + frames + " x " + stride + " > " + values.length);
        if (weights.length < frames) throw new IllegalArgumentException("missing frame weights");
        if (pixelWeights != null && pixelWeights.length < (long) frames * stride)
            throw new IllegalArgumentException("pixel weight buffer too small");
    }
}

package org.tessera.stack;

/**
 * One channel of one band of several frames, as a backend receives it: a single frame-major
 * buffer, sample {@code (f, i)} at {@code values[f * stride + i]} for frame f &lt; frames and pixel
 * i &lt; pixels (pixels = rows × width of this band; stride ≥ pixels is the buffer's slot per frame).
 * Values are already normalised; NaN is no data. This is the layout a GPU backend copies as is.
 *
 * @param weights       per-frame weight of this channel (length ≥ frames), all &gt; 0
 * @param pixelWeights  per-pixel weight factor in the same layout as values (radial weight), or null
 * @param width         pixels per row of the band (what {@code spans} counts in)
 * @param spans         where each frame may have data, or null (anywhere): row r of frame f has
 *                      only NaN outside columns [{@code spans[2(f·rows + r)]},
 *                      {@code spans[2(f·rows + r) + 1]}) (rows = ⌈pixels / width⌉). The values
 *                      there are NaN all the same, so a backend may ignore it; the CPU backend
 *                      uses it to skip frames that do not cover a run of pixels (a rotated frame
 *                      on its tile's square canvas covers about a third of it).
 */
public record BandChannel(float[] values, int stride, int frames, int pixels, double[] weights,
                          float[] pixelWeights, int width, int[] spans) {

    public BandChannel {
        if (pixels > stride || (long) frames * stride > values.length)
            throw new IllegalArgumentException("band buffer too small: " + frames + " x " + stride + " > " + values.length);
        if (weights.length < frames) throw new IllegalArgumentException("missing frame weights");
        if (pixelWeights != null && pixelWeights.length < (long) frames * stride)
            throw new IllegalArgumentException("pixel weight buffer too small");
        if (spans != null && (width < 1 || spans.length < 2L * frames * rows(pixels, width)))
            throw new IllegalArgumentException("span buffer too small for " + frames + " frames of width " + width);
    }

    /** A band without spans (every frame may have data anywhere). */
    public BandChannel(float[] values, int stride, int frames, int pixels, double[] weights, float[] pixelWeights) {
        this(values, stride, frames, pixels, weights, pixelWeights, Math.max(1, pixels), null);
    }

    /** Rows of a band of {@code pixels} pixels of {@code width} per row. */
    static int rows(int pixels, int width) {
        return (pixels + width - 1) / width;
    }
}

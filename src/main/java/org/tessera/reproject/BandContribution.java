package org.tessera.reproject;

import org.tessera.wcs.WcsMapping;

/**
 * What one tile adds to one band: output pixels [x0, x1) × [y0, y1) (final-grid coordinates,
 * inside the band), their mapping into the tile ({@code region}, built for exactly this
 * rectangle), the tile rows they need ({@code strip}), the kernel, and the tile's correction:
 * each valid sample v of channel c at output pixel (x, y) with interpolated pixel weight a adds
 * {@code weight·a·(gain·v + background.at(c, x, y))} to the sums and {@code weight·a} to the
 * coverage. The background is per channel so background matching can remove a colour difference
 * between tiles, and planar so it can remove a gradient difference.
 * Colour tiles may carry per-channel factors on the gain
 * (the colour match): channel c's gain is then {@link #gain(int)}.
 *
 * @param tile   index of the tile in the coadd's input list (contributions come in this order)
 * @param colour per-channel factors on {@code gain}, or null: 1 for every channel
 */
public record BandContribution(int tile, int x0, int x1, int y0, int y1, WcsMapping.Region region,
                               SourceStrip strip, Kernel kernel, float weight, float gain, double[] colour,
                               BackgroundPlane background) {

    /** Without colour factors. */
    public BandContribution(int tile, int x0, int x1, int y0, int y1, WcsMapping.Region region, SourceStrip strip,
                            Kernel kernel, float weight, float gain, BackgroundPlane background) {
        this(tile, x0, x1, y0, y1, region, strip, kernel, weight, gain, null, background);
    }

    /** The gain of channel c: {@code gain} × colour[c], rounded to float (exactly {@code gain} for a factor of 1). */
    public float gain(int c) {
        return colour == null ? gain : (float) (gain * colour[c]);
    }
}

package org.tessera.reproject;

/**
 * The additive correction of one tile on the final grid, per channel c: at output pixel (x, y)
 * the coadd adds {@code level[c] + slopeY[c]·y + slopeX[c]·x} to the gain-corrected value. Offsets
 * alone (astropy's {@code match_background}) have zero slopes; the planar background match fills
 * them so that a gradient difference between overlapping tiles leaves no tilted step at the seam.
 * Coordinates are absolute final-grid pixels, so a pixel's correction never depends on the band.
 */
public record BackgroundPlane(double[] level, double[] slopeX, double[] slopeY) implements java.io.Serializable {

    public BackgroundPlane {
        if (level.length != slopeX.length || level.length != slopeY.length)
            throw new IllegalArgumentException("level and slopes must have one value per channel");
    }

    /** The same offset o for every channel, no slope. */
    public static BackgroundPlane offset(int channels, double o) {
        double[] l = new double[channels];
        java.util.Arrays.fill(l, o);
        return new BackgroundPlane(l, new double[channels], new double[channels]);
    }

    public int channels() {
        return level.length;
    }

    /** True when channel c has no slope: its correction is the constant {@code level[c]}. */
    public boolean flat(int c) {
        return slopeX[c] == 0 && slopeY[c] == 0;
    }

    /** The correction of channel c at final-grid pixel (x, y), rounded as the coadd adds it. */
    public float at(int c, int x, int y) {
        return (float) (level[c] + slopeY[c] * y + slopeX[c] * x); // the coadder's order of operations
    }
}

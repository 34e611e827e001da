package org.tessera.reproject;

import java.util.Objects;

import org.tessera.image.RowSource;
import org.tessera.wcs.Wcs;

/**
 * One tile of the Phase 5 coadd.
 *
 * @param name    for logs and errors (usually the file name)
 * @param image   the pixels, read by bands; NaN = no data
 * @param alpha   null, or one channel in [0, 1] of the same shape: the tile's validity / feather
 *                mask (a master tile's ALPHA extension scaled to [0, 1]); 0 = no data. Null means
 *                1 wherever every channel is finite.
 * @param wcs     the tile's celestial WCS (0-based pixels)
 * @param nFrames the number of frames stacked into the tile (MT_NFRAMES), or 1; drives the tile
 *                weight
 * @param exposure the exposure (s) its pixel values are counts per, NaN when unknown: a stack Tessera
 *                wrote gives its {@code EXPTIME} (one frame's exposure, the unit of its mean). Where
 *                every tile gives one and they differ, the photometric match starts from the gains
 *                that put them on one exposure ({@link PhotometricMatch#exposurePriors})
 */
public record CoaddInput(String name, RowSource image, RowSource alpha, Wcs wcs, double nFrames, double exposure) {

    public CoaddInput {
        Objects.requireNonNull(image, "image");
        Objects.requireNonNull(wcs, "wcs");
        if (name == null) name = "tile";
        if (alpha != null && (alpha.width() != image.width() || alpha.height() != image.height() || alpha.channels() != 1))
            throw new IllegalArgumentException(name + ": alpha must be one channel of " + image.width() + "x" + image.height()
                    + ", got " + alpha.width() + "x" + alpha.height() + "x" + alpha.channels());
        if (!(nFrames > 0) || Double.isInfinite(nFrames)) nFrames = 1;
        if (!(exposure > 0) || Double.isInfinite(exposure)) exposure = Double.NaN;
    }

    /**
     * The exposure to put images of exposures {@code exposures[i]} (s, NaN: unknown) holding
     * {@code frames[i]} frames on: the exposure most frames have, the longer on a tie; NaN when one
     * is unknown or all are one (nothing to put on one). The rule of the photometric match's
     * exposure prior ({@link PhotometricMatch#referenceExposure}), and of SDS's mega-tiles before
     * their stack (package sds, {@code MegaTileStack}), so both modes choose the same unit.
     */
    public static double referenceExposure(double[] exposures, double[] frames) {
        java.util.TreeMap<Double, Double> count = new java.util.TreeMap<>();
        for (int i = 0; i < exposures.length; i++) {
            if (Double.isNaN(exposures[i])) return Double.NaN;
            count.merge(exposures[i], frames[i], Double::sum);
        }
        if (count.size() < 2) return Double.NaN;
        double ref = Double.NaN, most = -1;
        for (var en : count.entrySet()) // ascending: a tie goes to the longer exposure
            if (en.getValue() >= most) {
                most = en.getValue();
                ref = en.getKey();
            }
        return ref;
    }

    /** A tile of unknown exposure. */
    public CoaddInput(String name, RowSource image, RowSource alpha, Wcs wcs, double nFrames) {
        this(name, image, alpha, wcs, nFrames, Double.NaN);
    }

    /** A plain image: no alpha, one frame. */
    public static CoaddInput of(String name, RowSource image, Wcs wcs) {
        return new CoaddInput(name, image, null, wcs, 1);
    }
}

package org.tessera.reproject;

import nom.tam.fits.Header;

import org.tessera.wcs.Wcs;

/**
 * The WCS of a block-averaged image: pixel p of this image is pixel {@code origin + factor·p} of
 * the base image (origin already holds the block-centre offset (factor − 1)/2). Used for the
 * low-resolution previews of the photometric matching; internal, never written to a file.
 */
final class ScaledWcs implements Wcs {

    private final Wcs base;
    private final double factor, ox, oy;

    ScaledWcs(Wcs base, double factor, double ox, double oy) {
        this.base = base;
        this.factor = factor;
        this.ox = ox;
        this.oy = oy;
    }

    /** Blocks of factor×factor base pixels starting at base pixel (x0, y0). */
    static ScaledWcs blocks(Wcs base, int factor, int x0, int y0) {
        return new ScaledWcs(base, factor, x0 + (factor - 1) / 2.0, y0 + (factor - 1) / 2.0);
    }

    @Override
    public void pixelToWorld(double x, double y, double[] out) {
        base.pixelToWorld(ox + factor * x, oy + factor * y, out);
    }

    @Override
    public void worldToPixel(double ra, double dec, double[] out) {
        base.worldToPixel(ra, dec, out);
        out[0] = (out[0] - ox) / factor;
        out[1] = (out[1] - oy) / factor;
    }

    @Override
    public double pixelScaleDeg() {
        return base.pixelScaleDeg() * factor;
    }

    @Override
    public Wcs shifted(double dx, double dy) {
        return new ScaledWcs(base, factor, ox + factor * dx, oy + factor * dy);
    }

    @Override
    public void writeTo(Header h) {
        throw new UnsupportedOperationException("a preview WCS is internal to the photometric matching and is never written");
    }
}

package org.tessera.wcs;

import nom.tam.fits.Header;
import nom.tam.fits.HeaderCardException;

/**
 * A celestial world coordinate system of a 2-D image.
 * <p>
 * Pixel coordinates are <b>0-based</b> (astropy's {@code origin=0}): the centre of the first pixel
 * is (0, 0), i.e. FITS pixel p is p − 1 here. World coordinates are (RA, Dec) in degrees, RA in
 * [0, 360). Methods write into {@code out} so that per-pixel loops allocate nothing; a point that
 * cannot be mapped (behind the projection plane, outside a projection's domain, an inverse that
 * does not converge) yields NaN, never an exception.
 * <p>
 * Implementations are immutable and thread-safe.
 */
public interface Wcs {

    /** 0-based pixel (x, y) → {ra, dec} in degrees. */
    void pixelToWorld(double x, double y, double[] out);

    /** {ra, dec} in degrees → 0-based pixel (x, y); NaN where not representable. */
    void worldToPixel(double ra, double dec, double[] out);

    /** Mean pixel scale at the reference point, degrees per pixel (geometric mean of both axes). */
    double pixelScaleDeg();

    /** The same sky mapping for an image whose pixel (0, 0) is this image's pixel (dx, dy): CRPIX shifted. */
    Wcs shifted(double dx, double dy);

    /** Writes the keywords that describe this WCS (CTYPE, CRVAL, CRPIX, CD, SIP …) into h. */
    void writeTo(Header h) throws HeaderCardException;

    /**
     * The local pixel scale at pixel (x, y), degrees per pixel (square root of the pixel's area on
     * the sky), measured by finite differences; NaN where the point cannot be mapped. For wide
     * fields and distorted WCS this differs from {@link #pixelScaleDeg()} away from the reference.
     */
    default double localPixelScaleDeg(double x, double y) {
        double[] c = new double[2], p = new double[2];
        pixelToWorld(x, y, c);
        double[] e = SkyMath.unit(c[0], c[1]);
        double[] tx = new double[2], ty = new double[2];
        double h = 0.5;
        pixelToWorld(x + h, y, p);
        SkyMath.gnomonic(e, p[0], p[1], tx);
        double ax = tx[0], ay = tx[1];
        pixelToWorld(x - h, y, p);
        SkyMath.gnomonic(e, p[0], p[1], tx);
        ax -= tx[0];
        ay -= tx[1];
        pixelToWorld(x, y + h, p);
        SkyMath.gnomonic(e, p[0], p[1], ty);
        double bx = ty[0], by = ty[1];
        pixelToWorld(x, y - h, p);
        SkyMath.gnomonic(e, p[0], p[1], ty);
        bx -= ty[0];
        by -= ty[1];
        return Math.sqrt(Math.abs(ax * by - ay * bx)) / (2 * h) * 180 / Math.PI;
    }

    /**
     * Reads the celestial WCS of a FITS header: the DSS plate solution when the header carries one
     * (as astropy does), else the standard keywords (TAN, SIN, ARC, ZEA, STG, CAR, optional SIP).
     *
     * @throws WcsException naming the missing or unsupported keyword
     */
    static Wcs fromHeader(Header h) throws WcsException {
        return FitsWcsReader.read(h);
    }
}

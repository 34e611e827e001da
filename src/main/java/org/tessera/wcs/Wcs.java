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

    /** Reads the celestial WCS of a FITS header. */
    static Wcs fromHeader(Header h) throws WcsException {
        return FitsWcs.fromHeader(h);
    }
}

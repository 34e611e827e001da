package org.tessera.detect;

/**
 * One detected star on a luminance image.
 *
 * @param x         centroid, 0-based pixel column (pixel centres at integers, as {@code wcs.Wcs})
 * @param y         centroid, 0-based pixel row
 * @param flux      background-subtracted sum over the star's pixels
 * @param fwhm      full width at half maximum in pixels (Gaussian profile fit), NaN when the fit
 *                  is not possible (saturated core, image edge, missing pixels) or was not asked
 *                  for ({@link StarDetector.Params#fwhm})
 * @param peak      highest background-subtracted pixel value
 * @param saturated the core is clipped (a flat top at the image's highest values): its centroid
 *                  and flux are less reliable
 */
public record Star(double x, double y, double flux, double fwhm, double peak, boolean saturated) {}

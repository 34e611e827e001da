package org.tessera.stack;

/**
 * Global statistics of one frame, measured once before the band pass (one frame in memory).
 * Values not asked for are NaN (arrays: filled with NaN).
 *
 * @param pixels     the frame's footprint on the grid, pixels ({@link org.tessera.image.RowSource#footprintPixels()}:
 *                   width × height unless the frame covers less of its grid)
 * @param finite     finite pixels per channel
 * @param pLow       per channel 25th percentile (linear_fit)
 * @param pHigh      per channel 90th percentile (linear_fit)
 * @param sky        25th percentile of the luminance (sky_mean)
 * @param noiseSigma per channel std of the 3σ-clipped pixels, 5 iterations (noise_variance)
 * @param fwhm       median star FWHM in pixels on the luminance (noise_fwhm), NaN if not measured
 * @param stars      stars the FWHM was measured on
 * @param cx         footprint centroid x (radial weight)
 * @param cy         footprint centroid y
 * @param radius     distance from the centroid to the farthest footprint pixel, + ½ pixel
 * @param fit        per channel linear_fit measured on the pixels against the survey's reference
 *                   ({@link SkyCells}); null when not measured (the reference itself, frames before it)
 * @param fitReference whether this frame is the one the survey's fits were measured against
 * @param constant   the one value every finite pixel of every channel holds (an all-zero or blank
 *                   readout), NaN when the pixels differ or were not gathered (no normalisation
 *                   or weighting asked)
 */
record FrameStats(long pixels, long[] finite, double[] pLow, double[] pHigh, double sky, double[] noiseSigma,
                  double fwhm, int stars, double cx, double cy, double radius, SkyCells.Fit[] fit,
                  boolean fitReference, double constant) {
    FrameStats(long pixels, long[] finite, double[] pLow, double[] pHigh, double sky, double[] noiseSigma,
               double fwhm, int stars, double cx, double cy, double radius) {
        this(pixels, finite, pLow, pHigh, sky, noiseSigma, fwhm, stars, cx, cy, radius, null, false, Double.NaN);
    }

    FrameStats withFit(SkyCells.Fit[] f, boolean reference) {
        return new FrameStats(pixels, finite, pLow, pHigh, sky, noiseSigma, fwhm, stars, cx, cy, radius, f, reference,
                constant);
    }

    FrameStats withConstant(double value) {
        return new FrameStats(pixels, finite, pLow, pHigh, sky, noiseSigma, fwhm, stars, cx, cy, radius, fit,
                fitReference, value);
    }
}

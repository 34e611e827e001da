package org.tessera.register;

/**
 * The outcome of registering one frame onto its group's reference: either a pixel transform from
 * the frame ("moving") to the reference, with its quality, or a failure with a reason a user can
 * read. Never both.
 *
 * @param frame        the moving frame's name
 * @param transform    moving pixel → reference pixel (0-based); null when failed
 * @param rmsPx        RMS of the fitted star positions' residuals, reference pixels; NaN when failed
 * @param matchedStars stars matched and used in the final fit (0 when failed)
 * @param method       how the transform was found
 * @param failure      why the frame could not be registered; null when it was
 * @param peakSnr      {@link Method#AREA_CORRELATION}: the correlation peak's significance (its
 *                     height over the surface's robust noise); NaN otherwise
 */
public record Registration(String frame, Affine transform, double rmsPx, int matchedStars, Method method, String failure,
                           double peakSnr)
        implements java.io.Serializable {

    public enum Method {
        /** the reference itself */
        IDENTITY,
        /** FFT phase correlation (shift only), verified and refined on matched stars */
        PHASE_CORRELATION,
        /** triangle (asterism) invariants, RANSAC, least squares on the inliers */
        TRIANGLES,
        /**
         * the whole frames' cross-correlation, a shift only, for frames with too few stars to
         * detect ({@link AreaCorrelation}); no stars matched, no residual
         */
        AREA_CORRELATION,
        /** no transform */
        FAILED
    }

    public Registration {
        if ((transform == null) != (failure != null))
            throw new IllegalArgumentException("a registration has either a transform or a failure reason");
    }

    /** A registration by stars (or a failure): no correlation peak. */
    public Registration(String frame, Affine transform, double rmsPx, int matchedStars, Method method, String failure) {
        this(frame, transform, rmsPx, matchedStars, method, failure, Double.NaN);
    }

    /** A shift found by {@link AreaCorrelation}: moving pixel p lies at reference pixel p + (dx, dy). */
    public static Registration area(String frame, double dx, double dy, double peakSnr) {
        return new Registration(frame, Affine.translation(dx, dy), Double.NaN, 0, Method.AREA_CORRELATION, null, peakSnr);
    }

    /**
     * A transform found by {@link AreaCorrelation} on the frame turned by the mount's field rotation
     * ({@link FieldRotation}) first: moving pixel p lies at reference pixel {@code transform}(p).
     */
    public static Registration area(String frame, Affine transform, double peakSnr) {
        return new Registration(frame, transform, Double.NaN, 0, Method.AREA_CORRELATION, null, peakSnr);
    }

    /**
     * How an {@link Method#AREA_CORRELATION area correlation} placed the frame, for every log that
     * names it: "area correlation, shift (dx, dy) px, peak S/N s, translation only", or with
     * "rotation r° (field rotation from the headers' site and times)" when the frame was turned.
     */
    public String areaSummary() {
        double rot = transform.rotationDeg();
        if (rot == 0)
            return String.format(java.util.Locale.ROOT, "area correlation, shift (%.2f, %.2f) px, peak S/N %.1f, translation only",
                    transform.c(), transform.f(), peakSnr);
        return String.format(java.util.Locale.ROOT, "area correlation, rotation %.2f° (field rotation from the headers' site and "
                + "times), offset (%.2f, %.2f) px, peak S/N %.1f", rot, transform.c(), transform.f(), peakSnr);
    }

    public static Registration identity(String frame) {
        return new Registration(frame, Affine.IDENTITY, 0, 0, Method.IDENTITY, null);
    }

    public static Registration failed(String frame, String reason) {
        return new Registration(frame, null, Double.NaN, 0, Method.FAILED, reason);
    }

    public boolean ok() { return transform != null; }
}

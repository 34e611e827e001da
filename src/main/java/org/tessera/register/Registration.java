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
 *                     height over the surface's robust noise); a failure the area correlation
 *                     could not save: its best peak's (below the threshold); NaN otherwise
 * @param fallback     an area correlation's (successful or not): why the stars did not serve ("too
 *                     few stars to match", or "stars did not match: …"); null otherwise
 * @param turnFrom     an area correlation that turned the frame: where the angle came from ("the
 *                     headers' site and times", or the session's star registrations); null otherwise
 */
public record Registration(String frame, Affine transform, double rmsPx, int matchedStars, Method method, String failure,
                           double peakSnr, String fallback, String turnFrom)
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
        this(frame, transform, rmsPx, matchedStars, method, failure, Double.NaN, null, null);
    }

    /**
     * A transform found by {@link AreaCorrelation}, on the frame turned first by the mount's field
     * rotation when {@code turnFrom} (where that angle came from) is not null: moving pixel p lies
     * at reference pixel {@code transform}(p); {@code fallback}: why the stars did not serve.
     */
    static Registration area(String frame, Affine transform, double peakSnr, String fallback, String turnFrom) {
        return new Registration(frame, transform, Double.NaN, 0, Method.AREA_CORRELATION, null, peakSnr, fallback, turnFrom);
    }

    /** A frame the area correlation could not register either: its best peak's S/N (below the threshold) kept. */
    static Registration areaFailed(String frame, String reason, double peakSnr, String fallback) {
        return new Registration(frame, null, Double.NaN, 0, Method.FAILED, reason, peakSnr, fallback, null);
    }

    /**
     * True when the area correlation ran on this frame and placed it without a turn, or found no
     * significant peak: a field rotation learnt later (its session's star registrations,
     * {@link SessionRotation}) may still place it.
     */
    public boolean areaWithoutTurn() {
        return fallback != null && turnFrom == null && (ok() ? method == Method.AREA_CORRELATION : Double.isFinite(peakSnr));
    }

    /**
     * How an {@link Method#AREA_CORRELATION area correlation} placed the frame, for every log that
     * names it: "area correlation, shift (dx, dy) px, peak S/N s, translation only", or with
     * "rotation r° (field rotation from the headers' site and times)" when the frame was turned
     * (or "… fitted on the session's N frames registered by their stars, …": {@link #turnFrom}).
     */
    public String areaSummary() {
        double rot = transform.rotationDeg();
        if (rot == 0)
            return String.format(java.util.Locale.ROOT, "area correlation, shift (%.2f, %.2f) px, peak S/N %.1f, translation only",
                    transform.c(), transform.f(), peakSnr);
        return String.format(java.util.Locale.ROOT, "area correlation, rotation %.2f° (field rotation %s), offset (%.2f, %.2f) px, "
                + "peak S/N %.1f", rot, turnFrom == null ? FROM_HEADERS : turnFrom, transform.c(), transform.f(), peakSnr);
    }

    /** Where a field rotation taken from the headers comes from, as {@link #areaSummary} says it. */
    static final String FROM_HEADERS = "from the headers' site and times";

    public static Registration identity(String frame) {
        return new Registration(frame, Affine.IDENTITY, 0, 0, Method.IDENTITY, null);
    }

    public static Registration failed(String frame, String reason) {
        return new Registration(frame, null, Double.NaN, 0, Method.FAILED, reason);
    }

    public boolean ok() { return transform != null; }
}

package org.tessera.solve;

import java.util.Locale;
import java.util.Map;

import org.tessera.io.HeaderPointing;

/**
 * What a plate solver is told about a frame before it starts: where the telescope pointed (the
 * header's {@code RA}/{@code DEC}, or {@code OBJCTRA}/{@code OBJCTDEC}), how far from there to
 * search, and the pixel scale from {@code FOCALLEN} and {@code XPIXSZ}
 * (206.265·XPIXSZ[µm]/FOCALLEN[mm] ″/px). Unknown values are NaN: the solver then searches blind
 * for that quantity. A Seestar's header pointing is the target's, off by ~0.3° from the field
 * centre, well inside the default search radius.
 *
 * @param raDeg             pointing right ascension in degrees, NaN when the header has none
 * @param decDeg            pointing declination in degrees, NaN when unknown
 * @param radiusDeg         search radius around the pointing, degrees
 * @param arcsecPerPixel    expected pixel scale, NaN when unknown
 * @param scaleTolerance    relative half-width of the scale range searched (0.05 = ±5%)
 * @param width             image width in pixels
 * @param height            image height in pixels
 */
public record SolveHints(double raDeg, double decDeg, double radiusDeg, double arcsecPerPixel, double scaleTolerance,
                         int width, int height) implements java.io.Serializable {

    /** Scale range searched around the header's scale: focal lengths and pixel sizes are rounded in headers. */
    public static final double SCALE_TOLERANCE = 0.05;

    public boolean hasPosition() {
        return Double.isFinite(raDeg) && Double.isFinite(decDeg);
    }

    public boolean hasScale() {
        return Double.isFinite(arcsecPerPixel) && arcsecPerPixel > 0;
    }

    /** Field height in degrees from the expected scale, NaN when the scale is unknown. */
    public double fieldHeightDeg() {
        return hasScale() ? arcsecPerPixel * height / 3600 : Double.NaN;
    }

    /** The hints a frame's header gives, searching {@code radiusDeg} around its pointing. */
    public static SolveHints fromKeys(Map<String, String> keys, int width, int height, double radiusDeg) {
        double[] p = HeaderPointing.raDec(keys);
        double ra = p[0], dec = p[1];
        return new SolveHints(ra, dec, radiusDeg, scaleOf(keys), SCALE_TOLERANCE, width, height);
    }

    /**
     * Pixel scale in ″/px from a header: {@code FOCALLEN} (mm) with {@code XPIXSZ} (µm, as
     * binned), else a {@code SCALE}/{@code PIXSCALE} key; NaN when none is usable.
     */
    public static double scaleOf(Map<String, String> keys) {
        double f = HeaderPointing.number(keys.get("FOCALLEN")), px = HeaderPointing.number(keys.get("XPIXSZ"));
        if (f > 0 && px > 0) return 206.265 * px / f;
        for (String k : new String[] {"SCALE", "PIXSCALE"}) {
            double s = HeaderPointing.number(keys.get(k));
            if (s > 0 && s < 3600) return s;
        }
        return Double.NaN;
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "pointing %s, scale %s",
                hasPosition() ? String.format(Locale.ROOT, "(%.4f°, %+.4f°) ± %.1f°", raDeg, decDeg, radiusDeg) : "unknown (blind)",
                hasScale() ? String.format(Locale.ROOT, "%.3f\"/px ± %.0f%%", arcsecPerPixel, scaleTolerance * 100) : "unknown");
    }
}

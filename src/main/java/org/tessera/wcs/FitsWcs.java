package org.tessera.wcs;

import java.util.Locale;

import nom.tam.fits.Header;
import nom.tam.fits.HeaderCardException;

/**
 * The standard FITS celestial WCS (Calabretta &amp; Greisen 2002): optional SIP distortion in pixel
 * space, linear transform (CD, or PC with CDELT, or CDELT with CROTA2), a {@link Projection}, and
 * the spherical rotation to (RA, Dec) with LONPOLE/LATPOLE.
 * <p>
 * Pixel ↔ world needs no allocation and, for the zenithal projections, only square roots, two
 * atan2 (pixel → world) or four sin/cos (world → pixel) per point; the rotation matrix is
 * precomputed. Immutable and thread-safe.
 */
public final class FitsWcs implements Wcs {

    private static final double D2R = Math.PI / 180.0;
    private static final double R2D = 180.0 / Math.PI;

    private final Projection proj;
    private final Projections.Zenithal zen; // proj when zenithal (fast path), else null
    private final double crpix1, crpix2; // FITS 1-based
    private final double crval1, crval2;
    private final double cd11, cd12, cd21, cd22;
    private final double ci11, ci12, ci21, ci22; // inverse of CD
    private final CelestialRotation rot;
    private final Sip sip; // null when undistorted
    private final String frame; // "ICRS" or "FK5" (J2000), kept for writeTo

    public FitsWcs(Projection proj, double crpix1, double crpix2, double crval1, double crval2,
                   double cd11, double cd12, double cd21, double cd22) {
        this(proj, crpix1, crpix2, crval1, crval2, cd11, cd12, cd21, cd22, Double.NaN);
    }

    /**
     * @param crpix1 reference pixel, FITS 1-based convention (as in the header)
     * @param lonpole LONPOLE in degrees, or NaN for the standard default
     */
    public FitsWcs(Projection proj, double crpix1, double crpix2, double crval1, double crval2,
                   double cd11, double cd12, double cd21, double cd22, double lonpole) {
        this(proj, crpix1, crpix2, crval1, crval2, cd11, cd12, cd21, cd22, lonpole, Double.NaN, null, "ICRS");
    }

    /**
     * The general form.
     *
     * @param crpix1  reference pixel, FITS 1-based convention (as in the header)
     * @param lonpole LONPOLE in degrees, or NaN for the default (0 if CRVAL2 ≥ θ0, else 180)
     * @param latpole LATPOLE in degrees, or NaN for the default (90); matters only for non-zenithal projections
     * @param sip     SIP distortion, or null
     * @param frame   "ICRS" or "FK5" (J2000); both are treated as the same frame
     * @throws IllegalArgumentException for a singular CD matrix or inconsistent celestial parameters
     */
    public FitsWcs(Projection proj, double crpix1, double crpix2, double crval1, double crval2,
                   double cd11, double cd12, double cd21, double cd22, double lonpole, double latpole,
                   Sip sip, String frame) {
        if (proj == null) throw new IllegalArgumentException("no projection");
        this.proj = proj;
        this.zen = proj instanceof Projections.Zenithal z ? z : null;
        if (!Double.isFinite(crpix1) || !Double.isFinite(crpix2))
            throw new IllegalArgumentException("CRPIX is not finite: " + crpix1 + ", " + crpix2);
        this.crpix1 = crpix1;
        this.crpix2 = crpix2;
        this.crval1 = crval1;
        this.crval2 = crval2;
        this.cd11 = cd11;
        this.cd12 = cd12;
        this.cd21 = cd21;
        this.cd22 = cd22;
        double det = cd11 * cd22 - cd12 * cd21;
        if (!(det != 0) || !Double.isFinite(det)) throw new IllegalArgumentException("singular CD matrix");
        ci11 = cd22 / det;
        ci12 = -cd12 / det;
        ci21 = -cd21 / det;
        ci22 = cd11 / det;
        try {
            rot = new CelestialRotation(crval1, crval2, proj.theta0(), lonpole, latpole);
        } catch (WcsException e) {
            throw new IllegalArgumentException(e.getMessage());
        }
        this.sip = sip;
        this.frame = "FK5".equals(frame) ? "FK5" : "ICRS";
    }

    /** Reads the standard WCS keywords (ignores a DSS plate solution; {@link Wcs#fromHeader} prefers it). */
    public static FitsWcs fromHeader(Header h) throws WcsException {
        return FitsWcsReader.readStandard(h);
    }

    @Override
    public void pixelToWorld(double x, double y, double[] out) {
        double u = x + 1 - crpix1, v = y + 1 - crpix2;
        if (sip != null) {
            sip.forward(u, v, out);
            u = out[0];
            v = out[1];
        }
        double xi = cd11 * u + cd12 * v, eta = cd21 * u + cd22 * v;
        double nx, ny, nz;
        if (zen != null) {
            zen.radialToNative(Math.sqrt(xi * xi + eta * eta), out);
            double k = out[0];
            nx = -eta * k;
            ny = xi * k;
            nz = out[1];
        } else {
            proj.toNative(xi, eta, out);
            double p = out[0] * D2R, t = out[1] * D2R, ct = Math.cos(t);
            nx = ct * Math.cos(p);
            ny = ct * Math.sin(p);
            nz = Math.sin(t);
        }
        if (Double.isNaN(nx + ny + nz)) { out[0] = out[1] = Double.NaN; return; }
        rot.nativeToCelestial(nx, ny, nz, out);
    }

    @Override
    public void worldToPixel(double ra, double dec, double[] out) {
        if (!(Math.abs(dec) <= 90) || !Double.isFinite(ra)) { out[0] = out[1] = Double.NaN; return; }
        double da = (ra - rot.alphaP) * D2R, d = dec * D2R;
        double cdec = Math.cos(d);
        double cx = cdec * Math.cos(da), cy = cdec * Math.sin(da), cz = Math.sin(d);
        double nx = rot.nx(cx, cy, cz), ny = rot.ny(cx, cy, cz), nz = rot.nz(cx, cz);
        double xi, eta;
        double rho = Math.sqrt(nx * nx + ny * ny);
        if (zen != null) {
            double g = zen.radiusOverRho(nz, rho);
            xi = ny * g;
            eta = -nx * g;
        } else {
            proj.fromNative(Math.atan2(ny, nx) * R2D, Math.atan2(nz, rho) * R2D, out);
            xi = out[0];
            eta = out[1];
        }
        double u = ci11 * xi + ci12 * eta, v = ci21 * xi + ci22 * eta;
        if (Double.isNaN(u + v)) { out[0] = out[1] = Double.NaN; return; }
        if (sip != null) {
            sip.inverse(u, v, out);
            u = out[0];
            v = out[1];
        }
        out[0] = u + crpix1 - 1;
        out[1] = v + crpix2 - 1;
    }

    @Override
    public double pixelScaleDeg() {
        return Math.sqrt(Math.abs(cd11 * cd22 - cd12 * cd21));
    }

    @Override
    public FitsWcs shifted(double dx, double dy) {
        return new FitsWcs(proj, crpix1 - dx, crpix2 - dy, crval1, crval2, cd11, cd12, cd21, cd22,
                rot.phiP, rot.latpole, sip, frame);
    }

    /** The same mapping with a SIP distortion (replacing any). */
    public FitsWcs withSip(Sip newSip) {
        return new FitsWcs(proj, crpix1, crpix2, crval1, crval2, cd11, cd12, cd21, cd22,
                rot.phiP, rot.latpole, newSip, frame);
    }

    /**
     * The WCS of an image whose 0-based pixel (x, y) lies on pixel (a·x + b·y + c, d·x + e·y + f) of
     * this image, the 2×3 matrix {@code toThis} = {{a, b, c}, {d, e, f}} (a star registration,
     * frame → reference): frame pixel → this pixel → sky, exactly. CRPIX and CD absorb the affine
     * map; a SIP distortion is re-expanded about the new reference pixel ({@link Sip}).
     */
    public FitsWcs withPixelTransform(double[][] toThis) {
        if (toThis.length != 2 || toThis[0].length != 3 || toThis[1].length != 3)
            throw new IllegalArgumentException("a pixel transform is a 2×3 matrix");
        double m11 = toThis[0][0], m12 = toThis[0][1], m21 = toThis[1][0], m22 = toThis[1][1];
        double det = m11 * m22 - m12 * m21;
        if (!(det != 0) || !Double.isFinite(det) || !Double.isFinite(toThis[0][2] + toThis[1][2]))
            throw new IllegalArgumentException("not an invertible pixel transform");
        // crpix' = 1 + M⁻¹·(crpix − 1 − t): then crpix − (M·(X' − 1) + t + 1) = −M·(X' − crpix')
        double rx = crpix1 - 1 - toThis[0][2], ry = crpix2 - 1 - toThis[1][2];
        double c1 = 1 + (m22 * rx - m12 * ry) / det, c2 = 1 + (-m21 * rx + m11 * ry) / det;
        return new FitsWcs(proj, c1, c2, crval1, crval2,
                cd11 * m11 + cd12 * m21, cd11 * m12 + cd12 * m22, cd21 * m11 + cd22 * m21, cd21 * m12 + cd22 * m22,
                rot.phiP, rot.latpole, sip == null ? null : sip.composedWithLinear(m11, m12, m21, m22), frame);
    }

    /** Removes any WCS keywords from h (stale PC, CDELT, CROTA, SIP or DSS keys would override ours), then writes this WCS. */
    @Override
    public void writeTo(Header h) throws HeaderCardException {
        FitsWcsReader.removeWcsKeys(h);
        String suffix = sip != null ? "-SIP" : "";
        writeLinear(h, proj.code() + suffix, "projection", crpix1, crpix2, crval1, crval2, cd(), "linear transform");
        h.addValue("CUNIT1", "deg", null);
        h.addValue("CUNIT2", "deg", null);
        h.addValue("RADESYS", frame, "ICRS and FK5 J2000 treated as one frame");
        if (frame.equals("FK5")) h.addValue("EQUINOX", 2000.0, "J2000");
        h.addValue("LONPOLE", rot.phiP, "[deg] native longitude of celestial pole");
        h.addValue("LATPOLE", rot.latpole, "[deg] native latitude of celestial pole");
        double[] pv = proj.pv2();
        for (int m = 0; m < pv.length; m++) h.addValue("PV2_" + (m + 1), pv[m], "projection parameter");
        if (sip != null) sip.write(h);
    }

    /**
     * The cards every celestial WCS written here starts with: two axes, RA/Dec with projection
     * {@code code} (e.g. "TAN", "TAN-SIP"), the reference pixel (1-based) and its sky position, the
     * CD matrix {cd11, cd12, cd21, cd22}; {@code ctypeNote} and {@code cdNote} are their comments.
     */
    static void writeLinear(Header h, String code, String ctypeNote, double crpix1, double crpix2,
                            double crval1, double crval2, double[] cd, String cdNote) throws HeaderCardException {
        h.addValue("WCSAXES", 2, "number of WCS axes");
        h.addValue("CTYPE1", "RA---" + code, ctypeNote);
        h.addValue("CTYPE2", "DEC--" + code, ctypeNote);
        h.addValue("CRPIX1", crpix1, "reference pixel x (1-based)");
        h.addValue("CRPIX2", crpix2, "reference pixel y (1-based)");
        h.addValue("CRVAL1", crval1, "[deg] RA at reference pixel");
        h.addValue("CRVAL2", crval2, "[deg] Dec at reference pixel");
        h.addValue("CD1_1", cd[0], cdNote);
        h.addValue("CD1_2", cd[1], cdNote);
        h.addValue("CD2_1", cd[2], cdNote);
        h.addValue("CD2_2", cd[3], cdNote);
    }

    public Projection projection() { return proj; }
    public double crpix1() { return crpix1; }
    public double crpix2() { return crpix2; }
    public double crval1() { return crval1; }
    public double crval2() { return crval2; }
    /** The CD matrix {cd11, cd12, cd21, cd22}. */
    public double[] cd() { return new double[] {cd11, cd12, cd21, cd22}; }
    /** LONPOLE in effect (the default resolved). */
    public double lonpole() { return rot.phiP; }
    /** LATPOLE in effect (the native pole's declination δ_p). */
    public double latpole() { return rot.latpole; }
    /** The SIP distortion, or null. */
    public Sip sip() { return sip; }
    /** "ICRS" or "FK5" (J2000), as read; both are the same frame to Tessera. */
    public String frame() { return frame; }

    /**
     * The rotation of this image in the CROTA2 convention, degrees in (−180, 180]: atan2(−CD1_2, CD2_2),
     * 0 for north up (exact for a CD matrix without skew and with CDELT2 &gt; 0).
     */
    public double rotationDeg() {
        return Math.atan2(-cd12, cd22) * R2D;
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "FitsWcs[%s%s crval=(%.6f, %.6f) crpix=(%.2f, %.2f) scale=%.3f\"]",
                proj.code(), sip != null ? "-SIP" : "", crval1, crval2, crpix1, crpix2, pixelScaleDeg() * 3600);
    }
}

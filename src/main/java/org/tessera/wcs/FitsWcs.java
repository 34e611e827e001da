package org.tessera.wcs;

import java.util.Locale;

import nom.tam.fits.Header;
import nom.tam.fits.HeaderCardException;

/**
 * The FITS celestial WCS (Calabretta &amp; Greisen 2002): linear transform (CD, or PC with CDELT, or
 * CDELT with CROTA2), a {@link Projection}, and the spherical rotation to (RA, Dec).
 */
public final class FitsWcs implements Wcs {

    private static final double D2R = Math.PI / 180.0;
    private static final double R2D = 180.0 / Math.PI;

    private final Projection proj;
    private final double crpix1, crpix2; // FITS 1-based
    private final double crval1, crval2;
    private final double cd11, cd12, cd21, cd22;
    private final double ci11, ci12, ci21, ci22; // inverse of CD
    private final double lonpole;
    // Celestial coordinates of the native pole.
    private final double alphaP, deltaP, sinDp, cosDp;

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
        this.proj = proj;
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
        double theta0 = proj.theta0();
        this.lonpole = Double.isNaN(lonpole) ? (crval2 >= theta0 ? 0.0 : 180.0) : lonpole;
        if (theta0 != 90) throw new IllegalArgumentException("only zenithal projections are supported here");
        // Zenithal: the native pole is at the reference point.
        alphaP = crval1;
        deltaP = crval2;
        sinDp = Math.sin(deltaP * D2R);
        cosDp = Math.cos(deltaP * D2R);
    }

    public static FitsWcs fromHeader(Header h) throws WcsException {
        String c1 = h.getStringValue("CTYPE1");
        String c2 = h.getStringValue("CTYPE2");
        if (c1 == null || c2 == null) throw new WcsException("no celestial WCS: CTYPE1/CTYPE2 missing");
        c1 = c1.trim().toUpperCase(Locale.ROOT);
        c2 = c2.trim().toUpperCase(Locale.ROOT);
        if (!c1.startsWith("RA") || !c2.startsWith("DEC") || c1.length() < 8 || c2.length() < 8)
            throw new WcsException("no celestial WCS: CTYPE1='" + c1 + "', CTYPE2='" + c2 + "' (need RA---xxx / DEC--xxx)");
        String code = c1.substring(5, 8);
        if (!code.equals(c2.substring(5, 8)))
            throw new WcsException("CTYPE1 and CTYPE2 name different projections: " + c1 + " / " + c2);
        Projection p = Projection.forCode(code);
        for (String k : new String[] {"CRPIX1", "CRPIX2", "CRVAL1", "CRVAL2"})
            if (!h.containsKey(k)) throw new WcsException("no celestial WCS: " + k + " missing");
        double[] m = linearMatrix(h);
        double lonpole = h.containsKey("LONPOLE") ? h.getDoubleValue("LONPOLE") : Double.NaN;
        try {
            return new FitsWcs(p, h.getDoubleValue("CRPIX1"), h.getDoubleValue("CRPIX2"),
                    h.getDoubleValue("CRVAL1"), h.getDoubleValue("CRVAL2"), m[0], m[1], m[2], m[3], lonpole);
        } catch (IllegalArgumentException e) {
            throw new WcsException("invalid WCS: " + e.getMessage());
        }
    }

    /** CD, else PC·CDELT, else CDELT with CROTA2. */
    static double[] linearMatrix(Header h) throws WcsException {
        if (h.containsKey("CD1_1") || h.containsKey("CD1_2") || h.containsKey("CD2_1") || h.containsKey("CD2_2")) {
            return new double[] {h.getDoubleValue("CD1_1", 0), h.getDoubleValue("CD1_2", 0),
                    h.getDoubleValue("CD2_1", 0), h.getDoubleValue("CD2_2", 0)};
        }
        if (!h.containsKey("CDELT1") || !h.containsKey("CDELT2"))
            throw new WcsException("no celestial WCS: neither CD1_1.. nor CDELT1/CDELT2 present");
        double s1 = h.getDoubleValue("CDELT1"), s2 = h.getDoubleValue("CDELT2");
        if (h.containsKey("PC1_1") || h.containsKey("PC1_2") || h.containsKey("PC2_1") || h.containsKey("PC2_2")) {
            return new double[] {s1 * h.getDoubleValue("PC1_1", 1), s1 * h.getDoubleValue("PC1_2", 0),
                    s2 * h.getDoubleValue("PC2_1", 0), s2 * h.getDoubleValue("PC2_2", 1)};
        }
        double rho = h.getDoubleValue("CROTA2", 0) * D2R;
        double c = Math.cos(rho), s = Math.sin(rho);
        return new double[] {s1 * c, -s2 * s, s1 * s, s2 * c};
    }

    @Override
    public void pixelToWorld(double x, double y, double[] out) {
        double u = x + 1 - crpix1, v = y + 1 - crpix2;
        double xi = cd11 * u + cd12 * v, eta = cd21 * u + cd22 * v;
        proj.toNative(xi, eta, out);
        nativeToCelestial(out[0], out[1], out);
    }

    @Override
    public void worldToPixel(double ra, double dec, double[] out) {
        celestialToNative(ra, dec, out);
        proj.fromNative(out[0], out[1], out);
        double xi = out[0], eta = out[1];
        out[0] = ci11 * xi + ci12 * eta + crpix1 - 1;
        out[1] = ci21 * xi + ci22 * eta + crpix2 - 1;
    }

    private void nativeToCelestial(double phi, double theta, double[] out) {
        if (Double.isNaN(phi) || Double.isNaN(theta)) { out[0] = out[1] = Double.NaN; return; }
        double t = theta * D2R, dphi = (phi - lonpole) * D2R;
        double st = Math.sin(t), ct = Math.cos(t), sd = Math.sin(dphi), cdp = Math.cos(dphi);
        double a = alphaP + R2D * Math.atan2(-ct * sd, st * cosDp - ct * sinDp * cdp);
        double d = R2D * Math.asin(Math.max(-1, Math.min(1, st * sinDp + ct * cosDp * cdp)));
        a %= 360;
        if (a < 0) a += 360;
        out[0] = a;
        out[1] = d;
    }

    private void celestialToNative(double ra, double dec, double[] out) {
        double dl = (ra - alphaP) * D2R, d = dec * D2R;
        double sdl = Math.sin(dl), cdl = Math.cos(dl), sdd = Math.sin(d), cdd = Math.cos(d);
        out[0] = lonpole + R2D * Math.atan2(-cdd * sdl, sdd * cosDp - cdd * sinDp * cdl);
        out[1] = R2D * Math.asin(Math.max(-1, Math.min(1, sdd * sinDp + cdd * cosDp * cdl)));
    }

    @Override
    public double pixelScaleDeg() {
        return Math.sqrt(Math.abs(cd11 * cd22 - cd12 * cd21));
    }

    @Override
    public FitsWcs shifted(double dx, double dy) {
        return new FitsWcs(proj, crpix1 - dx, crpix2 - dy, crval1, crval2, cd11, cd12, cd21, cd22, lonpole);
    }

    @Override
    public void writeTo(Header h) throws HeaderCardException {
        h.addValue("WCSAXES", 2, "number of WCS axes");
        h.addValue("CTYPE1", "RA---" + proj.code(), "projection");
        h.addValue("CTYPE2", "DEC--" + proj.code(), "projection");
        h.addValue("CRPIX1", crpix1, "reference pixel x (1-based)");
        h.addValue("CRPIX2", crpix2, "reference pixel y (1-based)");
        h.addValue("CRVAL1", crval1, "[deg] RA at reference pixel");
        h.addValue("CRVAL2", crval2, "[deg] Dec at reference pixel");
        h.addValue("CD1_1", cd11, "linear transform");
        h.addValue("CD1_2", cd12, "linear transform");
        h.addValue("CD2_1", cd21, "linear transform");
        h.addValue("CD2_2", cd22, "linear transform");
        h.addValue("CUNIT1", "deg", null);
        h.addValue("CUNIT2", "deg", null);
        h.addValue("RADESYS", "ICRS", null);
        h.addValue("LONPOLE", lonpole, "[deg] native longitude of celestial pole");
    }

    public Projection projection() { return proj; }
    public double crpix1() { return crpix1; }
    public double crpix2() { return crpix2; }
    public double crval1() { return crval1; }
    public double crval2() { return crval2; }
    /** The CD matrix {cd11, cd12, cd21, cd22}. */
    public double[] cd() { return new double[] {cd11, cd12, cd21, cd22}; }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "FitsWcs[%s crval=(%.6f, %.6f) crpix=(%.2f, %.2f) scale=%.3f\"]",
                proj.code(), crval1, crval2, crpix1, crpix2, pixelScaleDeg() * 3600);
    }

}

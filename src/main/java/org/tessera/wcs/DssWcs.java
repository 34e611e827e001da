package org.tessera.wcs;

import java.util.Locale;

import nom.tam.fits.Header;
import nom.tam.fits.HeaderCardException;

/**
 * The Digitized Sky Survey plate solution (the AMDX/AMDY polynomial of the STScI DSS headers), which
 * astropy/wcslib apply in preference to the header's approximate TAN keywords. Pixel → plate
 * millimetres (PPO3, PPO6, X/YPIXELSZ, CNPIX) → standard coordinates ξ, η in arcsec (13-term AMD
 * polynomial) → (RA, Dec) about the plate centre (PLTRA*, PLTDEC*), as in wcstools' {@code dsspos}.
 * The inverse solves the polynomial by Newton iterations; no convergence gives NaN.
 * Immutable and thread-safe.
 */
public final class DssWcs implements Wcs {

    private static final double D2R = Math.PI / 180, R2D = 180 / Math.PI;
    private static final double ARCSEC_PER_RAD = 180 * 3600 / Math.PI;
    private static final int TERMS = 13;

    private final double raH, raM, raS, decD, decM, decS;
    private final boolean decNegative;
    private final double ra0, sinDec0, cosDec0; // plate centre
    private final double ppo3, ppo6, xPixSz, yPixSz; // microns
    private final double cnpix1, cnpix2;
    private final double[] ax, ay;
    private final double refX, refY; // 0-based pixel where pixelScaleDeg is measured
    private final double scale;

    private DssWcs(double raH, double raM, double raS, boolean decNegative, double decD, double decM, double decS,
                   double ppo3, double ppo6, double xPixSz, double yPixSz, double cnpix1, double cnpix2,
                   double[] ax, double[] ay, double refX, double refY) {
        this.raH = raH;
        this.raM = raM;
        this.raS = raS;
        this.decNegative = decNegative;
        this.decD = decD;
        this.decM = decM;
        this.decS = decS;
        this.ra0 = 15 * (raH + raM / 60 + raS / 3600);
        double dec0 = (decNegative ? -1 : 1) * (decD + decM / 60 + decS / 3600);
        this.sinDec0 = Math.sin(dec0 * D2R);
        this.cosDec0 = Math.cos(dec0 * D2R);
        this.ppo3 = ppo3;
        this.ppo6 = ppo6;
        this.xPixSz = xPixSz;
        this.yPixSz = yPixSz;
        this.cnpix1 = cnpix1;
        this.cnpix2 = cnpix2;
        this.ax = ax.clone();
        this.ay = ay.clone();
        this.refX = refX;
        this.refY = refY;
        this.scale = localPixelScaleDeg(refX, refY);
    }

    /** Whether h carries a DSS plate solution (which then takes precedence over CTYPE/CD). */
    static boolean isDss(Header h) {
        return h.containsKey("PLTRAH") && h.containsKey("PLTDECD") && h.containsKey("AMDX1")
                && h.containsKey("AMDY1") && h.containsKey("PPO3") && h.containsKey("XPIXELSZ");
    }

    static DssWcs fromHeader(Header h) throws WcsException {
        for (String k : new String[] {"PLTRAH", "PLTRAM", "PLTRAS", "PLTDECSN", "PLTDECD", "PLTDECM", "PLTDECS",
                "PPO3", "PPO6", "XPIXELSZ", "YPIXELSZ"})
            if (!h.containsKey(k)) throw new WcsException("DSS plate solution incomplete: " + k + " missing");
        FitsWcsReader.checkFrame(h);
        double[] ax = new double[TERMS], ay = new double[TERMS];
        for (int i = 0; i < TERMS; i++) {
            ax[i] = FitsWcsReader.number(h, "AMDX" + (i + 1), 0);
            ay[i] = FitsWcsReader.number(h, "AMDY" + (i + 1), 0);
        }
        for (int i = TERMS + 1; i <= 20; i++)
            if (FitsWcsReader.number(h, "AMDX" + i, 0) != 0 || FitsWcsReader.number(h, "AMDY" + i, 0) != 0)
                throw new WcsException("DSS plate solution uses AMDX" + i + "/AMDY" + i + ": only the 13-term model is supported");
        String sign = FitsWcsReader.string(h, "PLTDECSN");
        double xps = FitsWcsReader.number(h, "XPIXELSZ"), yps = FitsWcsReader.number(h, "YPIXELSZ");
        if (!(xps > 0) || !(yps > 0)) throw new WcsException("DSS plate solution: XPIXELSZ/YPIXELSZ must be positive");
        double cn1 = FitsWcsReader.number(h, "CNPIX1", 0), cn2 = FitsWcsReader.number(h, "CNPIX2", 0);
        double ppo3 = FitsWcsReader.number(h, "PPO3"), ppo6 = FitsWcsReader.number(h, "PPO6");
        // Scale measured at CRPIX when given (the cut-out centre), else at the plate centre.
        double refX = h.containsKey("CRPIX1") ? FitsWcsReader.number(h, "CRPIX1") - 1 : ppo3 / xps - cn1 - 0.5;
        double refY = h.containsKey("CRPIX2") ? FitsWcsReader.number(h, "CRPIX2") - 1 : ppo6 / yps - cn2 - 0.5;
        if (ax[0] * ay[0] - ax[1] * ay[1] == 0) throw new WcsException("DSS plate solution is singular (AMDX1/AMDY1)");
        return new DssWcs(FitsWcsReader.number(h, "PLTRAH"), FitsWcsReader.number(h, "PLTRAM"),
                FitsWcsReader.number(h, "PLTRAS"), sign != null && sign.startsWith("-"),
                FitsWcsReader.number(h, "PLTDECD"), FitsWcsReader.number(h, "PLTDECM"), FitsWcsReader.number(h, "PLTDECS"),
                ppo3, ppo6, xps, yps, cn1, cn2, ax, ay, refX, refY);
    }

    /** The AMD polynomial in the form of ξ(x, y); η(x, y) is the same form with (y, x) and AMDY. */
    private static double poly(double[] c, double s, double t) {
        double s2 = s * s, t2 = t * t, r2 = s2 + t2;
        return c[0] * s + c[1] * t + c[2] + c[3] * s2 + c[4] * s * t + c[5] * t2 + c[6] * r2
                + c[7] * s2 * s + c[8] * s2 * t + c[9] * s * t2 + c[10] * t2 * t + c[11] * s * r2 + c[12] * s * r2 * r2;
    }

    private static double polyDs(double[] c, double s, double t) {
        double s2 = s * s, t2 = t * t, r2 = s2 + t2;
        return c[0] + 2 * c[3] * s + c[4] * t + 2 * c[6] * s + 3 * c[7] * s2 + 2 * c[8] * s * t + c[9] * t2
                + c[11] * (r2 + 2 * s2) + c[12] * (r2 * r2 + 4 * s2 * r2);
    }

    private static double polyDt(double[] c, double s, double t) {
        double s2 = s * s, t2 = t * t, r2 = s2 + t2;
        return c[1] + c[4] * s + 2 * c[5] * t + 2 * c[6] * t + c[8] * s2 + 2 * c[9] * s * t + 3 * c[10] * t2
                + 2 * c[11] * s * t + 4 * c[12] * s * t * r2;
    }

    @Override
    public void pixelToWorld(double x, double y, double[] out) {
        double xmm = (ppo3 - (x + cnpix1 + 0.5) * xPixSz) / 1000;
        double ymm = ((y + cnpix2 + 0.5) * yPixSz - ppo6) / 1000;
        double xi = poly(ax, xmm, ymm) / ARCSEC_PER_RAD, eta = poly(ay, ymm, xmm) / ARCSEC_PER_RAD;
        double den = cosDec0 - eta * sinDec0;
        double a = ra0 + Math.atan2(xi, den) * R2D;
        if (a < 0) a += 360;
        if (a >= 360) a -= 360;
        out[0] = a;
        out[1] = Math.atan2(sinDec0 + eta * cosDec0, Math.sqrt(xi * xi + den * den)) * R2D;
        if (Double.isNaN(out[0] + out[1])) out[0] = out[1] = Double.NaN;
    }

    @Override
    public void worldToPixel(double ra, double dec, double[] out) {
        if (!(Math.abs(dec) <= 90) || !Double.isFinite(ra)) { out[0] = out[1] = Double.NaN; return; }
        double da = (ra - ra0) * D2R, d = dec * D2R;
        double sd = Math.sin(d), cd = Math.cos(d), cda = Math.cos(da);
        double den = sd * sinDec0 + cd * cosDec0 * cda;
        if (!(den > 1e-6)) { out[0] = out[1] = Double.NaN; return; }
        double xi = cd * Math.sin(da) / den * ARCSEC_PER_RAD;
        double eta = (sd * cosDec0 - cd * sinDec0 * cda) / den * ARCSEC_PER_RAD;
        // Linear start, then Newton on the AMD polynomial.
        double j0 = ax[0] * ay[0] - ax[1] * ay[1];
        double bx = xi - ax[2], by = eta - ay[2];
        double xmm = (ay[0] * bx - ax[1] * by) / j0, ymm = (ax[0] * by - ay[1] * bx) / j0;
        double rx = poly(ax, xmm, ymm) - xi, ry = poly(ay, ymm, xmm) - eta;
        double res = Math.abs(rx) + Math.abs(ry);
        double tol = 1e-10 * (1 + Math.abs(xi) + Math.abs(eta));
        for (int it = 0; it < 50 && res > tol; it++) {
            double j11 = polyDs(ax, xmm, ymm), j12 = polyDt(ax, xmm, ymm);
            double j21 = polyDt(ay, ymm, xmm), j22 = polyDs(ay, ymm, xmm);
            double det = j11 * j22 - j12 * j21;
            if (!(det * j0 > 0)) break;
            double nx = xmm - (j22 * rx - j12 * ry) / det, ny = ymm - (j11 * ry - j21 * rx) / det;
            double nrx = poly(ax, nx, ny) - xi, nry = poly(ay, ny, nx) - eta;
            double nres = Math.abs(nrx) + Math.abs(nry);
            if (!(nres < res)) break;
            xmm = nx; ymm = ny; rx = nrx; ry = nry; res = nres;
        }
        double det = polyDs(ax, xmm, ymm) * polyDs(ay, ymm, xmm) - polyDt(ax, xmm, ymm) * polyDt(ay, ymm, xmm);
        if (!(res <= 1e-7 * (1 + Math.abs(xi) + Math.abs(eta))) || !(det * j0 > 0)) {
            out[0] = out[1] = Double.NaN;
            return;
        }
        out[0] = (ppo3 - 1000 * xmm) / xPixSz - cnpix1 - 0.5;
        out[1] = (1000 * ymm + ppo6) / yPixSz - cnpix2 - 0.5;
    }

    @Override
    public double pixelScaleDeg() {
        return scale;
    }

    @Override
    public DssWcs shifted(double dx, double dy) {
        return new DssWcs(raH, raM, raS, decNegative, decD, decM, decS, ppo3, ppo6, xPixSz, yPixSz,
                cnpix1 + dx, cnpix2 + dy, ax, ay, refX - dx, refY - dy);
    }

    /**
     * Writes the plate solution and, for readers without DSS support, a TAN approximation at the
     * reference pixel (CRPIX, CRVAL, CD from the local Jacobian). astropy and Tessera read the
     * plate solution back.
     */
    @Override
    public void writeTo(Header h) throws HeaderCardException {
        FitsWcsReader.removeWcsKeys(h);
        double[] c = new double[2], p = new double[2], q = new double[2];
        pixelToWorld(refX, refY, c);
        double[] e = SkyMath.unit(c[0], c[1]);
        pixelToWorld(refX + 0.5, refY, p);
        pixelToWorld(refX - 0.5, refY, q);
        double[] tp = new double[2], tq = new double[2];
        SkyMath.gnomonic(e, p[0], p[1], tp);
        SkyMath.gnomonic(e, q[0], q[1], tq);
        double cd11 = (tp[0] - tq[0]) * R2D, cd21 = (tp[1] - tq[1]) * R2D; // intermediate x grows eastward
        pixelToWorld(refX, refY + 0.5, p);
        pixelToWorld(refX, refY - 0.5, q);
        SkyMath.gnomonic(e, p[0], p[1], tp);
        SkyMath.gnomonic(e, q[0], q[1], tq);
        double cd12 = (tp[0] - tq[0]) * R2D, cd22 = (tp[1] - tq[1]) * R2D;
        FitsWcs.writeLinear(h, "TAN", "approximation; the DSS plate solution below rules", refX + 1, refY + 1, c[0], c[1],
                new double[] {cd11, cd12, cd21, cd22}, "linear transform (local approximation)");
        h.addValue("RADESYS", "FK5", "ICRS and FK5 J2000 treated as one frame");
        h.addValue("EQUINOX", 2000.0, "J2000");
        h.addValue("PLTRAH", raH, "plate centre RA hours");
        h.addValue("PLTRAM", raM, "plate centre RA minutes");
        h.addValue("PLTRAS", raS, "plate centre RA seconds");
        h.addValue("PLTDECSN", decNegative ? "-" : "+", "plate centre Dec sign");
        h.addValue("PLTDECD", decD, "plate centre Dec degrees");
        h.addValue("PLTDECM", decM, "plate centre Dec minutes");
        h.addValue("PLTDECS", decS, "plate centre Dec seconds");
        h.addValue("PPO3", ppo3, "plate orientation coefficient");
        h.addValue("PPO6", ppo6, "plate orientation coefficient");
        h.addValue("XPIXELSZ", xPixSz, "X pixel size microns");
        h.addValue("YPIXELSZ", yPixSz, "Y pixel size microns");
        h.addValue("CNPIX1", cnpix1, "X corner (pixels)");
        h.addValue("CNPIX2", cnpix2, "Y corner (pixels)");
        for (int i = 0; i < TERMS; i++) h.addValue("AMDX" + (i + 1), ax[i], null);
        for (int i = 0; i < TERMS; i++) h.addValue("AMDY" + (i + 1), ay[i], null);
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "DssWcs[plate centre (%.6f, %.6f) cnpix=(%.1f, %.1f) scale=%.3f\"]",
                ra0, Math.atan2(sinDec0, cosDec0) * R2D, cnpix1, cnpix2, scale * 3600);
    }
}

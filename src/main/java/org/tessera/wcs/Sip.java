package org.tessera.wcs;

import java.util.Locale;

import nom.tam.fits.Header;
import nom.tam.fits.HeaderCardException;

/**
 * Simple Imaging Polynomial distortion (Shupe et al. 2005), applied in pixel space before the
 * linear transform: with u, v the pixel offsets from CRPIX,
 * (u', v') = (u + Σ A_p_q u^p v^q, v + Σ B_p_q u^p v^q).
 * <p>
 * The inverse starts from the AP/BP polynomials when the header has them (else from the identity)
 * and is refined by Newton iterations with the analytic Jacobian, so it is exact to ~1e-10 px
 * whatever the quality of AP/BP. A point where Newton does not converge, or converges onto a fold
 * of the polynomial (Jacobian determinant ≤ 0), yields NaN. Immutable; no allocation per call.
 */
public final class Sip {

    private static final int MAX_ITER = 60;

    private final int aOrder, bOrder, apOrder, bpOrder; // apOrder/bpOrder = -1 when absent
    // Coefficient c[p][q] stored at p * (order + 1) + q.
    private final double[] a, b, ap, bp;

    /**
     * @param a  A_p_q as a[p][q] (square, side A_ORDER + 1; entries with p + q &gt; order ignored)
     * @param b  B_p_q likewise
     * @param ap AP_p_q or null
     * @param bp BP_p_q or null (both or neither)
     */
    public Sip(double[][] a, double[][] b, double[][] ap, double[][] bp) {
        if ((ap == null) != (bp == null)) throw new IllegalArgumentException("AP and BP must be given together");
        this.aOrder = a.length - 1;
        this.bOrder = b.length - 1;
        this.apOrder = ap == null ? -1 : ap.length - 1;
        this.bpOrder = bp == null ? -1 : bp.length - 1;
        this.a = flatten(a);
        this.b = flatten(b);
        this.ap = ap == null ? null : flatten(ap);
        this.bp = bp == null ? null : flatten(bp);
    }

    private static double[] flatten(double[][] c) {
        int n = c.length;
        if (n < 1) throw new IllegalArgumentException("SIP order must be ≥ 0");
        double[] f = new double[n * n];
        for (int p = 0; p < n; p++) {
            if (c[p].length != n) throw new IllegalArgumentException("SIP coefficient array must be square");
            for (int q = 0; q + p < n; q++) {
                double v = c[p][q];
                if (!Double.isFinite(v)) throw new IllegalArgumentException("SIP coefficient " + p + "_" + q + " is " + v);
                f[p * n + q] = v;
            }
        }
        return f;
    }

    public int aOrder() { return aOrder; }
    public int bOrder() { return bOrder; }
    public boolean hasInverse() { return ap != null; }

    /** (u, v) pixel offsets from CRPIX → distorted offsets (u + f, v + g). */
    public void forward(double u, double v, double[] out) {
        double f = eval(a, aOrder, u, v), g = eval(b, bOrder, u, v);
        out[0] = u + f;
        out[1] = v + g;
    }

    /** Distorted offsets (U, V) → (u, v) with forward(u, v) = (U, V) to ~1e-10 px; NaN if none is found. */
    public void inverse(double uu, double vv, double[] out) {
        if (!Double.isFinite(uu) || !Double.isFinite(vv)) { out[0] = out[1] = Double.NaN; return; }
        double u = uu, v = vv;
        if (ap != null) {
            u = uu + eval(ap, apOrder, uu, vv);
            v = vv + eval(bp, bpOrder, uu, vv);
        }
        double tol = 1e-11 * (1 + Math.abs(uu) + Math.abs(vv));
        double ru = u + eval(a, aOrder, u, v) - uu, rv = v + eval(b, bOrder, u, v) - vv;
        double res = Math.abs(ru) + Math.abs(rv);
        for (int it = 0; it < MAX_ITER && res > tol; it++) {
            double j11 = 1 + evalDu(a, aOrder, u, v), j12 = evalDv(a, aOrder, u, v);
            double j21 = evalDu(b, bOrder, u, v), j22 = 1 + evalDv(b, bOrder, u, v);
            double det = j11 * j22 - j12 * j21;
            if (!(det > 0)) break;
            double du = (j22 * ru - j12 * rv) / det, dv = (j11 * rv - j21 * ru) / det;
            // Backtrack when a full step does not reduce the residual (keeps far starts from diverging).
            double step = 1, nu = u, nv = v, nres = res, nru = ru, nrv = rv;
            for (int k = 0; k < 20; k++) {
                nu = u - step * du;
                nv = v - step * dv;
                nru = nu + eval(a, aOrder, nu, nv) - uu;
                nrv = nv + eval(b, bOrder, nu, nv) - vv;
                nres = Math.abs(nru) + Math.abs(nrv);
                if (nres < res) break;
                step *= 0.5;
            }
            if (!(nres < res)) break;
            u = nu; v = nv; ru = nru; rv = nrv; res = nres;
        }
        double det = (1 + evalDu(a, aOrder, u, v)) * (1 + evalDv(b, bOrder, u, v))
                - evalDv(a, aOrder, u, v) * evalDu(b, bOrder, u, v);
        // Accept only a converged point on the unfolded sheet of the polynomial.
        if (res <= 1e-8 * (1 + Math.abs(uu) + Math.abs(vv)) && det > 0) {
            out[0] = u;
            out[1] = v;
        } else {
            out[0] = out[1] = Double.NaN;
        }
    }

    /** Σ c_pq u^p v^q, Horner in v inside Horner in u. */
    static double eval(double[] c, int n, double u, double v) {
        int w = n + 1;
        double s = 0;
        for (int p = n; p >= 0; p--) {
            double inner = 0;
            int base = p * w;
            for (int q = n - p; q >= 0; q--) inner = inner * v + c[base + q];
            s = s * u + inner;
        }
        return s;
    }

    static double evalDu(double[] c, int n, double u, double v) {
        int w = n + 1;
        double s = 0;
        for (int p = n; p >= 1; p--) {
            double inner = 0;
            int base = p * w;
            for (int q = n - p; q >= 0; q--) inner = inner * v + c[base + q];
            s = s * u + p * inner;
        }
        return s;
    }

    static double evalDv(double[] c, int n, double u, double v) {
        int w = n + 1;
        double s = 0;
        for (int p = n; p >= 0; p--) {
            double inner = 0;
            int base = p * w;
            for (int q = n - p; q >= 1; q--) inner = inner * v + q * c[base + q];
            s = s * u + inner;
        }
        return s;
    }

    /**
     * The distortion seen from pixel offsets w with u = M·w (M = {{m11, m12}, {m21, m22}}): each pair
     * of polynomials P = (A, B) and (AP, BP) becomes P'(w) = M⁻¹·P(M·w), of the same order. This is
     * what keeps a SIP WCS exact when an affine pixel map is composed with it
     * ({@link FitsWcs#withPixelTransform}).
     */
    Sip composedWithLinear(double m11, double m12, double m21, double m22) {
        double det = m11 * m22 - m12 * m21;
        double i11 = m22 / det, i12 = -m12 / det, i21 = -m21 / det, i22 = m11 / det;
        double[][][] ab = pair(a, aOrder, b, bOrder, m11, m12, m21, m22, i11, i12, i21, i22);
        double[][][] apbp = ap == null ? null : pair(ap, apOrder, bp, bpOrder, m11, m12, m21, m22, i11, i12, i21, i22);
        return new Sip(ab[0], ab[1], apbp == null ? null : apbp[0], apbp == null ? null : apbp[1]);
    }

    private static double[][][] pair(double[] f, int nf, double[] g, int ng, double m11, double m12, double m21,
                                     double m22, double i11, double i12, double i21, double i22) {
        int n = Math.max(nf, ng);
        double[][] fs = substitute(f, nf, n, m11, m12, m21, m22), gs = substitute(g, ng, n, m11, m12, m21, m22);
        double[][] f2 = new double[n + 1][n + 1], g2 = new double[n + 1][n + 1];
        for (int p = 0; p <= n; p++)
            for (int q = 0; p + q <= n; q++) {
                f2[p][q] = i11 * fs[p][q] + i12 * gs[p][q];
                g2[p][q] = i21 * fs[p][q] + i22 * gs[p][q];
            }
        return new double[][][] {f2, g2};
    }

    /** Coefficients in (w1, w2) of Σ c_pq u^p v^q with u = m11·w1 + m12·w2, v = m21·w1 + m22·w2. */
    private static double[][] substitute(double[] c, int nc, int n, double m11, double m12, double m21, double m22) {
        double[][] out = new double[n + 1][n + 1];
        for (int p = 0; p <= nc; p++)
            for (int q = 0; p + q <= nc; q++) {
                double k = c[p * (nc + 1) + q];
                if (k == 0) continue;
                double[] up = binomialPower(m11, m12, p), vq = binomialPower(m21, m22, q);
                // up[i] is the coefficient of w1^i w2^(p-i); vq[j] of w1^j w2^(q-j)
                for (int i = 0; i <= p; i++)
                    for (int j = 0; j <= q; j++) out[i + j][p + q - i - j] += k * up[i] * vq[j];
            }
        return out;
    }

    /** (s·w1 + t·w2)^k as coefficients of w1^i w2^(k−i), i = 0..k. */
    private static double[] binomialPower(double s, double t, int k) {
        double[] r = new double[k + 1];
        double binom = 1;
        for (int i = 0; i <= k; i++) {
            r[i] = binom * Math.pow(s, i) * Math.pow(t, k - i);
            binom = binom * (k - i) / (i + 1);
        }
        return r;
    }

    /** True when every coefficient is zero (astrometry.net writes such a SIP for a linear fit). */
    public boolean isIdentity() {
        for (double v : a) if (v != 0) return false;
        for (double v : b) if (v != 0) return false;
        if (ap != null) {
            for (double v : ap) if (v != 0) return false;
            for (double v : bp) if (v != 0) return false;
        }
        return true;
    }

    /** Reads A/B (and AP/BP when present); null when the header has no A_ORDER/B_ORDER. */
    static Sip read(Header h) throws WcsException {
        boolean hasA = h.containsKey("A_ORDER"), hasB = h.containsKey("B_ORDER");
        if (!hasA && !hasB) return null;
        if (!hasA || !hasB) throw new WcsException("SIP distortion incomplete: " + (hasA ? "B_ORDER" : "A_ORDER") + " missing");
        double[][] a = readPoly(h, "A"), b = readPoly(h, "B");
        boolean hasAp = h.containsKey("AP_ORDER"), hasBp = h.containsKey("BP_ORDER");
        double[][] ap = hasAp && hasBp ? readPoly(h, "AP") : null;
        double[][] bp = hasAp && hasBp ? readPoly(h, "BP") : null;
        return new Sip(a, b, ap, bp);
    }

    private static double[][] readPoly(Header h, String name) throws WcsException {
        double ord = FitsWcsReader.number(h, name + "_ORDER");
        if (ord != Math.rint(ord) || ord < 0 || ord > 20)
            throw new WcsException(name + "_ORDER = " + ord + " is not a polynomial order in 0..20");
        int n = (int) ord;
        double[][] c = new double[n + 1][n + 1];
        for (int p = 0; p <= n; p++)
            for (int q = 0; p + q <= n; q++) {
                String k = name + "_" + p + "_" + q;
                if (h.containsKey(k)) c[p][q] = FitsWcsReader.number(h, k);
            }
        return c;
    }

    /** Writes A_ORDER, A_p_q … (non-zero terms), and AP/BP when present. */
    void write(Header h) throws HeaderCardException {
        writePoly(h, "A", a, aOrder, "SIP forward distortion, x");
        writePoly(h, "B", b, bOrder, "SIP forward distortion, y");
        if (ap != null) {
            writePoly(h, "AP", ap, apOrder, "SIP inverse distortion, x");
            writePoly(h, "BP", bp, bpOrder, "SIP inverse distortion, y");
        }
    }

    private static void writePoly(Header h, String name, double[] c, int n, String comment) throws HeaderCardException {
        h.addValue(name + "_ORDER", n, comment);
        for (int p = 0; p <= n; p++)
            for (int q = 0; p + q <= n; q++) {
                double v = c[p * (n + 1) + q];
                if (v != 0) h.addValue(name + "_" + p + "_" + q, v, null);
            }
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "Sip[A/B order %d/%d%s]", aOrder, bOrder,
                ap != null ? String.format(Locale.ROOT, ", AP/BP order %d/%d", apOrder, bpOrder) : ", no AP/BP");
    }
}

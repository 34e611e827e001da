package org.tessera.wcs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class SipTest {

    /** u' = u + a u², v' = v: folds at u = −1/(2a), where u' reaches its minimum −1/(4a). */
    private static Sip fold(double a) {
        double[][] ca = new double[3][3], cb = new double[3][3];
        ca[2][0] = a;
        return new Sip(ca, cb, null, null);
    }

    @Test
    void inverseFindsTheUnfoldedRootAndNaNBeyondTheFold() {
        Sip s = fold(1e-3); // minimum u' = −250 at u = −500
        double[] o = new double[2], f = new double[2];
        s.inverse(-200, 3, o);
        assertEquals((-1 + Math.sqrt(1 - 0.8)) / 2e-3, o[0], 1e-9, "root on the identity side of the fold");
        assertEquals(3, o[1], 1e-12);
        s.forward(o[0], o[1], f);
        assertEquals(-200, f[0], 1e-9);
        s.inverse(-300, 0, o); // no preimage at all: never a wrong silent value
        assertTrue(Double.isNaN(o[0]) && Double.isNaN(o[1]));
        s.inverse(Double.NaN, 0, o);
        assertTrue(Double.isNaN(o[0]));
    }

    @Test
    void inverseWithoutApBpIsExactOverAFrame() throws Exception {
        Sip s = ((FitsWcs) WcsFixtures.load("syn_sip_noinv").grid().wcs()).sip();
        assertTrue(!s.hasInverse());
        double[] f = new double[2], b = new double[2];
        double worst = 0, maxDistortion = 0;
        for (double u = -1000; u <= 1000; u += 50)
            for (double v = -760; v <= 740; v += 50) {
                s.forward(u, v, f);
                maxDistortion = Math.max(maxDistortion, Math.hypot(f[0] - u, f[1] - v));
                s.inverse(f[0], f[1], b);
                worst = Math.max(worst, Math.hypot(b[0] - u, b[1] - v));
            }
        assertTrue(maxDistortion > 5, "the fixture distorts by several px: " + maxDistortion);
        assertTrue(worst < 1e-8, "inverse error " + worst + " px");
    }

    @Test
    void poorApBpAreRefinedByNewton() throws Exception {
        FitsWcs w = (FitsWcs) WcsFixtures.load("syn_sip_apbp").grid().wcs();
        assertTrue(w.sip().hasInverse());
        // AP/BP that are plainly wrong: a constant 5 px / −3 px offset instead of the fitted inverse.
        double[][] a = new double[4][4], b = new double[4][4];
        Header4 coeffs = Header4.from(w);
        for (int p = 0; p <= 3; p++)
            for (int q = 0; p + q <= 3; q++) {
                a[p][q] = coeffs.a[p][q];
                b[p][q] = coeffs.b[p][q];
            }
        Sip wrongInverse = new Sip(a, b, new double[][] {{5.0}}, new double[][] {{-3.0}});
        FitsWcs poor = w.withSip(wrongInverse);
        double[] world = new double[2], pix = new double[2];
        for (double y = -0.5; y <= 1920; y += 95.9)
            for (double x = -0.5; x <= 1080; x += 53.9) {
                poor.pixelToWorld(x, y, world);
                poor.worldToPixel(world[0], world[1], pix);
                assertEquals(x, pix[0], 1e-6);
                assertEquals(y, pix[1], 1e-6);
            }
    }

    @Test
    void polynomialEvaluationAndDerivatives() {
        double[][] c = new double[4][4];
        c[0][0] = 0.5; c[1][0] = 2; c[0][1] = -1; c[2][1] = 3; c[0][3] = 0.25; c[1][2] = -2;
        double[] flat = new double[16];
        for (int p = 0; p < 4; p++) for (int q = 0; q < 4; q++) flat[p * 4 + q] = c[p][q];
        double u = 1.7, v = -0.6;
        double f = 0.5 + 2 * u - v + 3 * u * u * v + 0.25 * v * v * v - 2 * u * v * v;
        double fu = 2 + 6 * u * v - 2 * v * v, fv = -1 + 3 * u * u + 0.75 * v * v - 4 * u * v;
        assertEquals(f, Sip.eval(flat, 3, u, v), 1e-12);
        assertEquals(fu, Sip.evalDu(flat, 3, u, v), 1e-12);
        assertEquals(fv, Sip.evalDv(flat, 3, u, v), 1e-12);
    }

    /** The A/B coefficients of a fixture, read back through writeTo. */
    private record Header4(double[][] a, double[][] b) {
        static Header4 from(FitsWcs w) throws Exception {
            nom.tam.fits.Header h = new nom.tam.fits.Header();
            w.writeTo(h);
            double[][] a = new double[4][4], b = new double[4][4];
            for (int p = 0; p <= 3; p++)
                for (int q = 0; p + q <= 3; q++) {
                    a[p][q] = h.getDoubleValue("A_" + p + "_" + q, 0);
                    b[p][q] = h.getDoubleValue("B_" + p + "_" + q, 0);
                }
            return new Header4(a, b);
        }
    }
}

package org.tessera.wcs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ProjectionsTest {

    @Test
    void forCodeKnowsTheSupportedProjections() throws Exception {
        assertSame(Projections.TAN, Projection.forCode("TAN"));
        for (String c : new String[] {"TAN", "SIN", "ARC", "ZEA", "STG", "CAR"})
            assertEquals(c, Projection.forCode(c).code());
        WcsException e = assertThrows(WcsException.class, () -> Projection.forCode("AIT"));
        assertTrue(e.getMessage().contains("AIT"));
    }

    @Test
    void nativeRoundTrips() {
        Projection[] ps = {Projections.TAN, Projections.SIN, Projections.ARC, Projections.ZEA, Projections.STG,
                Projections.CAR, Projections.sin(0.1, -0.2)};
        double[] n = new double[2], x = new double[2];
        for (Projection p : ps)
            for (double phi = -170; phi <= 180; phi += 37)
                for (double theta = p.theta0() == 90 ? 30 : -80; theta <= 89.9; theta += 11.3) {
                    p.fromNative(phi, theta, x);
                    p.toNative(x[0], x[1], n);
                    assertEquals(theta, n[1], 1e-9, p + " theta");
                    assertEquals(0, Math.IEEEremainder(phi - n[0], 360), 1e-9, p + " phi");
                }
    }

    @Test
    void zenithalRadiiFollowThePaper() {
        // R(θ) in degrees for θ = 60°: C&G Paper II eqs. 54, 55, 60, 69, 67 (ξ = η = 0).
        double t = Math.toRadians(60), r2d = 180 / Math.PI;
        double[] x = new double[2];
        check(Projections.TAN, r2d / Math.tan(t), x);
        check(Projections.SIN, r2d * Math.cos(t), x);
        check(Projections.ARC, 30, x);
        check(Projections.ZEA, r2d * Math.sqrt(2 * (1 - Math.sin(t))), x);
        check(Projections.STG, r2d * 2 * Math.cos(t) / (1 + Math.sin(t)), x);
    }

    private static void check(Projection p, double r, double[] x) {
        p.fromNative(90, 60, x); // φ = 90°: x = R, y = 0
        assertEquals(r, x[0], 1e-12, p.code());
        assertEquals(0, x[1], 1e-12, p.code());
    }

    @Test
    void domainsGiveNaN() {
        double[] o = new double[2];
        Projections.TAN.fromNative(0, -1, o);
        assertTrue(Double.isNaN(o[0]), "TAN behind the plane");
        Projections.SIN.toNative(0, 58, o); // 58° > 1 rad
        assertTrue(Double.isNaN(o[1]), "SIN outside the unit disk");
        Projections.ZEA.toNative(0, 115, o); // > 2 rad
        assertTrue(Double.isNaN(o[1]), "ZEA outside its disk");
        Projections.ARC.toNative(181, 0, o);
        assertTrue(Double.isNaN(o[1]), "ARC beyond 180°");
        Projections.CAR.toNative(0, 91, o);
        assertTrue(Double.isNaN(o[1]), "CAR beyond the pole");
    }
}

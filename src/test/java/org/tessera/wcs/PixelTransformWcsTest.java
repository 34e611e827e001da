package org.tessera.wcs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.Random;

import nom.tam.fits.Header;

import org.junit.jupiter.api.Test;
import org.tessera.register.Affine;

/**
 * {@link FitsWcs#withPixelTransform}: the WCS of a registered frame is the reference's WCS after
 * the frame → reference pixel map, exactly (TAN and TAN-SIP), both ways, and survives a header
 * round trip (master tiles write the reference frame's WCS).
 */
class PixelTransformWcsTest {

    /** A Seestar-like TAN: 2.375″/px, rotated by 178.7°, reference at the frame centre. */
    static FitsWcs seestar(Sip sip) {
        double s = 2.375 / 3600, r = Math.toRadians(178.7);
        return new FitsWcs(Projections.TAN, 540.5, 960.5, 192.7774, 41.1169,
                -s * Math.cos(r), s * Math.sin(r), s * Math.sin(r), s * Math.cos(r), Double.NaN, Double.NaN, sip, "ICRS");
    }

    static Sip cubic() {
        double[][] a = new double[4][4], b = new double[4][4];
        a[2][0] = 3e-6; a[0][2] = -2e-6; a[1][1] = 1.5e-6; a[3][0] = 4e-9; a[1][2] = -2e-9;
        b[2][0] = -1e-6; b[0][2] = 2.5e-6; b[1][1] = 1e-6; b[0][3] = 3e-9; b[2][1] = 1e-9;
        return new Sip(a, b, null, null);
    }

    /** A rotation by ~70° (two nights of an alt-az mount), a shift, a 0.2% scale change and a little shear. */
    static Affine nightToNight() {
        double t = Math.toRadians(70.3), k = 1.002;
        return new Affine(k * Math.cos(t), -k * Math.sin(t) + 1e-4, 812.4, k * Math.sin(t), k * Math.cos(t), -143.7);
    }

    @Test
    void composedTanMapsEveryPixelLikeReferenceAfterTransform() {
        assertComposedExact(seestar(null), nightToNight());
    }

    @Test
    void composedSipMapsEveryPixelLikeReferenceAfterTransform() {
        assertComposedExact(seestar(cubic()), nightToNight());
    }

    @Test
    void identityTransformGivesTheSameWcs() {
        FitsWcs w = seestar(cubic()), c = w.withPixelTransform(Affine.IDENTITY.matrix());
        assertEquals(w.crpix1(), c.crpix1(), 1e-12);
        assertEquals(w.crpix2(), c.crpix2(), 1e-12);
        for (int i = 0; i < 4; i++) assertEquals(w.cd()[i], c.cd()[i], 1e-18);
    }

    private static void assertComposedExact(FitsWcs ref, Affine frameToRef) {
        FitsWcs frame = ref.withPixelTransform(frameToRef.matrix());
        Random rnd = new Random(7);
        double[] p = new double[2], a = new double[2], b = new double[2], back = new double[2];
        double worst = 0, worstPx = 0;
        for (int i = 0; i < 2000; i++) {
            double x = rnd.nextDouble() * 1079, y = rnd.nextDouble() * 1919;
            frame.pixelToWorld(x, y, a);
            frameToRef.apply(x, y, p);
            ref.pixelToWorld(p[0], p[1], b);
            worst = Math.max(worst, sepArcsec(a, b));
            frame.worldToPixel(a[0], a[1], back);
            worstPx = Math.max(worstPx, Math.hypot(back[0] - x, back[1] - y));
        }
        assertEquals(0, worst, 1e-6, "frame pixel → sky equals frame pixel → reference pixel → sky (arcsec)");
        assertEquals(0, worstPx, 1e-6, "sky → frame pixel inverts it (px)");
        assertEquals(ref.pixelScaleDeg() * frameToRef.scale(), frame.pixelScaleDeg(), 1e-15, "scale follows the transform");
    }

    @Test
    void composedWcsSurvivesAHeaderRoundTrip() throws Exception {
        FitsWcs frame = seestar(cubic()).withPixelTransform(nightToNight().matrix());
        Header h = new Header();
        frame.writeTo(h);
        FitsWcs read = FitsWcs.fromHeader(h);
        assertNotNull(read.sip());
        double[] a = new double[2], b = new double[2];
        for (double[] q : new double[][] {{0, 0}, {1079, 1919}, {539.5, 959.5}, {1079, 0}}) {
            frame.pixelToWorld(q[0], q[1], a);
            read.pixelToWorld(q[0], q[1], b);
            assertEquals(0, sepArcsec(a, b), 1e-6, "pixel " + q[0] + "," + q[1]);
        }
        assertNull(seestar(null).withPixelTransform(nightToNight().matrix()).sip(), "a TAN stays a TAN");
    }

    static double sepArcsec(double[] a, double[] b) {
        double d1 = Math.toRadians(a[1]), d2 = Math.toRadians(b[1]), dl = Math.toRadians(b[0] - a[0]);
        double s = Math.sin((d2 - d1) / 2), t = Math.sin(dl / 2);
        return Math.toDegrees(2 * Math.asin(Math.sqrt(s * s + Math.cos(d1) * Math.cos(d2) * t * t))) * 3600;
    }
}

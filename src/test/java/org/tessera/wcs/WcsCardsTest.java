package org.tessera.wcs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import org.junit.jupiter.api.Test;

import nom.tam.fits.Header;

/**
 * A WCS sent as {@link WcsCards} maps every pixel as the one written, bit for bit (a registered
 * frame's composed WCS with SIP, a field near Dec 0), where a plain FITS header's 16 digits do not.
 */
class WcsCardsTest {

    @Test
    void composedSipWcsComesBackDoubleForDouble() throws Exception {
        FitsWcs w = PixelTransformWcsTest.seestar(PixelTransformWcsTest.cubic())
                .withPixelTransform(PixelTransformWcsTest.nightToNight().matrix());
        FitsWcs back = WcsCards.parseFits(WcsCards.of(w));
        assertEquals(w.crpix1(), back.crpix1());
        assertEquals(w.crpix2(), back.crpix2());
        assertSameMapping(w, back);
        assertSameMapping(w, WcsCards.parse(WcsCards.of(w)));
    }

    @Test
    void valuesAPlainHeaderRoundsComeBackExactly() throws Exception {
        // nom.tam writes 0.0230878190703291 for this Dec: 16 digits, one ulp off
        double s = 2.375 / 3600, r = Math.toRadians(12.3);
        FitsWcs w = new FitsWcs(Projections.TAN, 540.5, 960.5, 0.004637047970232077, 0.023087819070329085,
                -s * Math.cos(r), s * Math.sin(r), s * Math.sin(r), s * Math.cos(r), Double.NaN, Double.NaN, null, "ICRS");
        FitsWcs back = WcsCards.parseFits(WcsCards.of(w));
        assertEquals(w.crval1(), back.crval1());
        assertEquals(w.crval2(), back.crval2());
        assertSameMapping(w, back);
        Header h = new Header(); // what a FITS file's header keeps is not enough (why WcsCards exists)
        w.writeTo(h);
        assertNotEquals(w.crval2(), FitsWcs.fromHeader(h).crval2());
    }

    private static void assertSameMapping(Wcs a, Wcs b) {
        assertEquals(0, differing(a, b), "pixels whose sky position differs");
    }

    /** Sample pixels whose sky position differs at all between a and b. */
    private static int differing(Wcs a, Wcs b) {
        double[] p = new double[2], q = new double[2];
        int n = 0;
        for (int y = 0; y < 1920; y += 97)
            for (int x = 0; x < 1080; x += 53) {
                a.pixelToWorld(x + 0.25, y + 0.75, p);
                b.pixelToWorld(x + 0.25, y + 0.75, q);
                if (p[0] != q[0] || p[1] != q[1]) n++;
            }
        return n;
    }
}

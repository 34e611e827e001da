package org.tessera.wcs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import java.util.Locale;
import java.util.stream.Stream;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Tessera's WCS against astropy 5.2 (wcslib) on every fixture case: real Seestar and DSS headers and
 * synthetic SIN/ARC/ZEA/STG/CAR/TAN-SIP/pole/RA-0 headers, parsed from the stored cards.
 */
class WcsFixtureTest {

    @TestFactory
    Stream<DynamicTest> pixelToWorldMatchesAstropy() {
        return WcsFixtures.names().stream().map(n -> dynamicTest(n, () -> pixelToWorld(n)));
    }

    @TestFactory
    Stream<DynamicTest> worldToPixelMatchesAstropy() {
        return WcsFixtures.names().stream().map(n -> dynamicTest(n, () -> worldToPixel(n)));
    }

    @TestFactory
    Stream<DynamicTest> roundTripIsExact() {
        return WcsFixtures.names().stream().map(n -> dynamicTest(n, () -> roundTrip(n)));
    }

    private static void pixelToWorld(String name) throws Exception {
        WcsFixtures.Case c = WcsFixtures.load(name);
        Wcs w = Wcs.fromHeader(c.header());
        double scale = w.pixelScaleDeg();
        double[] out = new double[2];
        double worstDeg = 0;
        assertFalse(c.p2w().isEmpty());
        for (WcsFixtures.Sample s : c.p2w()) {
            w.pixelToWorld(s.x(), s.y(), out);
            double sep = SkyMath.separationDeg(out[0], out[1], s.ra(), s.dec());
            assertTrue(sep < 1e-7 && sep / scale < 1e-3, () -> String.format(Locale.ROOT,
                    "%s pixel (%.3f, %.3f): Tessera (%.10f, %.10f), astropy (%.10f, %.10f), %.3g deg apart",
                    name, s.x(), s.y(), out[0], out[1], s.ra(), s.dec(), sep));
            assertTrue(out[0] >= 0 && out[0] < 360, "RA in [0, 360)");
            worstDeg = Math.max(worstDeg, sep);
        }
        System.out.printf(Locale.ROOT, "[fixture] %-34s pixel->world worst %.2e deg = %.2e px%n", name, worstDeg, worstDeg / scale);
    }

    private static void worldToPixel(String name) throws Exception {
        WcsFixtures.Case c = WcsFixtures.load(name);
        Wcs w = Wcs.fromHeader(c.header());
        double[] out = new double[2];
        double worst = 0;
        assertFalse(c.w2p().isEmpty());
        for (WcsFixtures.Sample s : c.w2p()) {
            w.worldToPixel(s.ra(), s.dec(), out);
            double d = Math.hypot(out[0] - s.x(), out[1] - s.y());
            assertTrue(d < 1e-3, () -> String.format(Locale.ROOT,
                    "%s world (%.9f, %.9f): Tessera (%.6f, %.6f), astropy (%.6f, %.6f)",
                    name, s.ra(), s.dec(), out[0], out[1], s.x(), s.y()));
            worst = Math.max(worst, d);
        }
        System.out.printf(Locale.ROOT, "[fixture] %-34s world->pixel worst %.2e px%n", name, worst);
    }

    private static void roundTrip(String name) throws Exception {
        WcsFixtures.Case c = WcsFixtures.load(name);
        Wcs w = Wcs.fromHeader(c.header());
        double[] world = new double[2], pix = new double[2];
        int n = 0;
        for (int j = 0; j <= 20; j++)
            for (int i = 0; i <= 20; i++) {
                if (name.contains("allsky") && (i == 0 || j == 0 || i == 20 || j == 20)) continue;
                double x = -0.5 + i * c.naxis1() / 20.0 + 0.123, y = -0.5 + j * c.naxis2() / 20.0 - 0.077;
                w.pixelToWorld(x, y, world);
                w.worldToPixel(world[0], world[1], pix);
                assertEquals(x, pix[0], 1e-6, name + " x round trip at (" + x + ", " + y + ")");
                assertEquals(y, pix[1], 1e-6, name + " y round trip at (" + x + ", " + y + ")");
                n++;
            }
        assertTrue(n > 300);
    }
}

package org.tessera.wcs;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;

import nom.tam.fits.Header;

import org.junit.jupiter.api.Test;

class FitsWcsTest {

    private static final String SEESTAR = "real_ngc7023_20240730-224459";

    /** 0-based sample pixels over and a little beyond a grid. */
    private static List<double[]> samples(int w, int h) {
        List<double[]> out = new ArrayList<>();
        for (int j = 0; j <= 8; j++)
            for (int i = 0; i <= 8; i++) out.add(new double[] {-3.3 + i * (w + 6.0) / 8, -2.7 + j * (h + 5.0) / 8});
        return out;
    }

    private static void assertSameMapping(Wcs a, Wcs b, int w, int h, double tolDeg, String what) {
        double[] pa = new double[2], pb = new double[2];
        for (double[] p : samples(w, h)) {
            a.pixelToWorld(p[0], p[1], pa);
            b.pixelToWorld(p[0], p[1], pb);
            if (Double.isNaN(pa[0])) { // outside the projection's domain: must be so for both
                assertTrue(Double.isNaN(pb[0]), what + ": NaN for one only at (" + p[0] + ", " + p[1] + ")");
                continue;
            }
            double sep = SkyMath.separationDeg(pa[0], pa[1], pb[0], pb[1]);
            assertTrue(sep <= tolDeg, what + ": pixel (" + p[0] + ", " + p[1] + ") differs by " + sep + " deg");
            double[] qa = new double[2], qb = new double[2];
            a.worldToPixel(pa[0], pa[1], qa);
            b.worldToPixel(pa[0], pa[1], qb);
            assertEquals(qa[0], qb[0], 1e-6, what + ": inverse x");
            assertEquals(qa[1], qb[1], 1e-6, what + ": inverse y");
        }
    }

    @Test
    void writeToThenFromHeaderReproducesEveryFixtureMapping() throws Exception {
        for (WcsFixtures.Case c : WcsFixtures.all()) {
            Wcs w = Wcs.fromHeader(c.header());
            Header fresh = new Header();
            w.writeTo(fresh);
            Wcs back = Wcs.fromHeader(fresh);
            assertEquals(w.getClass(), back.getClass(), c.name());
            assertSameMapping(w, back, c.naxis1(), c.naxis2(), 1e-10, c.name() + " (fresh header)");
            // Written over the original header, stale keys (PC, CDELT, CROTA, SIP, DSS) must not interfere.
            Header over = WcsFixtures.header(WcsFixtures.lines(c.name() + ".hdr"));
            w.shifted(10, -7).writeTo(over);
            assertSameMapping(w.shifted(10, -7), Wcs.fromHeader(over), c.naxis1(), c.naxis2(), 1e-10, c.name() + " (over original)");
        }
    }

    @Test
    void shiftedIsTheSameSkyMapping() throws Exception {
        for (String name : new String[] {SEESTAR, "syn_sip_apbp", "syn_car_latpole", "real_dss_test1", "syn_sin_slant"}) {
            Wcs w = WcsFixtures.load(name).grid().wcs();
            Wcs s = w.shifted(123.25, -40.5);
            double[] a = new double[2], b = new double[2];
            for (double[] p : samples(1000, 800)) {
                w.pixelToWorld(p[0], p[1], a);
                s.pixelToWorld(p[0] - 123.25, p[1] + 40.5, b);
                assertTrue(SkyMath.separationDeg(a[0], a[1], b[0], b[1]) < 1e-11, name);
                s.worldToPixel(a[0], a[1], b);
                assertEquals(p[0] - 123.25, b[0], 1e-7, name);
                assertEquals(p[1] + 40.5, b[1], 1e-7, name);
            }
            assertEquals(w.pixelScaleDeg(), s.pixelScaleDeg(), 1e-12 * w.pixelScaleDeg(), name);
        }
    }

    @Test
    void publicConstructorMatchesHeader() throws Exception {
        WcsFixtures.Case c = WcsFixtures.load(SEESTAR);
        Header h = c.header();
        FitsWcs direct = new FitsWcs(Projection.forCode("TAN"), h.getDoubleValue("CRPIX1"), h.getDoubleValue("CRPIX2"),
                h.getDoubleValue("CRVAL1"), h.getDoubleValue("CRVAL2"), h.getDoubleValue("CD1_1"), h.getDoubleValue("CD1_2"),
                h.getDoubleValue("CD2_1"), h.getDoubleValue("CD2_2"));
        assertSameMapping(Wcs.fromHeader(h), direct, c.naxis1(), c.naxis2(), 1e-12, "constructor");
        assertEquals(2.374 / 3600, direct.pixelScaleDeg(), 0.002 / 3600, "Seestar scale 2.374\"/px");
        assertEquals("FK5", FitsWcs.fromHeader(h).frame());
    }

    @Test
    void localPixelScaleAtTheReferenceIsTheCdScale() throws Exception {
        for (String name : new String[] {SEESTAR, "syn_car_oblique", "syn_zea"}) {
            FitsWcs w = FitsWcs.fromHeader(WcsFixtures.load(name).header());
            double local = w.localPixelScaleDeg(w.crpix1() - 1, w.crpix2() - 1);
            assertEquals(w.pixelScaleDeg(), local, 1e-6 * local, name);
        }
        // ZEA is equal-area: the pixel area, hence the local scale, is the same 10° away from the centre.
        FitsWcs zea = FitsWcs.fromHeader(WcsFixtures.load("syn_zea").header());
        assertEquals(zea.pixelScaleDeg(), zea.localPixelScaleDeg(1150, 880), 1e-6 * zea.pixelScaleDeg());
        // TAN is not: the sky area of a pixel shrinks away from the tangent point.
        FitsWcs tan = FitsWcs.fromHeader(WcsFixtures.load("syn_pole_tan").header());
        assertTrue(tan.localPixelScaleDeg(1999, 1999) < tan.pixelScaleDeg() * 0.9999);
    }

    @Test
    void unmappablePointsGiveNaNNotExceptions() throws Exception {
        Wcs tan = WcsFixtures.load(SEESTAR).grid().wcs();
        double[] c = new double[2], o = new double[2];
        tan.pixelToWorld(540, 960, c);
        tan.worldToPixel((c[0] + 180) % 360, -c[1], o); // antipode: behind the tangent plane
        assertTrue(Double.isNaN(o[0]) && Double.isNaN(o[1]));
        tan.worldToPixel(Double.NaN, 10, o);
        assertTrue(Double.isNaN(o[0]) && Double.isNaN(o[1]));
        tan.worldToPixel(10, 95, o);
        assertTrue(Double.isNaN(o[0]));
        tan.pixelToWorld(Double.NaN, 3, o);
        assertTrue(Double.isNaN(o[0]) && Double.isNaN(o[1]));

        Wcs sin = WcsFixtures.load("syn_sin").grid().wcs(); // 2"/px: the SIN disk edge is ~103000 px away
        sin.pixelToWorld(400 + 110000, 300, o);
        assertTrue(Double.isNaN(o[0]), "SIN beyond its disk");
        sin.pixelToWorld(400 + 90000, 300, o);
        assertFalse(Double.isNaN(o[0]), "SIN inside its disk");
    }

    @Test
    void croTa1AloneIsIgnoredLikeWcslibAndCrota2Rotates() throws Exception {
        Header h = tanHeader();
        h.addValue("CDELT1", -1e-3, null);
        h.addValue("CDELT2", 1e-3, null);
        h.addValue("CROTA1", 30.0, null);
        FitsWcs w = FitsWcs.fromHeader(h);
        assertEquals(0, w.cd()[1], 0);
        assertEquals(-1e-3, w.cd()[0], 1e-18);
        h.addValue("CROTA2", 30.0, null);
        FitsWcs r = FitsWcs.fromHeader(h);
        assertEquals(30, r.rotationDeg(), 1e-9);
        assertEquals(-1e-3 * Math.cos(Math.toRadians(30)), r.cd()[0], 1e-15);
        assertEquals(-1e-3 * Math.sin(Math.toRadians(30)), r.cd()[1], 1e-15);
    }

    @Test
    void sipCoefficientsApplyEvenWithoutSipSuffixAsAstropyDoes() throws Exception {
        Header h = tanHeader();
        h.addValue("CD1_1", -1e-3, null);
        h.addValue("CD2_2", 1e-3, null);
        h.addValue("A_ORDER", 2, null);
        h.addValue("B_ORDER", 2, null);
        h.addValue("A_2_0", 1e-3, null);
        FitsWcs w = FitsWcs.fromHeader(h);
        assertTrue(w.sip() != null);
        Header out = new Header();
        w.writeTo(out);
        assertEquals("RA---TAN-SIP", out.getStringValue("CTYPE1"));
        assertEquals(1e-3, out.getDoubleValue("A_2_0"), 0);
    }

    @Test
    void dssHeaderUsesThePlateSolution() throws Exception {
        Header h = WcsFixtures.load("real_dss_test1").header();
        assertInstanceOf(DssWcs.class, Wcs.fromHeader(h));
        assertInstanceOf(FitsWcs.class, FitsWcs.fromHeader(h));
        // The plate solution and the header's CD TAN differ by a fraction of a pixel over the cut-out.
        Wcs dss = Wcs.fromHeader(h), tan = FitsWcs.fromHeader(h);
        double worst = 0;
        double[] a = new double[2], b = new double[2];
        for (double[] p : samples(177, 177)) {
            dss.pixelToWorld(p[0], p[1], a);
            tan.pixelToWorld(p[0], p[1], b);
            worst = Math.max(worst, SkyMath.separationDeg(a[0], a[1], b[0], b[1]) / dss.pixelScaleDeg());
        }
        assertTrue(worst > 0.05 && worst < 0.5, "plate solution vs TAN: " + worst + " px");
        assertEquals(1.70 / 3600, dss.pixelScaleDeg(), 0.01 / 3600);
    }

    @Test
    void clearMessagesForBadHeaders() {
        assertMessage(new Header(), "CTYPE1 and CTYPE2 missing");
        Header h = tanHeader();
        h.deleteKey("CRVAL1");
        assertMessage(h, "CRVAL1 missing");
        h = tanHeader();
        assertMessage(h, "no linear transform");
        h = tanHeader();
        put(h, "CTYPE1", "RA---TPV");
        put(h, "CTYPE2", "DEC--TPV");
        assertMessage(h, "unsupported projection 'TPV'");
        h = tanHeader();
        put(h, "CTYPE1", "GLON-TAN");
        put(h, "CTYPE2", "GLAT-TAN");
        assertMessage(h, "galactic");
        h = tanHeader();
        put(h, "CTYPE2", "DEC--SIN");
        assertMessage(h, "different projections");
        h = tanHeader();
        put(h, "CTYPE1", "RA---TAN-TPV");
        assertMessage(h, "unsupported distortion");
        h = cdHeader();
        put(h, "RADESYS", "FK4");
        assertMessage(h, "FK4");
        h = cdHeader();
        put(h, "EQUINOX", 1950.0);
        assertMessage(h, "FK4");
        h = cdHeader();
        put(h, "RADESYS", "FK5");
        put(h, "EQUINOX", 2024.5);
        assertMessage(h, "EQUINOX = 2024.5");
        h = cdHeader();
        put(h, "CUNIT1", "pixel");
        put(h, "CUNIT2", "deg");
        assertMessage(h, "CUNIT1 = 'pixel' is not supported: Tessera needs the celestial axes in an angle unit ('deg', "
                + "'arcmin', 'arcsec', 'mas' or 'rad')");
        for (String deg : new String[] {"deg", "DEG     ", "degree", ""}) {
            Header d = cdHeader();
            put(d, "CUNIT1", deg);
            put(d, "CUNIT2", deg);
            assertDoesNotThrow(() -> Wcs.fromHeader(d), "CUNIT '" + deg + "'");
        }
        h = cdHeader();
        put(h, "CRVAL2", "abc");
        assertMessage(h, "CRVAL2 = 'abc' is not a number");
        h = cdHeader();
        put(h, "CD2_2", 0.0);
        assertMessage(h, "singular CD matrix");
        h = cdHeader();
        put(h, "A_ORDER", 2);
        assertMessage(h, "B_ORDER missing");
    }

    @Test
    void icrsAndFk5J2000AreTheSameFrame() throws Exception {
        Header fk5 = cdHeader();
        put(fk5, "RADESYS", "FK5");
        put(fk5, "EQUINOX", 2000.0);
        Header icrs = cdHeader();
        put(icrs, "RADESYS", "ICRS");
        Header none = cdHeader();
        assertSameMapping(Wcs.fromHeader(fk5), Wcs.fromHeader(icrs), 100, 100, 0, "FK5 vs ICRS");
        assertSameMapping(Wcs.fromHeader(none), Wcs.fromHeader(icrs), 100, 100, 0, "none vs ICRS");
        assertEquals("ICRS", FitsWcs.fromHeader(none).frame());
    }

    private static void assertMessage(Header h, String part) {
        WcsException e = assertThrows(WcsException.class, () -> Wcs.fromHeader(h));
        assertTrue(e.getMessage().contains(part), "message '" + e.getMessage() + "' should contain '" + part + "'");
    }

    /**
     * CUNIT in another angle unit scales CRVAL, CDELT and CD of its axis to degrees, as wcslib does:
     * an arcsec, arcmin, mas or radian twin of a degree header (each axis in its own unit, through
     * CD, through PC with CDELT, and through CDELT with CROTA2) maps every pixel where the degree
     * header does (within 1e-9 deg), and a degree header's values are used bit for bit.
     */
    @Test
    void angleUnitsOtherThanDegreesAreScaledToDegrees() throws Exception {
        double ra = 150.25, dec = 20.5, s = 1.5 / 3600, rot = 12;
        double c = Math.cos(Math.toRadians(rot)), n = Math.sin(Math.toRadians(rot));
        java.util.function.BiFunction<String[], Double[], Header> header = (units, per) -> {
            Header h = tanHeader();
            put(h, "CRVAL1", ra * per[0]);
            put(h, "CRVAL2", dec * per[1]);
            put(h, "CD1_1", -s * c * per[0]);
            put(h, "CD1_2", s * n * per[0]);
            put(h, "CD2_1", s * n * per[1]);
            put(h, "CD2_2", s * c * per[1]);
            if (units[0] != null) put(h, "CUNIT1", units[0]);
            if (units[1] != null) put(h, "CUNIT2", units[1]);
            return h;
        };
        Wcs deg = Wcs.fromHeader(header.apply(new String[] {null, null}, new Double[] {1.0, 1.0}));
        Wcs same = Wcs.fromHeader(header.apply(new String[] {"deg", "deg"}, new Double[] {1.0, 1.0}));
        List<Wcs> twins = new ArrayList<>();
        twins.add(Wcs.fromHeader(header.apply(new String[] {"arcsec", "arcsec"}, new Double[] {3600.0, 3600.0})));
        twins.add(Wcs.fromHeader(header.apply(new String[] {"arcmin", "arcsec"}, new Double[] {60.0, 3600.0})));
        twins.add(Wcs.fromHeader(header.apply(new String[] {"mas", "rad"}, new Double[] {3.6e6, Math.PI / 180})));
        Header pc = tanHeader(); // PC with CDELT in arcsec
        put(pc, "CRVAL1", ra * 3600);
        put(pc, "CRVAL2", dec * 3600);
        put(pc, "CDELT1", -s * 3600);
        put(pc, "CDELT2", s * 3600);
        put(pc, "PC1_1", c);
        put(pc, "PC1_2", -n);
        put(pc, "PC2_1", n);
        put(pc, "PC2_2", c);
        put(pc, "CUNIT1", "arcsec");
        put(pc, "CUNIT2", "arcsec");
        twins.add(Wcs.fromHeader(pc));
        Header crota = tanHeader(); // CDELT and CROTA2, arcmin
        put(crota, "CRVAL1", ra * 60);
        put(crota, "CRVAL2", dec * 60);
        put(crota, "CDELT1", -s * 60);
        put(crota, "CDELT2", s * 60);
        put(crota, "CROTA2", -rot);
        put(crota, "CUNIT1", "arcmin");
        put(crota, "CUNIT2", "arcmin");
        twins.add(Wcs.fromHeader(crota));
        double[] a = new double[2], b = new double[2];
        for (double[] p : new double[][] {{0, 0}, {49.5, 49.5}, {1919, 0}, {0, 1079}, {1919, 1079}, {-300, 2000}}) {
            deg.pixelToWorld(p[0], p[1], a);
            same.pixelToWorld(p[0], p[1], b);
            assertEquals(a[0], b[0], 0.0, "'deg' is the absent unit, bit for bit");
            assertEquals(a[1], b[1], 0.0);
            for (Wcs t : twins) {
                t.pixelToWorld(p[0], p[1], b);
                assertEquals(a[0], b[0], 1e-9, java.util.Arrays.toString(p));
                assertEquals(a[1], b[1], 1e-9, java.util.Arrays.toString(p));
            }
        }
    }

    private static Header tanHeader() {
        Header h = new Header();
        put(h, "CTYPE1", "RA---TAN");
        put(h, "CTYPE2", "DEC--TAN");
        put(h, "CRPIX1", 50.5);
        put(h, "CRPIX2", 50.5);
        put(h, "CRVAL1", 10.0);
        put(h, "CRVAL2", 20.0);
        return h;
    }

    private static Header cdHeader() {
        Header h = tanHeader();
        put(h, "CD1_1", -1e-3);
        put(h, "CD2_2", 1e-3);
        return h;
    }

    private static void put(Header h, String k, Object v) {
        try {
            if (v instanceof String s) h.addValue(k, s, null);
            else if (v instanceof Integer i) h.addValue(k, i, null);
            else h.addValue(k, (Double) v, null);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}

package org.tessera.register;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import org.tessera.image.FloatImage;
import org.tessera.io.FitsFrame;

/**
 * The mount's field rotation from the headers ({@link FieldRotation}) and its use by the area
 * correlation of frames whose stars are too faint to match: synthetic faint frames turned by a
 * known angle, and the real Seestar sessions of ../shared/data (skipped when absent).
 */
class FieldRotationTest {

    static final int W = AreaCorrelationTest.W, H = AreaCorrelationTest.H;

    /**
     * A faint frame whose pixel p lies at the reference's R(deg)(p − c) + c + (dx, dy), c the
     * frame's centre: the stars, the glow, the sky noise move; the sensor's pattern does not.
     */
    static FloatImage turned(double[][] stars, double deg, double dx, double dy, float[] pattern, long seed) {
        double cx = (W - 1) / 2.0, cy = (H - 1) / 2.0, r = Math.toRadians(deg), cs = Math.cos(r), sn = Math.sin(r);
        double[][] moved = new double[stars.length][];
        for (int i = 0; i < stars.length; i++) { // p = R⁻¹(s − c − d) + c
            double u = stars[i][0] - cx - dx, v = stars[i][1] - cy - dy;
            moved[i] = new double[] {cx + cs * u + sn * v, cy - sn * u + cs * v, stars[i][2]};
        }
        return AreaCorrelationTest.frame(moved, 0, 0, pattern, seed);
    }

    /** The largest distance, over the frame's corners and centre, between r's transform and the truth. */
    static double worstPlacement(Affine found, double deg, double dx, double dy) {
        double cx = (W - 1) / 2.0, cy = (H - 1) / 2.0;
        Affine truth = Affine.similarity(1, deg, 0, 0);
        double[] c = truth.apply(cx, cy);
        truth = Affine.similarity(1, deg, cx - c[0] + dx, cy - c[1] + dy);
        double worst = 0;
        for (double[] p : new double[][] {{0, 0}, {W - 1, 0}, {0, H - 1}, {W - 1, H - 1}, {cx, cy}}) {
            double[] a = found.apply(p[0], p[1]), b = truth.apply(p[0], p[1]);
            worst = Math.max(worst, Math.hypot(a[0] - b[0], a[1] - b[1]));
        }
        return worst;
    }

    @Test
    void aFaintAltAzFrameIsTurnedByItsFieldRotationEitherSign() {
        float[] pattern = AreaCorrelationTest.fixedPattern(5);
        double[][] stars = AreaCorrelationTest.field(7);
        FrameRegistrar reg = new FrameRegistrar();
        FrameRegistrar.Reference ref = reg.reference("ref", AreaCorrelationTest.frame(stars, 0, 0, pattern, 1), 20.0);
        double deg = 1.5, dx = 12.4, dy = -7.3;
        FloatImage mov = turned(stars, deg, dx, dy, pattern, 11);
        // the header's parallactic angles differ by 1.5° one way or the other (the camera's handedness)
        for (double q : new double[] {20.0 - deg, 20.0 + deg}) {
            Registration r = reg.register(ref, "mov", mov, q);
            assertTrue(r.ok(), r.failure());
            assertEquals(Registration.Method.AREA_CORRELATION, r.method());
            double e = worstPlacement(r.transform(), deg, dx, dy);
            System.out.printf(Locale.ROOT, "[AREA] turned %.2f°, header q %.2f: %s; worst corner error %.2f px%n", deg, q, r.areaSummary(), e);
            assertEquals(deg, r.transform().rotationDeg(), 1e-9, "the field rotation is taken as it is");
            assertTrue(e < 0.5, "worst corner error " + e + " px");
            assertTrue(r.areaSummary().contains("rotation 1.50°"), r.areaSummary());
        }
        // without the headers' angles: the plain shift, whose corners are off by the turn
        Registration plain = reg.register(ref, "mov", mov, Double.NaN);
        double e = worstPlacement(plain.transform(), deg, dx, dy);
        System.out.printf(Locale.ROOT, "[AREA] turned %.2f°, no header angle: %s; worst corner error %.2f px%n", deg, plain.areaSummary(), e);
        assertTrue(plain.ok() && plain.transform().rotationDeg() == 0, plain.toString());
        assertTrue(e > 8, "translation only misplaces the corners: " + e + " px");
    }

    @Test
    void anEquatorialFrameKeepsThePlainShiftWhateverTheHeadersSay() {
        // a field that does not turn (equatorial mount): the headers' angles differ, the plain
        // shift correlates best and is kept
        float[] pattern = AreaCorrelationTest.fixedPattern(5);
        double[][] stars = AreaCorrelationTest.field(7);
        FrameRegistrar reg = new FrameRegistrar();
        FrameRegistrar.Reference ref = reg.reference("ref", AreaCorrelationTest.frame(stars, 0, 0, pattern, 1), 20.0);
        Registration r = reg.register(ref, "eq", AreaCorrelationTest.frame(stars, 10.3, -4.7, pattern, 100), 21.5);
        assertTrue(r.ok(), r.failure());
        assertEquals(0, r.transform().rotationDeg(), 0);
        assertEquals(10.3, r.transform().c(), 0.2);
        assertEquals(-4.7, r.transform().f(), 0.2);
        assertTrue(r.areaSummary().endsWith("translation only"), r.areaSummary());
    }

    @Test
    void theParallacticAngleFollowsItsDefinition() {
        // on the meridian (hour angle 0) south of the zenith the angle is 0; an hour east it is
        // negative, an hour west positive, by the textbook formula tan q = sin H / (tan φ cos δ − sin δ cos H)
        double lat = 40, dec = 20;
        double t0 = 1_700_000_000; // some UTC instant; the RA on the meridian there is the local sidereal time
        double d = t0 / 86400.0 + 2440587.5 - 2451545.0;
        double lst = ((280.46061837 + 360.98564736629 * d) % 360 + 360) % 360; // at longitude 0 (T² term < 1e-6°)
        assertEquals(0, FieldRotation.parallacticAngleDeg(lst, dec, lat, 0, t0), 1e-3);
        double east = FieldRotation.parallacticAngleDeg(lst + 15, dec, lat, 0, t0), west = FieldRotation.parallacticAngleDeg(lst - 15, dec, lat, 0, t0);
        double h = Math.toRadians(15), phi = Math.toRadians(lat), de = Math.toRadians(dec);
        double expect = Math.toDegrees(Math.atan2(Math.sin(h), Math.tan(phi) * Math.cos(de) - Math.sin(de) * Math.cos(h)));
        assertEquals(-expect, east, 1e-3);
        assertEquals(expect, west, 1e-3);
        // the header's keys: degrees, sexagesimal, the other key names; NaN without a site or a time
        Map<String, String> keys = Map.of("RA", "193.04166", "DEC", "40.970556", "SITELAT", "32.8965", "SITELONG", "-79.7625",
                "DATE-OBS", "2025-04-10T02:54:35");
        Map<String, String> sexa = Map.of("OBJCTRA", "12 52 09.998", "OBJCTDEC", "+40 58 14.0", "LAT-OBS", "32:53:47.4",
                "LONG-OBS", "-79:45:45", "DATE-OBS", "2025-04-10T02:54:35");
        double a = FieldRotation.parallacticAngleDeg(keys), b = FieldRotation.parallacticAngleDeg(sexa);
        assertTrue(Double.isFinite(a));
        assertEquals(a, b, 1e-3);
        assertTrue(Double.isNaN(FieldRotation.parallacticAngleDeg(Map.of("RA", "193", "DEC", "41", "DATE-OBS", "2025-04-10T02:54:35"))));
        assertTrue(Double.isNaN(FieldRotation.parallacticAngleDeg(Map.of("RA", "193", "DEC", "41", "SITELAT", "32", "SITELONG", "-79"))));
    }

    static final Path DATA = Paths.get("../shared/data");

    /** Position angle (east of north) of the image's +y axis at the frame's centre, from its WCS. */
    static double positionAngle(FitsFrame f) {
        double[] a = new double[2], b = new double[2];
        f.wcs().pixelToWorld(f.width() / 2.0, f.height() / 2.0, a);
        f.wcs().pixelToWorld(f.width() / 2.0, f.height() / 2.0 + 100, b);
        double d1 = Math.toRadians(a[1]), d2 = Math.toRadians(b[1]), da = Math.toRadians(b[0] - a[0]);
        return Math.toDegrees(Math.atan2(Math.sin(da) * Math.cos(d2), Math.cos(d1) * Math.sin(d2) - Math.sin(d1) * Math.cos(d2) * Math.cos(da)));
    }

    @Test
    void onRealAltAzSessionsThePositionAngleTurnsWithTheParallacticAngle() throws Exception {
        // the solved Seestar sessions of ../shared/data that turned (alt-az): NGC 7023 of 2024-07-31
        // and M 94's night 3; within each, position angle − q stays put while q moves (the image turns
        // with q, the sense set by the camera's handedness)
        Assumptions.assumeTrue(Files.isDirectory(DATA.resolve("seestar_ngc7023_solved")), "../shared/data absent");
        List<List<Path>> sessions = new ArrayList<>();
        try (Stream<Path> s = Files.list(DATA.resolve("seestar_ngc7023_solved"))) {
            sessions.add(s.filter(p -> p.getFileName().toString().contains("20240730")).sorted().toList());
        }
        try (Stream<Path> s = Files.list(DATA.resolve("seestar_m94_subset/night3"))) {
            sessions.add(s.filter(p -> p.toString().endsWith(".fit")).sorted().toList());
        }
        for (List<Path> session : sessions) {
            assertTrue(session.size() >= 4, session.toString());
            double qMin = Double.POSITIVE_INFINITY, qMax = Double.NEGATIVE_INFINITY, sMin = qMin, sMax = qMax;
            for (Path p : session) {
                FitsFrame f = FitsFrame.open(p);
                // q of the optical axis (the solved centre): the header's RA/DEC are the target's,
                // which the Seestar's dithers move the field around (up to 0.11° of q here)
                double[] c = new double[2];
                f.wcs().pixelToWorld(f.width() / 2.0, f.height() / 2.0, c);
                Map<String, String> keys = new java.util.HashMap<>(f.keys());
                keys.put("RA", Double.toString(c[0]));
                keys.put("DEC", Double.toString(c[1]));
                double q = FieldRotation.parallacticAngleDeg(keys), sum = positionAngle(f) - q;
                System.out.printf(Locale.ROOT, "[ROT] %s: q %.3f°, PA %.3f°, PA − q %.3f°%n", p.getFileName(), q, positionAngle(f), sum);
                qMin = Math.min(qMin, q); qMax = Math.max(qMax, q);
                sMin = Math.min(sMin, sum); sMax = Math.max(sMax, sum);
            }
            assertTrue(qMax - qMin > 0.09, "q moves: " + (qMax - qMin));
            assertTrue(sMax - sMin < 0.03, "PA − q stays within " + (sMax - sMin) + "° while q moves " + (qMax - qMin) + "°");
        }
    }
}

package org.tessera.register;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.tessera.image.FloatImage;
import org.tessera.io.FitsFrame;
import org.tessera.io.Frame;
import org.tessera.io.InMemoryFrame;
import org.tessera.io.MountMode;
import org.tessera.solve.FrameAligner;
import org.tessera.solve.RawFrameAstrometry;
import org.tessera.solve.Solvers;
import org.tessera.solve.WcsCache;

/**
 * The area-correlation fallback for frames that the stars do not register although they show
 * enough of them (the star lists do not match), and the field rotation learnt from a session's
 * star registrations for frames whose headers do not give it ({@link SessionRotation}): synthetic
 * faint fields (those of {@link AreaCorrelationTest}) with bright stars added where the stars
 * should match, and blobs along a line (a flashing satellite's trail) where they should not.
 */
class RegistrationFallbackTest {

    static final int W = AreaCorrelationTest.W, H = AreaCorrelationTest.H;

    /** {@code n} bright stars (peaks 400–1500 ADU, well over the detector's threshold) within x ∈ [x0, x1). */
    static double[][] bright(int n, double x0, double x1, long seed) {
        Random r = new Random(seed);
        double[][] s = new double[n][];
        for (int i = 0; i < n; i++) s[i] = new double[] {x0 + (x1 - x0) * r.nextDouble(), 20 + (H - 40) * r.nextDouble(), 400 + 1100 * r.nextDouble()};
        return s;
    }

    /** {@code n} blobs of 800 ADU along a line across the frame: a satellite flashing as it tumbles. */
    static double[][] trail(int n) {
        double[][] s = new double[n][];
        for (int i = 0; i < n; i++) s[i] = new double[] {0.45 * W + 25.0 * i, 60 + 38.0 * i, 800};
        return s;
    }

    static double[][] concat(double[][]... parts) {
        List<double[]> all = new ArrayList<>();
        for (double[][] p : parts) all.addAll(Arrays.asList(p));
        return all.toArray(new double[0][]);
    }

    /** The stars scaled by {@code f} (a cloud). */
    static double[][] dimmed(double[][] s, double f) {
        double[][] out = new double[s.length][];
        for (int i = 0; i < s.length; i++) out[i] = new double[] {s[i][0], s[i][1], s[i][2] * f};
        return out;
    }

    /**
     * The reference: a faint field and 14 bright stars in its left third. The moving frame: the
     * field turned by 1.5° and shifted, a cloud bank over the left third (the bright stars there
     * ×0.03, under the detector), a dotted satellite trail in the rest. Its 12 detections are
     * the trail's, which match no triangle of the reference's stars.
     */
    static final double DEG = 1.5, DX = 12.4, DY = -7.3;

    @Test
    void aFrameWhoseStarsDoNotMatchIsRegisteredByAreaCorrelation() {
        float[] pattern = AreaCorrelationTest.fixedPattern(5);
        double[][] faint = AreaCorrelationTest.field(7), stars = bright(14, 20, W / 3.0, 3);
        FrameRegistrar reg = new FrameRegistrar();
        FrameRegistrar.Reference ref = reg.reference("ref", AreaCorrelationTest.frame(concat(faint, stars), 0, 0, pattern, 1), 20.0);
        FloatImage mov = withTrail(FieldRotationTest.turned(concat(faint, dimmed(stars, 0.03)), DEG, DX, DY, pattern, 11));
        int need = reg.params().minMatches();
        assertTrue(ref.stars().size() >= need, "reference stars " + ref.stars().size());
        int detected = reg.detector().detect(mov).size();
        assertTrue(detected >= need, "moving stars " + detected);

        // the stars alone fail, and not for want of stars
        FrameRegistrar off = new FrameRegistrar(FrameRegistrar.Params.defaults().withAreaCorrelation(false));
        Registration starsOnly = off.register(off.reference("ref", AreaCorrelationTest.frame(concat(faint, stars), 0, 0, pattern, 1), 20.0),
                "mov", mov, 20.0 - DEG);
        System.out.println("[FALLBACK] stars alone (" + detected + " detected): " + starsOnly.failure());
        assertFalse(starsOnly.ok(), starsOnly.toString());
        assertFalse(starsOnly.failure().startsWith("only "), starsOnly.failure());

        // the fallback: turned by the headers' field rotation, corners within half a pixel
        Registration r = reg.register(ref, "mov", mov, 20.0 - DEG);
        assertTrue(r.ok(), r.failure());
        assertEquals(Registration.Method.AREA_CORRELATION, r.method());
        double e = FieldRotationTest.worstPlacement(r.transform(), DEG, DX, DY);
        System.out.printf(Locale.ROOT, "[FALLBACK] %s (%s); worst corner error %.2f px%n", r.areaSummary(), r.fallback(), e);
        assertEquals(DEG, r.transform().rotationDeg(), 1e-9);
        assertTrue(e < 0.5, "worst corner error " + e + " px");
        assertTrue(r.peakSnr() > 2 * AreaCorrelation.MIN_SNR, "S/N " + r.peakSnr());
        assertTrue(r.fallback().startsWith("stars did not match: "), r.fallback());
        assertTrue(r.areaSummary().contains("from the headers' site and times"), r.areaSummary());
    }

    /** The trail's blobs (σ 1.5 px) added to a frame. */
    static FloatImage withTrail(FloatImage img) {
        float[] p = img.plane(0);
        for (double[] s : trail(12))
            for (int y = (int) s[1] - 7; y <= (int) s[1] + 7; y++)
                for (int x = (int) s[0] - 7; x <= (int) s[0] + 7; x++)
                    if (x >= 0 && y >= 0 && x < W && y < H)
                        p[y * W + x] += (float) (s[2] * Math.exp(-((x - s[0]) * (x - s[0]) + (y - s[1]) * (y - s[1])) / (2 * 1.5 * 1.5)));
        return img;
    }

    @Test
    void aGarbageFrameWithStarsIsStillRejectedWithItsReasons() {
        // frames whose stars do not match and whose pixels do not show the reference's field: the
        // area correlation finds no significant peak, turned or not, and the frame is named with both reasons
        float[] pattern = AreaCorrelationTest.fixedPattern(5);
        double[][] faint = AreaCorrelationTest.field(7), stars = bright(14, 20, W / 3.0, 3);
        FrameRegistrar reg = new FrameRegistrar();
        FrameRegistrar.Reference ref = reg.reference("ref", AreaCorrelationTest.frame(concat(faint, stars), 0, 0, pattern, 1), 20.0);
        FloatImage[] garbage = {
            withTrail(AreaCorrelationTest.frame(null, 0, 0, pattern, 400)), // noise under the same sensor, a trail
            // another field (its glow out of the search range) with bright stars of its own
            AreaCorrelationTest.frame(concat(AreaCorrelationTest.field(99), bright(20, 0, W, 98)), 330, 250, pattern, 401),
        };
        for (int i = 0; i < garbage.length; i++) {
            assertTrue(reg.detector().detect(garbage[i]).size() >= reg.params().minMatches());
            for (double q : new double[] {Double.NaN, 20.0 - DEG}) {
                Registration r = reg.register(ref, "garbage" + i, garbage[i], q);
                System.out.println("[FALLBACK] " + r.failure());
                assertFalse(r.ok(), "garbage registered: " + r);
                assertTrue(r.failure().contains("; area correlation"), r.failure());
                assertTrue(r.failure().contains("no significant peak"), r.failure());
                assertFalse(r.failure().startsWith("only "), r.failure());
                // turned, the sensor's pattern no longer cancels at the zero shift: up to S/N 8.8 there
                assertTrue(r.peakSnr() < AreaCorrelation.MIN_SNR, "S/N " + r.peakSnr());
                assertEquals(Double.isNaN(q) ? -1 : 0, r.failure().indexOf(", also turned by ±1.50°") < 0 ? -1 : 0);
            }
        }
    }

    /** Rotation (degrees) at τ minutes after the reference: an alt-az field turning faster as the target nears the meridian. */
    static double rotation(double tau) {
        return 0.09 * tau + 0.0008 * tau * tau;
    }

    @Test
    void theSessionFitFollowsTheRotationAndLeavesAnOutlierAndOtherSessionsOut() {
        double[] taus = {-30, -25, -20, -15, -10, -5, 0, 5, 10, 20, 25, 30};
        int n = taus.length + 3;
        double[] t = new double[n], rot = new double[n];
        double t0 = 1.7e9;
        for (int i = 0; i < taus.length; i++) {
            t[i] = t0 + 60 * taus[i];
            rot[i] = rotation(taus[i]) + 0.004 * Math.sin(7 * i); // star fits scatter by a few thousandths of a degree
        }
        rot[3] += 0.8; // a bad star match
        // another session 3 h later, the mount levelled anew: 5° off
        for (int k = 0; k < 3; k++) { t[taus.length + k] = t0 + 3 * 3600 + 600 * k; rot[taus.length + k] = 5 + 0.1 * k; }
        SessionRotation.Estimate e = SessionRotation.estimate(t, rot, n, t0 + 60 * 15);
        System.out.printf(Locale.ROOT, "[SESSION] at +15 min: %.4f° (truth %.4f°), %s%n", e.deg(), rotation(15), e);
        assertEquals(rotation(15), e.deg(), 0.01);
        assertEquals(2, e.degree());
        assertEquals(1, e.outliers());
        assertEquals(11, e.points());
        assertTrue(e.inside());
        // 10 min past the session's last frame: the parabola still (within half the span beyond it)
        SessionRotation.Estimate x = SessionRotation.estimate(t, rot, n, t0 + 60 * 40);
        System.out.printf(Locale.ROOT, "[SESSION] at +40 min: %.4f° (truth %.4f°), %s%n", x.deg(), rotation(40), x);
        assertEquals(2, x.degree());
        assertFalse(x.inside());
        assertEquals(rotation(40), x.deg(), 0.02);
        // 40 min past it: a line (a parabola is not taken that far)
        assertEquals(1, SessionRotation.estimate(t, rot, n, t0 + 60 * 70).degree());
        // in the later session: its own points only
        SessionRotation.Estimate l = SessionRotation.estimate(t, rot, n, t0 + 3 * 3600 + 900);
        assertEquals(5.15, l.deg(), 1e-6);
        assertEquals(3, l.points());
        // too few points, or a time more than the gap away from any: none
        assertNull(SessionRotation.estimate(t, rot, 2, t0));
        assertNull(SessionRotation.estimate(t, rot, n, t0 + 2 * 3600 - 60 * 10)); // 80 min after the first session's last point, 70 min before the next's first
        assertNull(SessionRotation.estimate(t, rot, n, t0 - 2 * 3600));
    }

    static Map<String, String> at(LocalDateTime t0, double tau) {
        return Map.of("DATE-OBS", t0.plusSeconds(Math.round(60 * tau)).toString(), "OBJECT", "synthetic"); // no site, no RA/DEC
    }

    @Test
    void aFrameWithoutSiteKeysGetsTheRotationOfItsSessionsStarRegisteredFrames() {
        float[] pattern = AreaCorrelationTest.fixedPattern(5);
        double[][] faint = AreaCorrelationTest.field(7), stars = bright(40, 20, W - 20, 21), sky = concat(faint, stars);
        LocalDateTime t0 = LocalDateTime.parse("2025-04-10T02:54:35");
        FrameRegistrar reg = new FrameRegistrar();
        Frame refFrame = new InMemoryFrame("ref", AreaCorrelationTest.frame(sky, 0, 0, pattern, 1), null, MountMode.ALT_AZ, 10, at(t0, 0));
        FrameRegistrar.Reference ref;
        try {
            ref = reg.reference(refFrame);
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
        // frames of the session registered by their stars, dithered, each turned by the field's rotation at its time
        double[] taus = {-20, -10, -5, 5, 10, 20, 25};
        List<Frame> frames = new ArrayList<>();
        List<Registration> regs = new ArrayList<>();
        Random dither = new Random(8);
        for (int i = 0; i < taus.length; i++) {
            double dx = 20 * dither.nextGaussian(), dy = 20 * dither.nextGaussian();
            Frame f = new InMemoryFrame("s" + i, FieldRotationTest.turned(sky, rotation(taus[i]), dx, dy, pattern, 30 + i), null,
                    MountMode.ALT_AZ, 10, at(t0, taus[i]));
            Registration r = reg.register(ref, f);
            assertEquals(Registration.Method.TRIANGLES, r.method(), String.valueOf(r.failure()));
            assertEquals(rotation(taus[i]), r.transform().rotationDeg(), 0.01);
            frames.add(f);
            regs.add(r);
        }
        // the faint frame: the bright stars lost in thin cloud, 15 min after the reference
        double tau = 15, deg = rotation(tau), dx = -14.2, dy = 9.6;
        Frame faintFrame = new InMemoryFrame("faint", FieldRotationTest.turned(concat(faint, dimmed(stars, 0.03)), deg, dx, dy, pattern, 50),
                null, MountMode.ALT_AZ, 10, at(t0, tau));
        Registration first = reg.register(ref, faintFrame);
        double e0 = first.ok() ? FieldRotationTest.worstPlacement(first.transform(), deg, dx, dy) : Double.NaN;
        System.out.printf(Locale.ROOT, "[SESSION] first pass: %s; worst corner error %.2f px%n",
                first.ok() ? first.areaSummary() : first.failure(), e0);
        assertTrue(first.areaWithoutTurn(), first.toString());
        frames.add(faintFrame);
        regs.add(first);

        List<SessionRotation.Turn> turns = SessionRotation.retries(refFrame, frames, regs);
        for (int i = 0; i < taus.length; i++) assertNull(turns.get(i), "frames registered by their stars are not retried");
        SessionRotation.Turn turn = turns.get(taus.length);
        assertNotNull(turn);
        System.out.printf(Locale.ROOT, "[SESSION] turn %.4f° (truth %.4f°), %s%n", turn.deg(), deg, turn.from());
        assertEquals(deg, turn.deg(), 0.02);
        assertTrue(turn.from().startsWith("fitted on the session's 8 frames registered by their stars"), turn.from());

        Registration r = reg.register(ref, faintFrame, turn);
        assertTrue(r.ok(), r.failure());
        assertEquals(Registration.Method.AREA_CORRELATION, r.method());
        double e = FieldRotationTest.worstPlacement(r.transform(), deg, dx, dy);
        System.out.printf(Locale.ROOT, "[SESSION] retried: %s; worst corner error %.2f px (first pass %.2f px)%n", r.areaSummary(), e, e0);
        assertEquals(turn.deg(), r.transform().rotationDeg(), 1e-9);
        assertTrue(e < 1.0, "worst corner error " + e + " px");
        assertTrue(r.areaSummary().contains("fitted on the session's 8 frames"), r.areaSummary());
        assertTrue(!first.ok() || e0 > 8, "translation only misplaces the corners: " + e0 + " px");

        // with site keys in both headers the headers' rotation was tried already: no retry
        Map<String, String> site = new java.util.HashMap<>(at(t0, 0));
        site.putAll(Map.of("RA", "193.04", "DEC", "40.97", "SITELAT", "32.9", "SITELONG", "-79.8"));
        Frame refSited = new InMemoryFrame("ref", FloatImageStub.EMPTY, null, MountMode.ALT_AZ, 10, site);
        Map<String, String> site2 = new java.util.HashMap<>(site);
        site2.put("DATE-OBS", t0.plusSeconds(900).toString());
        List<Frame> sited = new ArrayList<>(frames);
        sited.set(taus.length, new InMemoryFrame("faint", FloatImageStub.EMPTY, null, MountMode.ALT_AZ, 10, site2));
        assertNull(SessionRotation.retries(refSited, sited, regs).get(taus.length));
    }

    @Test
    void onOneMachineTheGroupsFramesAreRegisteredAgainWithTheirSessionsRotation(@TempDir Path dir) throws Exception {
        // the same session as FITS files without site keys, registered as a mosaic's Phase 1 does
        // (RawFrameAstrometry.Work.LOCAL: the group's frames on its reference, then the retries)
        float[] pattern = AreaCorrelationTest.fixedPattern(5);
        double[][] faint = AreaCorrelationTest.field(7), stars = bright(40, 20, W - 20, 21), sky = concat(faint, stars);
        LocalDateTime t0 = LocalDateTime.parse("2025-04-10T02:54:35");
        double[] taus = {-20, -10, -5, 5, 10, 20, 25};
        Random dither = new Random(8);
        FitsFrame ref = FitsFrame.open(writeFits(dir, "ref.fits", AreaCorrelationTest.frame(sky, 0, 0, pattern, 1), at(t0, 0)));
        List<RawFrameAstrometry.Pair> pairs = new ArrayList<>();
        for (int i = 0; i < taus.length; i++) {
            double dx = 20 * dither.nextGaussian(), dy = 20 * dither.nextGaussian();
            pairs.add(new RawFrameAstrometry.Pair(ref, FitsFrame.open(writeFits(dir, "s" + i + ".fits",
                    FieldRotationTest.turned(sky, rotation(taus[i]), dx, dy, pattern, 30 + i), at(t0, taus[i])))));
        }
        double tau = 15, deg = rotation(tau), dx = -14.2, dy = 9.6;
        pairs.add(new RawFrameAstrometry.Pair(ref, FitsFrame.open(writeFits(dir, "faint.fits",
                FieldRotationTest.turned(concat(faint, dimmed(stars, 0.03)), deg, dx, dy, pattern, 50), at(t0, tau)))));
        FrameRegistrar registrar = new FrameRegistrar();
        RawFrameAstrometry stage = new RawFrameAstrometry(new Solvers.Choice(null, "none (test)"), FrameAligner.stars(registrar),
                new WcsCache(dir.resolve("out")), 3.0, false, 2);
        List<Registration> regs = RawFrameAstrometry.Work.LOCAL.register(stage, pairs, org.tessera.Progress.NONE);
        FrameRegistrar.Reference r0 = registrar.reference(ref);
        for (int i = 0; i < taus.length; i++) // the star registrations as they are alone
            assertEquals(registrar.register(r0, pairs.get(i).moving()), regs.get(i));
        Registration r = regs.get(taus.length);
        assertTrue(r.ok(), r.failure());
        assertEquals(Registration.Method.AREA_CORRELATION, r.method());
        double e = FieldRotationTest.worstPlacement(r.transform(), deg, dx, dy);
        System.out.printf(Locale.ROOT, "[SESSION] one machine: %s; worst corner error %.2f px%n", r.areaSummary(), e);
        assertEquals(deg, r.transform().rotationDeg(), 0.02);
        assertTrue(e < 1.0, "worst corner error " + e + " px");
        assertTrue(r.turnFrom().startsWith("fitted on the session's 8 frames registered by their stars"), r.turnFrom());
    }

    /** A one-plane float FITS frame with the given header keys (strings). */
    static Path writeFits(Path dir, String name, FloatImage img, Map<String, String> keys) throws Exception {
        float[][] data = new float[img.height()][img.width()];
        for (int y = 0; y < img.height(); y++) System.arraycopy(img.plane(0), y * img.width(), data[y], 0, img.width());
        nom.tam.fits.BasicHDU<?> hdu = nom.tam.fits.Fits.makeHDU(data);
        for (Map.Entry<String, String> k : keys.entrySet()) hdu.getHeader().addValue(k.getKey(), k.getValue(), null);
        Path f = dir.resolve(name);
        try (nom.tam.fits.Fits fits = new nom.tam.fits.Fits()) {
            fits.addHDU(hdu);
            fits.write(f.toFile());
        }
        return f;
    }

    /** A placeholder image for frames whose keys alone are read. */
    static final class FloatImageStub {
        static final FloatImage EMPTY = new FloatImage(1, 1, 1);
    }
}

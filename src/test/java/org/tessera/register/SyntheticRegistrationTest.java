package org.tessera.register;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Locale;
import java.util.Random;

import org.junit.jupiter.api.Test;

import org.tessera.image.FloatImage;
import org.tessera.synth.Psf;
import org.tessera.synth.SkyModel;
import org.tessera.wcs.FitsWcs;
import org.tessera.wcs.Projections;
import org.tessera.wcs.Wcs;

/**
 * Registration on synthetic frames rendered by the synth package's sky painter: every frame shares
 * one tangent point, so the true moving → reference map is exactly affine and known from the WCS.
 */
class SyntheticRegistrationTest {

    static final int W = 480, H = 360;
    static final double SCALE = 3.0 / 3600; // 3″/px
    static final double RA = 150, DEC = 30;
    static final SkyModel SKY = SkyModel.random(new SkyModel.StarField(RA, DEC, 0.6, 3000, 400, 40000, 1.2, 0), 42);
    static final Psf PSF = Psf.moffat(9.0, 3); // FWHM 3 px

    /** TAN WCS: tangent point (RA, DEC), rotation deg, the tangent point at 0-based pixel (cx, cy). */
    static Wcs wcs(double deg, double cx, double cy) {
        double r = Math.toRadians(deg), c = Math.cos(r) * SCALE, s = Math.sin(r) * SCALE;
        return new FitsWcs(Projections.TAN, cx + 1, cy + 1, RA, DEC, -c, s, s, c);
    }

    /** A frame: sky 100 + stars + Gaussian noise σ = 5 (seeded). */
    static FloatImage render(Wcs w, long seed) {
        return render(SKY, w, seed);
    }

    static FloatImage render(SkyModel sky, Wcs w, long seed) {
        FloatImage img = new FloatImage(W, H, 1);
        sky.render(w, W, H, img.planes(), null, PSF, 1.0);
        Random r = new Random(seed);
        float[] p = img.plane(0);
        for (int i = 0; i < p.length; i++) p[i] += (float) (100 + 5 * r.nextGaussian());
        return img;
    }

    static double truthRms(Affine t, Wcs mov, Wcs ref) {
        return M94RegistrationTest.rmsAgainstTruth(t, mov, ref, W, H);
    }

    static final Wcs REF_WCS = wcs(0, W / 2.0, H / 2.0);
    static final FloatImage REF = render(REF_WCS, 1);

    private static Registration register(FloatImage moving, String name) {
        FrameRegistrar reg = new FrameRegistrar();
        return reg.register(reg.reference("ref", REF), name, moving);
    }

    @Test
    void anyRotationFrom0To180DegreesWithShifts() {
        double[][] cases = {{0, 7.3, -4.6}, {0.4, -20, 11}, {10, 30, -25}, {45, -15, 40}, {90, 5, 5}, {135, 60, -10}, {179.3, -33, 18}, {180, 0, 0}, {-63, 12, 27}};
        for (double[] c : cases) {
            Wcs w = wcs(c[0], W / 2.0 + c[1], H / 2.0 + c[2]);
            Registration r = register(render(w, 100 + (long) c[0]), "rot" + c[0]);
            assertTrue(r.ok(), "rotation " + c[0] + ": " + r.failure());
            double truth = truthRms(r.transform(), w, REF_WCS);
            System.out.printf(Locale.ROOT, "[SYN] rotation %.1f shift (%.1f, %.1f): %s, %d stars, fit %.3f px, vs truth %.3f px%n",
                    c[0], c[1], c[2], r.method(), r.matchedStars(), r.rmsPx(), truth);
            assertTrue(truth < 0.1, "rotation " + c[0] + ": " + truth + " px from the truth");
            assertEquals(1.0, r.transform().scale(), 1e-3);
            // triangles first at any rotation: the FFT shift is only asked for when they fail
            assertEquals(Registration.Method.TRIANGLES, r.method(), "rotation " + c[0]);
            assertTrue(r.matchedStars() >= 40, "stars " + r.matchedStars());
        }
    }

    @Test
    void theFftShiftTakesOverWhenTheBrightestStarsFormNoCommonTriangle() {
        // A frame that only moved, whose three brightest detections (bright blobs: a satellite
        // glint, a plane's lights) are not on the reference: the one triangle of its three
        // brightest stars matches none of the reference's, the FFT shift then pairs the stars.
        double dx = 12.5, dy = -7.25;
        Wcs w = wcs(0, W / 2.0 + dx, H / 2.0 + dy);
        FloatImage moving = render(w, 77);
        float[] p = moving.plane(0);
        int[][] blobs = {{60, 50}, {400, 90}, {250, 300}};
        for (int[] b : blobs)
            for (int y = b[1] - 6; y <= b[1] + 6; y++)
                for (int x = b[0] - 6; x <= b[0] + 6; x++)
                    p[y * W + x] += (float) (5000 * Math.exp(-((x - b[0]) * (x - b[0]) + (y - b[1]) * (y - b[1])) / 4.5));
        FrameRegistrar.Params three = new FrameRegistrar.Params(FrameRegistrar.Params.defaults().detection(),
                FrameRegistrar.Model.SIMILARITY, 3, 3, 1, 8, 0.8, 1.25, true);
        FrameRegistrar reg = new FrameRegistrar(three);
        Registration r = reg.register(reg.reference("ref", REF), "blobs", moving);
        assertTrue(r.ok(), r.failure());
        assertEquals(Registration.Method.PHASE_CORRELATION, r.method());
        assertTrue(r.matchedStars() >= 100, "stars " + r.matchedStars());
        assertEquals(-dx, r.transform().c(), 0.2);
        assertEquals(-dy, r.transform().f(), 0.2);
        assertTrue(truthRms(r.transform(), w, REF_WCS) < 0.1);
        // without the FFT, the next round of triangles (6 stars) finds the same fit
        FrameRegistrar noFft = new FrameRegistrar(three.withPhaseCorrelation(false));
        Registration t = noFft.register(noFft.reference("ref", REF), "blobs", moving);
        assertEquals(Registration.Method.TRIANGLES, t.method());
        assertEquals(r.transform().c(), t.transform().c(), 1e-3);
        assertEquals(r.transform().f(), t.transform().f(), 1e-3);
    }

    @Test
    void thirtyPercentOverlapShiftedAndRotated() {
        // the moving frame's centre 0.7 W to the right of the reference's: 30 % of the area is shared
        for (double deg : new double[] {0, 120}) {
            double dx = 0.7 * W;
            Wcs w = wcs(deg, W / 2.0 - dx * Math.cos(Math.toRadians(deg)), H / 2.0 + dx * Math.sin(Math.toRadians(deg)));
            // shift along the reference's +x: place the tangent point left of the moving frame's centre
            w = shiftedSky(deg, dx);
            Registration r = register(render(w, 7), "overlap30_" + deg);
            assertTrue(r.ok(), "30 % overlap at " + deg + " deg: " + r.failure());
            double truth = truthRms(r.transform(), w, REF_WCS);
            System.out.printf(Locale.ROOT, "[SYN] 30%% overlap, rotation %.0f: %s, %d stars, vs truth %.3f px%n", deg, r.method(), r.matchedStars(), truth);
            assertTrue(truth < 0.15, "30 % overlap at " + deg + ": " + truth + " px");
        }
    }

    /** A frame rotated by deg whose centre sits dx reference pixels right of the reference's centre. */
    static Wcs shiftedSky(double deg, double dx) {
        // reference pixel (W/2 + dx, H/2) ↔ moving centre; moving pixel p ↔ std = R(deg)·(p − crpix)·scale
        double r = Math.toRadians(deg);
        // the reference's std coordinates of the moving centre: (−dx·SCALE, 0) with CD = diag(−s, s)
        double xi = -dx * SCALE, eta = 0;
        // solve CD_m·(centre − crpix) = (xi, eta), CD_m = SCALE·[[−c, s], [s, c]]; its inverse is itself / SCALE²
        double c = Math.cos(r), s = Math.sin(r);
        double ux = (-c * xi + s * eta) / SCALE, uy = (s * xi + c * eta) / SCALE;
        return wcs(deg, W / 2.0 - ux, H / 2.0 - uy);
    }

    @Test
    void hotPixelsAndASatelliteTrailDoNotDisturbIt() {
        Wcs w = wcs(33, W / 2.0 + 14, H / 2.0 - 9);
        FloatImage img = render(w, 99);
        Random r = new Random(3);
        float[] p = img.plane(0);
        for (int k = 0; k < 300; k++) p[r.nextInt(p.length)] += 2000 + r.nextInt(30000);
        // a satellite trail: 3 px wide, across the whole frame
        for (int x = 0; x < W; x++)
            for (int d = -1; d <= 1; d++) {
                int y = (int) Math.round(40 + 0.55 * x) + d;
                if (y >= 0 && y < H) p[y * W + x] += d == 0 ? 900 : 400;
            }
        Registration reg = register(img, "trail");
        assertTrue(reg.ok(), reg.failure());
        double truth = truthRms(reg.transform(), w, REF_WCS);
        System.out.printf(Locale.ROOT, "[SYN] hot pixels + trail: %s, %d stars, vs truth %.3f px%n", reg.method(), reg.matchedStars(), truth);
        assertTrue(truth < 0.1, truth + " px");
        // the detector itself keeps neither the hot pixels nor the trail: every star it finds is
        // one it also finds on the clean frame
        org.tessera.detect.StarDetector det = new org.tessera.detect.StarDetector();
        List<org.tessera.detect.Star> stars = det.detect(img), clean = det.detect(render(w, 99));
        int spurious = 0;
        for (org.tessera.detect.Star s : stars) {
            boolean known = false;
            for (org.tessera.detect.Star c : clean) known |= Math.hypot(c.x() - s.x(), c.y() - s.y()) < 2;
            if (!known) spurious++;
        }
        System.out.printf(Locale.ROOT, "[SYN] %d stars detected (%d on the clean frame), %d spurious%n", stars.size(), clean.size(), spurious);
        // a hot pixel falling on a faint star's wing can pull its centroid away: a few, never the trail
        assertTrue(spurious <= 5, spurious + " spurious stars");
        assertTrue(stars.size() >= clean.size() - 10, "stars lost: " + stars.size() + " of " + clean.size());
    }

    /** Adds demosaiced-looking hot pixels (a 3×3 blob: 1, ½, ¼) at fixed sensor positions. */
    static FloatImage withSensorHotPixels(FloatImage img, long seed, int count) {
        FloatImage out = new FloatImage(W, H, new float[][] {img.plane(0).clone()});
        Random r = new Random(seed);
        float[] p = out.plane(0);
        for (int k = 0; k < count; k++) {
            int x = 1 + r.nextInt(W - 2), y = 1 + r.nextInt(H - 2);
            float h = 3000 + r.nextInt(20000);
            for (int dy = -1; dy <= 1; dy++)
                for (int dx = -1; dx <= 1; dx++) p[(y + dy) * W + x + dx] += h / (1 << (Math.abs(dx) + Math.abs(dy)));
        }
        return out;
    }

    @Test
    void hotPixelsFixedOnTheSensorNeverPairUp() {
        // Uncorrected, demosaiced hot pixels survive detection (up to 3×3 pixels) and sit at the same
        // pixels in every frame; small dithers must still be found from the stars.
        FloatImage ref = withSensorHotPixels(REF, 12, 80);
        for (double[] c : new double[][] {{0, 2.5, -1.5}, {0, 0.4, 0.3}, {40, 6, 4}}) {
            Wcs w = wcs(c[0], W / 2.0 + c[1], H / 2.0 + c[2]);
            FloatImage mov = withSensorHotPixels(render(w, 200 + (long) c[1]), 12, 80);
            FrameRegistrar reg = new FrameRegistrar();
            Registration r = reg.register(reg.reference("ref", ref), "dither", mov);
            assertTrue(r.ok(), r.failure());
            double truth = truthRms(r.transform(), w, REF_WCS);
            System.out.printf(Locale.ROOT, "[SYN] sensor hot pixels, rotation %.0f dither (%.1f, %.1f): %s, %d stars, vs truth %.3f px%n",
                    c[0], c[1], c[2], r.method(), r.matchedStars(), truth);
            assertTrue(truth < 0.1, truth + " px");
        }
    }

    @Test
    void framesThatCannotBeRegisteredFailWithAReason() {
        FrameRegistrar reg = new FrameRegistrar();
        FrameRegistrar.Reference ref = reg.reference("ref", REF);
        // pure noise
        FloatImage noise = new FloatImage(W, H, 1);
        Random r = new Random(4);
        for (int i = 0; i < W * H; i++) noise.plane(0)[i] = (float) (100 + 5 * r.nextGaussian());
        Registration a = reg.register(ref, "noise", noise);
        assertFalse(a.ok());
        assertNull(a.transform());
        assertEquals(Registration.Method.FAILED, a.method());
        assertTrue(a.failure().contains("stars detected"), a.failure());
        // another part of the sky (another random star field): nothing in common
        SkyModel other = SkyModel.random(new SkyModel.StarField(RA, DEC, 0.6, 3000, 400, 40000, 1.2, 0), 4242);
        Registration b = reg.register(ref, "elsewhere", render(other, wcs(20, W / 2.0, H / 2.0), 5));
        assertFalse(b.ok(), "registered a frame with no overlap: " + b);
        assertTrue(b.failure().contains("overlap") || b.failure().contains("common field"), b.failure());
        // an empty (all-NaN) frame
        FloatImage empty = new FloatImage(W, H, 1);
        empty.fill(Float.NaN);
        Registration c = reg.register(ref, "empty", empty);
        assertFalse(c.ok());
        assertTrue(c.failure().contains("0 stars"), c.failure());
        System.out.println("[SYN] failures: " + a.failure() + " | " + b.failure() + " | " + c.failure());
    }

    @Test
    void theAffineModelAndTheStarsOnlyEntryAgreeWithTheTruth() {
        Wcs w = wcs(-150, W / 2.0 - 21, H / 2.0 + 16);
        FloatImage img = render(w, 77);
        FrameRegistrar affine = new FrameRegistrar(FrameRegistrar.Params.defaults().withModel(FrameRegistrar.Model.AFFINE));
        Registration a = affine.register(affine.reference("ref", REF), "affine", img);
        assertTrue(a.ok(), a.failure());
        assertTrue(truthRms(a.transform(), w, REF_WCS) < 0.1, "affine " + truthRms(a.transform(), w, REF_WCS));
        // from star lists alone (no FFT path): the same transform
        FrameRegistrar reg = new FrameRegistrar();
        org.tessera.detect.StarDetector det = reg.detector();
        FrameRegistrar.Reference ref = reg.reference("ref", W, H, det.detect(REF));
        Registration b = reg.register(ref, "stars", det.detect(img));
        assertTrue(b.ok(), b.failure());
        assertEquals(Registration.Method.TRIANGLES, b.method());
        assertTrue(truthRms(b.transform(), w, REF_WCS) < 0.1, "stars only " + truthRms(b.transform(), w, REF_WCS));
        assertEquals(-150, b.transform().rotationDeg(), 0.05);
    }

    @Test
    void aGroupIsRegisteredInOrderAndItsFailuresAreListed() throws Exception {
        java.util.Map<String, String> keys = java.util.Map.of();
        org.tessera.io.InMemoryFrame ref = new org.tessera.io.InMemoryFrame("ref.fit", REF, null, org.tessera.io.MountMode.UNKNOWN, 10, keys);
        Wcs w = wcs(75, W / 2.0 + 9, H / 2.0 - 4);
        org.tessera.io.InMemoryFrame rot = new org.tessera.io.InMemoryFrame("rot.fit", render(w, 31), null, org.tessera.io.MountMode.UNKNOWN, 10, keys);
        FloatImage noise = new FloatImage(W, H, 1);
        Random r = new Random(6);
        for (int i = 0; i < W * H; i++) noise.plane(0)[i] = (float) (100 + 5 * r.nextGaussian());
        org.tessera.io.InMemoryFrame bad = new org.tessera.io.InMemoryFrame("noise.fit", noise, null, org.tessera.io.MountMode.UNKNOWN, 10, keys);
        FrameRegistrar reg = new FrameRegistrar();
        List<Registration> out = reg.registerAll(reg.reference(ref), List.of(rot, ref, bad));
        assertEquals(List.of("rot.fit", "ref.fit", "noise.fit"), out.stream().map(Registration::frame).toList());
        assertTrue(out.get(0).ok());
        assertTrue(truthRms(out.get(0).transform(), w, REF_WCS) < 0.1);
        assertEquals(Registration.Method.IDENTITY, out.get(1).method());
        assertFalse(out.get(2).ok());
    }

    @Test
    void theTransformInvertsAndComposes() {
        Affine t = Affine.similarity(1.01, 37, 12.5, -3.25);
        Affine u = t.inverse().after(t);
        double[] p = u.apply(100, 200);
        assertEquals(100, p[0], 1e-9);
        assertEquals(200, p[1], 1e-9);
        assertEquals(37, t.rotationDeg(), 1e-9);
        assertEquals(1.01, t.scale(), 1e-12);
    }
}

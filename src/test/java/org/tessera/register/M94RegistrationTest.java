package org.tessera.register;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import org.tessera.detect.Luminance;
import org.tessera.image.FloatImage;
import org.tessera.io.FitsFrame;
import org.tessera.io.FrameReading;
import org.tessera.wcs.Wcs;

/**
 * Registration of the raw Seestar M 94 frames (no WCS) against ground truth: the transform implied
 * by the plate-solved WCS of the same frames in seestar_m94_subset (same pixels).
 */
class M94RegistrationTest {

    static final Path RAW = Path.of("../shared/data/seestar_m94_raw");
    static final Path SOLVED = Path.of("../shared/data/seestar_m94_subset");

    static List<Path> files(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(p -> p.toString().toLowerCase(Locale.ROOT).endsWith(".fit")).sorted().toList();
        }
    }

    /** RMS over a 16×16 grid of the moving frame of |t(p) − truth(p)|, truth = ref.wcs⁻¹(mov.wcs(p)). */
    static double rmsAgainstTruth(Affine t, Wcs mov, Wcs ref, int w, int h) {
        return rmsAgainstTruth(t, mov, ref, w, h, false);
    }

    static double rmsAgainstTruth(Affine t, Wcs mov, Wcs ref, int w, int h, boolean overlapOnly) {
        double ss = 0;
        int n = 0;
        double[] sky = new double[2], truth = new double[2], got = new double[2];
        for (int j = 0; j < 16; j++)
            for (int i = 0; i < 16; i++) {
                double x = (i + 0.5) * w / 16, y = (j + 0.5) * h / 16;
                mov.pixelToWorld(x, y, sky);
                ref.worldToPixel(sky[0], sky[1], truth);
                t.apply(x, y, got);
                if (overlapOnly && !(truth[0] >= 0 && truth[0] < w && truth[1] >= 0 && truth[1] < h)) continue;
                double dx = got[0] - truth[0], dy = got[1] - truth[1];
                ss += dx * dx + dy * dy;
                n++;
            }
        return Math.sqrt(ss / n);
    }

    /** Index of the frame whose solved centre is closest to the mean centre of the given frames (the pipeline's rule). */
    static int centralFrame(List<Wcs> wcs, List<Integer> members, int w, int h) {
        double[][] c = new double[members.size()][];
        double sx = 0, sy = 0, sz = 0;
        for (int k = 0; k < members.size(); k++) {
            double[] sky = new double[2];
            wcs.get(members.get(k)).pixelToWorld((w - 1) / 2.0, (h - 1) / 2.0, sky);
            double ra = Math.toRadians(sky[0]), de = Math.toRadians(sky[1]);
            c[k] = new double[] {Math.cos(de) * Math.cos(ra), Math.cos(de) * Math.sin(ra), Math.sin(de)};
            sx += c[k][0]; sy += c[k][1]; sz += c[k][2];
        }
        int best = members.get(0);
        double bd = -2;
        for (int k = 0; k < members.size(); k++) {
            double d = (c[k][0] * sx + c[k][1] * sy + c[k][2] * sz) / Math.sqrt(sx * sx + sy * sy + sz * sz);
            if (d > bd) { bd = d; best = members.get(k); }
        }
        return best;
    }

    @Test
    void everyRawFrameRegistersOntoItsReferenceAndAcrossNightsAsTheSolvedWcsSays() throws Exception {
        Assumptions.assumeTrue(Files.isDirectory(RAW) && Files.isDirectory(SOLVED), "skipped: ../shared/data/seestar_m94_raw not found");
        List<Path> raw = files(RAW);
        assertEquals(12, raw.size());
        List<FloatImage> lums = new ArrayList<>();
        List<Wcs> wcs = new ArrayList<>();
        List<Integer> sessionA = new ArrayList<>(), sessionB = new ArrayList<>();
        for (int i = 0; i < raw.size(); i++) {
            Path p = raw.get(i);
            // as the pipeline gets input frames (hot-pixel corrected); the registrar measures stars
            // on the pixels as stored
            FitsFrame f = FitsFrame.open(p).withReading(FrameReading.DEFAULT);
            assertTrue(!f.hasWcs(), "raw frames carry no WCS");
            lums.add(Luminance.of(FrameRegistrar.starPixels(f)));
            wcs.add(FitsFrame.open(SOLVED.resolve(RAW.relativize(p))).wcs());
            (p.toString().contains("night3") ? sessionB : sessionA).add(i);
        }
        int w = lums.get(0).width(), h = lums.get(0).height();
        FrameRegistrar reg = new FrameRegistrar();
        // night1 + night2 (field rotation ≈ +178.5°) and night3 (≈ −111.8°): each group onto its
        // central frame, then night3 onto the first group's reference across the ≈ 70° rotation.
        int refA = centralFrame(wcs, sessionA, w, h), refB = centralFrame(wcs, sessionB, w, h);
        FrameRegistrar.Reference a = reg.reference(raw.get(refA).getFileName().toString(), lums.get(refA)),
                b = reg.reference(raw.get(refB).getFileName().toString(), lums.get(refB));
        double worst = 0;
        for (int i = 0; i < raw.size(); i++) {
            boolean inA = sessionA.contains(i);
            for (boolean cross : new boolean[] {false, true}) {
                if (cross && inA) continue;
                int refi = cross || inA ? refA : refB;
                Registration r = reg.register(cross || inA ? a : b, raw.get(i).getFileName().toString(), lums.get(i));
                assertTrue(r.ok(), raw.get(i) + ": " + r.failure());
                double truth = rmsAgainstTruth(r.transform(), wcs.get(i), wcs.get(refi), w, h);
                System.out.printf(Locale.ROOT, "[M94] %s -> %d: %s, %d stars, fit RMS %.3f px, rotation %.2f deg, vs solved WCS %.3f px (%.3f px where the frames overlap)%n",
                        raw.get(i).getFileName(), refi, r.method(), r.matchedStars(), r.rmsPx(), r.transform().rotationDeg(), truth,
                        rmsAgainstTruth(r.transform(), wcs.get(i), wcs.get(refi), w, h, true));
                double inOverlap = rmsAgainstTruth(r.transform(), wcs.get(i), wcs.get(refi), w, h, true);
                worst = Math.max(worst, cross ? inOverlap : truth);
                // Within a group: over the whole frame. Across nights the frames share ~60 % of the
                // field; over the shared part the limit is the same, over the whole frame (an
                // extrapolation) 0.35 px: frame 225435's own solved WCS fits its star pairs worse
                // (0.37 px RMS on the bright stars) than the registration does (0.27 px).
                assertTrue((cross ? inOverlap : truth) <= 0.3, raw.get(i) + " -> frame " + refi + ": " + truth + " px from the solved WCS");
                if (cross) assertTrue(truth <= 0.35, raw.get(i) + " -> frame " + refi + " whole frame: " + truth + " px");
                if (i == refi) assertEquals(Registration.Method.IDENTITY, r.method());
                else {
                    assertTrue(r.matchedStars() >= 25, "stars matched " + r.matchedStars());
                    assertTrue(r.rmsPx() < 0.5, "fit RMS " + r.rmsPx());
                }
                if (cross) {
                    assertEquals(Registration.Method.TRIANGLES, r.method());
                    assertEquals(69.5, r.transform().rotationDeg(), 1.0);
                } else if (i != refi) {
                    // triangles first: the FFT shift is asked for only when they fail
                    assertEquals(Registration.Method.TRIANGLES, r.method());
                }
            }
        }
        System.out.printf(Locale.ROOT, "[M94] worst %.3f px%n", worst);
    }

    @Test
    void ngc7023SessionsRegisterAcrossTheir121DegreeRotation() throws Exception {
        Path dir = Path.of("../shared/data/seestar_ngc7023_solved");
        Assumptions.assumeTrue(Files.isDirectory(dir), "skipped: ../shared/data/seestar_ngc7023_solved not found");
        List<Path> files = files(dir);
        assertEquals(6, files.size());
        FrameRegistrar reg = new FrameRegistrar();
        FitsFrame r0 = FitsFrame.open(files.get(0)).withReading(FrameReading.DEFAULT);
        FrameRegistrar.Reference ref = reg.reference(r0);
        for (Path p : files.subList(1, files.size())) {
            FitsFrame f = FitsFrame.open(p).withReading(FrameReading.DEFAULT);
            Registration r = reg.register(ref, f);
            assertTrue(r.ok(), p + ": " + r.failure());
            double truth = rmsAgainstTruth(r.transform(), f.wcs(), r0.wcs(), f.width(), f.height(), true);
            System.out.printf(Locale.ROOT, "[N7023] %s: %s, %d stars, fit RMS %.3f px, rotation %.2f deg, vs solved WCS %.3f px over the shared field%n",
                    p.getFileName(), r.method(), r.matchedStars(), r.rmsPx(), r.transform().rotationDeg(), truth);
            assertTrue(truth <= 0.3, p + ": " + truth + " px from the solved WCS");
            boolean otherSession = p.getFileName().toString().contains("2025");
            assertEquals(Registration.Method.TRIANGLES, r.method());
            if (otherSession) assertEquals(121, Math.abs(r.transform().rotationDeg()), 3);
        }
    }
}

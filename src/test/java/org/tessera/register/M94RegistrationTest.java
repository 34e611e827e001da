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
        double ss = 0;
        int n = 0;
        double[] sky = new double[2], truth = new double[2], got = new double[2];
        for (int j = 0; j < 16; j++)
            for (int i = 0; i < 16; i++) {
                double x = (i + 0.5) * w / 16, y = (j + 0.5) * h / 16;
                mov.pixelToWorld(x, y, sky);
                ref.worldToPixel(sky[0], sky[1], truth);
                t.apply(x, y, got);
                double dx = got[0] - truth[0], dy = got[1] - truth[1];
                ss += dx * dx + dy * dy;
                n++;
            }
        return Math.sqrt(ss / n);
    }

    @Test
    void everyRawFrameRegistersOntoTheReferenceWithinATenthOfAPixelOfTheSolvedWcs() throws Exception {
        Assumptions.assumeTrue(Files.isDirectory(RAW) && Files.isDirectory(SOLVED), "skipped: ../shared/data/seestar_m94_raw not found");
        List<Path> raw = files(RAW);
        assertEquals(12, raw.size());
        FrameRegistrar reg = new FrameRegistrar();
        long t0 = System.nanoTime();
        FitsFrame refRaw = FitsFrame.open(raw.get(0));
        FrameRegistrar.Reference ref = reg.reference(refRaw);
        Wcs refWcs = FitsFrame.open(SOLVED.resolve(RAW.relativize(raw.get(0)))).wcs();
        System.out.println("ref stars " + ref.stars().size() + " in " + (System.nanoTime() - t0) / 1e6 + " ms");
        for (Path p : raw) {
            long t1 = System.nanoTime();
            FitsFrame f = FitsFrame.open(p);
            Registration r = reg.register(ref, f);
            Wcs w = FitsFrame.open(SOLVED.resolve(RAW.relativize(p))).wcs();
            double truthRms = r.ok() ? rmsAgainstTruth(r.transform(), w, refWcs, f.width(), f.height()) : Double.NaN;
            System.out.printf(Locale.ROOT, "%s ok=%s method=%s pairs=%d rms=%.3f truth=%.3f rot=%.2f %.0f ms %s%n", p.getFileName(), r.ok(),
                    r.method(), r.matchedStars(), r.rmsPx(), truthRms, r.ok() ? r.transform().rotationDeg() : Double.NaN,
                    (System.nanoTime() - t1) / 1e6, r.failure());
        }
    }
}

package org.tessera.solve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tessera.io.FitsFrame;
import org.tessera.wcs.FitsWcs;

/**
 * The real astrometry.net solver on the raw M 94 frames: each group's reference (3 groups: one per
 * session, the two pointings of night 1 within a quarter field) solves from the header hints, and
 * its field centre and scale agree with the plate-solved twin of the same pixels.
 */
class AstrometryNetSolverTest {

    @Test
    void eachGroupReferenceOfTheRawM94SubsetSolves(@TempDir Path tmp) throws Exception {
        M94Data.assumeData();
        String exe = M94Data.requireSolveField();
        List<FitsFrame> raw = M94Data.open(M94Data.RAW);
        assertEquals(12, raw.size());
        assertTrue(raw.stream().noneMatch(FitsFrame::hasWcs), "the raw frames carry no WCS");
        List<RawGroups.Group> groups = RawGroups.group(raw, 3.0);
        assertEquals(List.of(6, 2, 4), groups.stream().map(g -> g.frames().size()).toList(), "night1, night2, night3");

        PlateSolver solver = Solvers.fromConfig(M94Data.anetConfig()).solver();
        assertEquals("solve-field", solver.name());
        for (RawGroups.Group g : groups) {
            FitsFrame ref = g.referenceOrder().get(0);
            byte[] before = Files.readAllBytes(ref.path());
            Path work = Files.createTempDirectory(tmp, "solve");
            Solution s = solver.solve(ref.path(), SolveHints.fromKeys(ref.keys(), ref.width(), ref.height(), 3.0), work);
            assertTrue(s.ok(), ref.name() + ": " + s.failure());
            assertTrue(s.seconds() < 30, ref.name() + " solved in " + s.seconds() + " s");

            FitsWcs truth = (FitsWcs) M94Data.solvedTwin(ref).wcs();
            double[] c = new double[2], t = new double[2];
            double cx = (ref.width() - 1) / 2.0, cy = (ref.height() - 1) / 2.0;
            s.wcs().pixelToWorld(cx, cy, c);
            truth.pixelToWorld(cx, cy, t);
            double sep = org.tessera.wcs.SkyMath.separationDeg(c[0], c[1], t[0], t[1]) * 3600;
            assertTrue(sep < 5, ref.name() + ": centre " + sep + "″ from the solved twin's");
            assertEquals(1, s.wcs().pixelScaleDeg() / truth.pixelScaleDeg(), 0.005, ref.name() + ": scale within 0.5%");
            assertEquals(truth.rotationDeg(), s.wcs().rotationDeg(), 0.05, ref.name() + ": rotation");
            assertTrue(s.wcs().sip() == null, "a linear fit: no distortion polynomial by default");
            assertEquals(java.util.Arrays.hashCode(before), java.util.Arrays.hashCode(Files.readAllBytes(ref.path())), "input untouched");
            try (var files = Files.list(ref.path().getParent())) {
                assertFalse(files.anyMatch(p -> !p.toString().endsWith(".fit")), "nothing written beside the input");
            }
        }
    }

    @Test
    void commandHasTheHintsTheTimeoutAndNoOutputBesideTheInput() {
        AstrometryNetSolver s = new AstrometryNetSolver("solve-field", 2, 1, 45);
        Path in = Path.of("/data/raw/a.fit"), dir = Path.of("/tmp/w");
        List<String> c = s.command(in, new SolveHints(193.04166, 40.970556, 3.0, 2.3927, 0.05, 1080, 1920), dir);
        assertEquals(List.of("solve-field", "--no-plots", "--overwrite", "--no-remove-lines", "--dir", "/tmp/w", "--temp-dir", "/tmp/w",
                "--out", "solved", "--new-fits", "none", "--crpix-center", "--downsample", "2", "--cpulimit", "45",
                "--tweak-order", "1", "--scale-units", "arcsecperpix", "--scale-low", "2.273065", "--scale-high", "2.512335",
                "--ra", "193.041660", "--dec", "40.970556", "--radius", "3.000000", "/data/raw/a.fit"), c);
        List<String> blind = new AstrometryNetSolver("solve-field", 4, 0, 10).command(in,
                new SolveHints(Double.NaN, Double.NaN, 3, Double.NaN, 0.05, 100, 100), dir);
        assertTrue(blind.contains("--no-tweak") && !blind.contains("--ra") && !blind.contains("--scale-low"), blind.toString());
    }
}

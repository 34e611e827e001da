package org.tessera.solve;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.tessera.config.Config;
import org.tessera.io.FitsFrame;
import org.tessera.register.Affine;
import org.tessera.register.Registration;
import org.tessera.wcs.Wcs;

/**
 * The raw M 94 frames (no WCS) and their plate-solved twins (same pixels), and the solver the
 * tests need. In CI ({@code CI=true}) a missing {@code solve-field} fails the test: .ci/run
 * installs it, so its absence is a broken CI, not a reason to skip.
 */
final class M94Data {

    private M94Data() {}

    static final Path DATA = Paths.get("../shared/data");
    static final Path RAW = DATA.resolve("seestar_m94_raw"), SOLVED = DATA.resolve("seestar_m94_subset");

    static void assumeData() {
        assumeTrue(Files.isDirectory(RAW) && Files.isDirectory(SOLVED),
                "real test data not found at " + RAW.toAbsolutePath() + " (clone the shared data beside the repository as ../shared)");
    }

    /** solve-field's path; fails in CI when it is missing, else skips. */
    static String requireSolveField() {
        String exe = Solvers.onPath(System.getenv(), "solve-field");
        if (exe == null && "true".equalsIgnoreCase(System.getenv("CI")))
            fail("CI=true but astrometry.net's solve-field is not on PATH: .ci/run installs it (apt-get install astrometry.net "
                    + "astrometry-data-tycho2-07-littleendian astrometry-data-tycho2-08-littleendian astrometry-data-tycho2-09-littleendian)");
        assumeTrue(exe != null, "astrometry.net's solve-field is not installed (apt install astrometry.net astrometry-data-tycho2-07-littleendian …)");
        return exe;
    }

    /** A config that uses solve-field whatever else is installed. */
    static Config anetConfig() {
        return new Config().put(Solvers.KEY_CHOICE, "astrometry");
    }

    static List<FitsFrame> open(Path root) throws IOException {
        List<FitsFrame> out = new ArrayList<>();
        try (Stream<Path> s = Files.walk(root)) {
            for (Path p : s.filter(p -> p.toString().endsWith(".fit")).sorted().toList()) out.add(FitsFrame.open(p));
        }
        return out;
    }

    /** The solved twin of a raw frame. */
    static FitsFrame solvedTwin(FitsFrame raw) throws IOException {
        Path rel = RAW.toAbsolutePath().normalize().relativize(raw.path().toAbsolutePath().normalize());
        return FitsFrame.open(SOLVED.resolve(rel));
    }

    /**
     * Registration taken from the ground truth: the affine map that best carries {@code moving}'s
     * pixels to {@code reference}'s through the solved WCS of both (least squares on a 9×16 grid).
     * It stands in for star registration where a test is about what is done with a registration.
     */
    static FrameAligner groundTruthAligner(Map<Path, Wcs> truth) {
        return (ref, mov) -> new Registration(mov.name(), fitAffine(truth.get(mov.path()), truth.get(ref.path()), mov.width(), mov.height()),
                0, 0, Registration.Method.TRIANGLES, null);
    }

    static Affine fitAffine(Wcs from, Wcs to, int w, int h) {
        double[][] ata = new double[3][3];
        double[] bx = new double[3], by = new double[3];
        double[] sky = new double[2], p = new double[2];
        for (int i = 0; i <= 8; i++)
            for (int j = 0; j <= 15; j++) {
                double x = i * (w - 1) / 8.0, y = j * (h - 1) / 15.0;
                from.pixelToWorld(x, y, sky);
                to.worldToPixel(sky[0], sky[1], p);
                if (Double.isNaN(p[0] + p[1])) continue;
                double[] r = {x, y, 1};
                for (int a = 0; a < 3; a++) {
                    for (int b = 0; b < 3; b++) ata[a][b] += r[a] * r[b];
                    bx[a] += r[a] * p[0];
                    by[a] += r[a] * p[1];
                }
            }
        double[] cx = solve3(ata, bx), cy = solve3(ata, by);
        return new Affine(cx[0], cx[1], cx[2], cy[0], cy[1], cy[2]);
    }

    private static double[] solve3(double[][] m, double[] v) {
        double[][] a = new double[3][4];
        for (int i = 0; i < 3; i++) {
            System.arraycopy(m[i], 0, a[i], 0, 3);
            a[i][3] = v[i];
        }
        for (int c = 0; c < 3; c++) {
            int piv = c;
            for (int r = c + 1; r < 3; r++) if (Math.abs(a[r][c]) > Math.abs(a[piv][c])) piv = r;
            double[] t = a[c]; a[c] = a[piv]; a[piv] = t;
            for (int r = 0; r < 3; r++) {
                if (r == c) continue;
                double f = a[r][c] / a[c][c];
                for (int k = c; k < 4; k++) a[r][k] -= f * a[c][k];
            }
        }
        return new double[] {a[0][3] / a[0][0], a[1][3] / a[1][1], a[2][3] / a[2][2]};
    }

    /** Largest separation (″) between two WCS over a grid of the frame. */
    static double maxSeparationArcsec(Wcs a, Wcs b, int w, int h) {
        double worst = 0;
        double[] p = new double[2], q = new double[2];
        for (int i = 0; i <= 8; i++)
            for (int j = 0; j <= 8; j++) {
                double x = i * (w - 1) / 8.0, y = j * (h - 1) / 8.0;
                a.pixelToWorld(x, y, p);
                b.pixelToWorld(x, y, q);
                worst = Math.max(worst, org.tessera.wcs.SkyMath.separationDeg(p[0], p[1], q[0], q[1]) * 3600);
            }
        return worst;
    }
}

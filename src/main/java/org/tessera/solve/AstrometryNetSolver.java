package org.tessera.solve;

import static org.tessera.solve.ExternalCommand.arg;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * astrometry.net's local solver, {@code solve-field} (Debian/Ubuntu: {@code apt install
 * astrometry.net astrometry-data-tycho2-07-littleendian …-08-… …-09-…}; the Tycho-2 index files
 * cover fields of about 0.3° to 2°, a Seestar's 0.7° × 1.3° included).
 * <p>
 * It reads the frame itself: on the raw Seestar frames, {@code --downsample 2} averages each Bayer
 * 2×2 cell into one luminance pixel, and solves in ~1.2 s with a WCS identical to the one from a
 * debayered copy, so no temporary image is written (docs/solving.md has the measurement). All its
 * outputs go to the work folder ({@code --dir}, {@code --temp-dir}, {@code --new-fits none}).
 * The WCS is fitted with {@code --tweak-order 1} by default: a linear fit on all matched stars
 * (no distortion polynomial); 0 keeps the raw four-star match ({@code --no-tweak}), 2–5 add a SIP
 * distortion of that order.
 */
public final class AstrometryNetSolver implements PlateSolver {

    /** Base name of the outputs in the work folder ({@code solved.wcs}, {@code solved.solved}). */
    static final String OUT = "solved";

    private final String executable;
    private final int downsample;
    private final int tweakOrder;
    private final double timeoutSeconds;

    /**
     * @param executable     path of {@code solve-field}, or the bare name to find it on PATH
     * @param downsample     image downsampling factor (≥ 1; 2 bins a Bayer cell)
     * @param tweakOrder     0 = no tweak, 1 = linear fit (default), 2–5 = SIP of that order
     * @param timeoutSeconds CPU limit given to the solver, and wall-clock limit (+ 10 s) after which it is stopped
     */
    public AstrometryNetSolver(String executable, int downsample, int tweakOrder, double timeoutSeconds) {
        if (downsample < 1) throw new IllegalArgumentException("downsample must be >= 1, got " + downsample);
        if (tweakOrder < 0 || tweakOrder > 5) throw new IllegalArgumentException("tweak order must be 0..5, got " + tweakOrder);
        this.executable = executable;
        this.downsample = downsample;
        this.tweakOrder = tweakOrder;
        this.timeoutSeconds = ExternalCommand.limit(timeoutSeconds);
    }

    @Override
    public String name() {
        return "solve-field";
    }

    /** The command line for {@code image} with {@code hints}, every output inside {@code dir}. */
    List<String> command(Path image, SolveHints hints, Path dir) {
        List<String> c = new ArrayList<>(List.of(executable, "--no-plots", "--overwrite", "--no-remove-lines",
                "--dir", dir.toAbsolutePath().toString(), "--temp-dir", dir.toAbsolutePath().toString(), "--out", OUT, "--new-fits", "none",
                "--crpix-center", "--downsample", Integer.toString(downsample),
                "--cpulimit", Integer.toString((int) Math.ceil(timeoutSeconds))));
        if (tweakOrder == 0) c.add("--no-tweak");
        else c.addAll(List.of("--tweak-order", Integer.toString(tweakOrder)));
        if (hints.hasScale()) {
            double s = hints.arcsecPerPixel(), tol = hints.scaleTolerance();
            c.addAll(List.of("--scale-units", "arcsecperpix", "--scale-low", arg(s * (1 - tol)), "--scale-high", arg(s * (1 + tol))));
        }
        if (hints.hasPosition())
            c.addAll(List.of("--ra", arg(hints.raDeg()), "--dec", arg(hints.decDeg()), "--radius", arg(hints.radiusDeg())));
        c.add(image.toAbsolutePath().toString());
        return c;
    }

    @Override
    public Solution solve(Path image, SolveHints hints, Path dir) throws InterruptedException {
        ExternalCommand.Outcome o = ExternalCommand.run(command(image, hints, dir), dir, timeoutSeconds + 10);
        if (!o.started())
            return Solution.failed(o.cannotRun(executable, "install astrometry.net, or set astrometry_net_path"), o.seconds());
        if (o.timedOut()) return Solution.failed(String.format(Locale.ROOT, "no solution within %.0f s", timeoutSeconds), o.seconds());
        Path wcs = dir.resolve(OUT + ".wcs");
        if (Files.isRegularFile(wcs)) {
            try {
                return Solution.solved(Solvers.readWcs(wcs), o.seconds());
            } catch (Exception e) {
                return Solution.failed("unreadable solution " + wcs.getFileName() + ": " + e.getMessage(), o.seconds());
            }
        }
        if (o.exitCode() != 0)
            return Solution.failed("solve-field exited with status " + o.exitCode() + ": " + ExternalCommand.lastLine(o.outputTail()), o.seconds());
        return Solution.failed(noIndexHint(o.outputTail()) + "no solution (" + hints + ")", o.seconds());
    }

    /** solve-field without index files says so only in passing: make it the reason. */
    private static String noIndexHint(String out) {
        String low = out.toLowerCase(Locale.ROOT);
        return low.contains("no index files") || low.contains("you must list at least one index")
                ? "no astrometry.net index files installed (apt install astrometry-data-tycho2-07-littleendian …): " : "";
    }
}

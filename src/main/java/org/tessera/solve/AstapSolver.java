package org.tessera.solve;

import static org.tessera.solve.ExternalCommand.arg;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import nom.tam.fits.FitsException;
import nom.tam.fits.Header;

import org.tessera.io.HeaderPointing;

/**
 * ASTAP's command-line solver ({@code astap_cli}, or {@code astap} itself), with its own star
 * database (D50/D80 for a Seestar's field). The command names the outputs in the work folder
 * ({@code -o}), asks for a {@code .wcs} header ({@code -wcs}) and never passes {@code -update},
 * which would rewrite the input file. The result is read from the {@code .wcs} header when ASTAP
 * wrote one, else from the {@code .ini} summary ({@code PLTSOLVD=T}, CRPIX/CRVAL/CD keys; on a
 * failure {@code PLTSOLVD=F} and {@code ERROR=…}, which becomes the reason).
 */
public final class AstapSolver implements PlateSolver {

    static final String OUT = "solved";

    private final String executable;
    private final String dataDir;
    private final int downsample;
    private final boolean sip;
    private final double timeoutSeconds;

    /**
     * @param executable     path of astap_cli/astap
     * @param dataDir        star database folder ({@code -d}), or empty for ASTAP's own default
     * @param downsample     {@code -z}: 0 = ASTAP chooses, 1–4
     * @param sip            add SIP distortion terms ({@code -sip y}); off by default
     * @param timeoutSeconds wall-clock limit after which ASTAP is stopped
     */
    public AstapSolver(String executable, String dataDir, int downsample, boolean sip, double timeoutSeconds) {
        if (downsample < 0 || downsample > 4) throw new IllegalArgumentException("ASTAP downsample must be 0..4, got " + downsample);
        this.executable = executable;
        this.dataDir = dataDir == null ? "" : dataDir.trim();
        this.downsample = downsample;
        this.sip = sip;
        this.timeoutSeconds = ExternalCommand.limit(timeoutSeconds);
    }

    @Override
    public String name() {
        return "ASTAP";
    }

    /** The command line for {@code image}: RA in hours, the declination as south pole distance, the field height in degrees. */
    List<String> command(Path image, SolveHints hints, Path dir) {
        List<String> c = new ArrayList<>(List.of(executable, "-f", image.toAbsolutePath().toString(), "-o", dir.toAbsolutePath().resolve(OUT).toString(),
                "-wcs", "-z", Integer.toString(downsample), "-sip", sip ? "y" : "n"));
        if (!dataDir.isEmpty()) c.addAll(List.of("-d", dataDir));
        if (hints.hasScale()) c.addAll(List.of("-fov", arg(hints.fieldHeightDeg())));
        if (hints.hasPosition()) {
            c.addAll(List.of("-ra", arg(hints.raDeg() / 15), "-spd", arg(hints.decDeg() + 90), "-r", arg(hints.radiusDeg())));
        } else {
            c.addAll(List.of("-r", "180")); // no pointing: ASTAP searches the whole sky
        }
        return c;
    }

    @Override
    public Solution solve(Path image, SolveHints hints, Path dir) throws InterruptedException {
        ExternalCommand.Outcome o = ExternalCommand.run(command(image, hints, dir), dir, timeoutSeconds);
        if (!o.started())
            return Solution.failed(o.cannotRun(executable, "install ASTAP, or set astap_executable_path"), o.seconds());
        if (o.timedOut()) return Solution.failed(String.format(Locale.ROOT, "ASTAP found no solution within %.0f s", timeoutSeconds), o.seconds());
        Path ini = dir.resolve(OUT + ".ini"), wcs = dir.resolve(OUT + ".wcs");
        Map<String, String> summary;
        try {
            summary = Files.isRegularFile(ini) ? readIni(ini) : Map.of();
        } catch (IOException e) {
            summary = Map.of();
        }
        boolean solved = "T".equalsIgnoreCase(summary.getOrDefault("PLTSOLVD", "")) || summary.isEmpty() && o.exitCode() == 0 && Files.isRegularFile(wcs);
        if (!solved) {
            String why = summary.getOrDefault("ERROR", "").strip();
            if (why.isEmpty()) why = ExternalCommand.lastLine(o.outputTail());
            return Solution.failed("ASTAP: no solution (exit status " + o.exitCode() + (why.isEmpty() ? "" : ": " + why) + ")", o.seconds());
        }
        try {
            Header h = Files.isRegularFile(wcs) ? HeaderFiles.read(wcs) : headerOf(summary);
            return Solution.solved(Solvers.toWcs(h), o.seconds());
        } catch (Exception e) {
            return Solution.failed("ASTAP: unreadable solution: " + e.getMessage(), o.seconds());
        }
    }

    /** The KEY=value lines of ASTAP's .ini summary. */
    static Map<String, String> readIni(Path ini) throws IOException {
        Map<String, String> m = new LinkedHashMap<>();
        for (String l : Files.readAllLines(ini, StandardCharsets.ISO_8859_1)) {
            int eq = l.indexOf('=');
            if (eq > 0) m.put(l.substring(0, eq).strip().toUpperCase(Locale.ROOT), l.substring(eq + 1).strip());
        }
        return m;
    }

    /** A TAN header from the numeric WCS keys of the .ini summary. */
    static Header headerOf(Map<String, String> ini) throws IOException {
        try {
            Header h = HeaderFiles.empty();
            h.addValue("CTYPE1", "RA---TAN", null);
            h.addValue("CTYPE2", "DEC--TAN", null);
            boolean cd = ini.containsKey("CD1_1");
            for (String k : cd ? List.of("CRPIX1", "CRPIX2", "CRVAL1", "CRVAL2", "CD1_1", "CD1_2", "CD2_1", "CD2_2")
                    : List.of("CRPIX1", "CRPIX2", "CRVAL1", "CRVAL2", "CDELT1", "CDELT2", "CROTA2")) {
                double v = HeaderPointing.number(ini.get(k));
                if (Double.isFinite(v)) h.addValue(k, v, null);
            }
            return h;
        } catch (FitsException e) {
            throw new IOException(e);
        }
    }
}

package org.tessera.solve;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import nom.tam.fits.Header;

import org.tessera.config.Config;
import org.tessera.wcs.FitsWcs;
import org.tessera.wcs.WcsException;

/**
 * Which plate solver a run uses, from the config: {@code solver_choice} = {@code auto} (ASTAP when
 * found, else astrometry.net's {@code solve-field}), {@code astap}, {@code astrometry} (also
 * {@code ansvr}, {@code solve-field}: the local astrometry.net) or {@code none}; executables from
 * {@code astap_executable_path} / {@code astrometry_net_path}, else found on PATH and in ASTAP's
 * usual install folders.
 */
public final class Solvers {

    private Solvers() {}

    /** A solver, or (solver null) why there is none: the reason given to every frame left without WCS. */
    public record Choice(PlateSolver solver, String unavailable) {}

    public static final String KEY_CHOICE = "solver_choice", KEY_TIMEOUT = "solver_timeout_s",
            KEY_TWEAK = "solver_tweak_order", KEY_ANET_PATH = "astrometry_net_path", KEY_ANET_DOWNSAMPLE = "astrometry_net_downsample",
            KEY_ASTAP_PATH = "astap_executable_path", KEY_ASTAP_DATA = "astap_data_directory_path",
            KEY_RADIUS = "astap_default_search_radius", KEY_ASTAP_DOWNSAMPLE = "astap_default_downsample",
            KEY_SENSITIVITY = "astap_default_sensitivity", KEY_FORCE = "force_resolve_existing_wcs";

    /** Where ASTAP's installers put it when it is not on PATH (macOS app bundle, Windows, Linux .deb). */
    static final List<String> ASTAP_PLACES = List.of("/Applications/ASTAP.app/Contents/MacOS/astap",
            "C:\\Program Files\\astap\\astap_cli.exe", "C:\\Program Files\\astap\\astap.exe", "/opt/astap/astap_cli", "/opt/astap/astap");

    /** The solver the config asks for. */
    public static Choice fromConfig(Config cfg) {
        return choose(cfg, System.getenv());
    }

    static Choice choose(Config cfg, Map<String, String> env) {
        String choice = cfg.has(KEY_CHOICE) ? cfg.getString(KEY_CHOICE).trim().toLowerCase(Locale.ROOT) : "auto";
        double timeout = cfg.getDouble(KEY_TIMEOUT);
        int tweak = cfg.getInt(KEY_TWEAK);
        switch (choice) {
            case "none", "off", "false" -> {
                return new Choice(null, "plate solving is off (solver_choice=none)");
            }
            case "astap" -> {
                String exe = astapExecutable(cfg, env);
                return exe == null ? new Choice(null, "ASTAP not found (solver_choice=astap): install it or set "
                        + KEY_ASTAP_PATH + ", see docs/solving.md") : new Choice(astap(cfg, exe, timeout, tweak), null);
            }
            case "astrometry", "astrometry.net", "astrometry_net", "ansvr", "solve-field", "local" -> {
                String exe = anetExecutable(cfg, env);
                return exe == null ? new Choice(null, "astrometry.net's solve-field not found (solver_choice=" + choice
                        + "): apt install astrometry.net astrometry-data-tycho2-07-littleendian, or set " + KEY_ANET_PATH
                        + ", see docs/solving.md") : new Choice(anet(cfg, exe, timeout, tweak), null);
            }
            case "auto", "" -> {
                String exe = astapExecutable(cfg, env);
                if (exe != null) return new Choice(astap(cfg, exe, timeout, tweak), null);
                exe = anetExecutable(cfg, env);
                if (exe != null) return new Choice(anet(cfg, exe, timeout, tweak), null);
                return new Choice(null, "no plate solver found: install astrometry.net (Linux: apt install astrometry.net "
                        + "astrometry-data-tycho2-07-littleendian astrometry-data-tycho2-08-littleendian "
                        + "astrometry-data-tycho2-09-littleendian) or ASTAP, see docs/solving.md");
            }
            default -> throw new IllegalArgumentException(KEY_CHOICE + ": expected auto, astap, astrometry or none, got '"
                    + cfg.getString(KEY_CHOICE) + "'");
        }
    }

    private static PlateSolver astap(Config cfg, String exe, double timeout, int tweak) {
        String data = cfg.has(KEY_ASTAP_DATA) ? cfg.getString(KEY_ASTAP_DATA) : "";
        return new AstapSolver(exe, data, cfg.getInt(KEY_ASTAP_DOWNSAMPLE), tweak >= 2, timeout);
    }

    private static PlateSolver anet(Config cfg, String exe, double timeout, int tweak) {
        return new AstrometryNetSolver(exe, cfg.getInt(KEY_ANET_DOWNSAMPLE), tweak, timeout);
    }

    static String astapExecutable(Config cfg, Map<String, String> env) {
        String configured = cfg.has(KEY_ASTAP_PATH) ? cfg.getString(KEY_ASTAP_PATH).trim() : "";
        if (!configured.isEmpty()) return Files.isExecutable(Paths.get(configured)) ? configured : null;
        String found = onPath(env, "astap_cli", "astap");
        if (found != null) return found;
        for (String p : ASTAP_PLACES) if (Files.isExecutable(Paths.get(p))) return p;
        return null;
    }

    static String anetExecutable(Config cfg, Map<String, String> env) {
        String configured = cfg.has(KEY_ANET_PATH) ? cfg.getString(KEY_ANET_PATH).trim() : "";
        if (!configured.isEmpty()) return Files.isExecutable(Paths.get(configured)) ? configured : null;
        return onPath(env, "solve-field");
    }

    /** The first of {@code names} found executable in the PATH folders (with .exe on Windows), or null. */
    static String onPath(Map<String, String> env, String... names) {
        String path = env.getOrDefault("PATH", env.getOrDefault("Path", ""));
        boolean windows = File.separatorChar == '\\';
        for (String name : names)
            for (String dir : path.split(File.pathSeparator)) {
                if (dir.isBlank()) continue;
                List<Path> candidates = new ArrayList<>(List.of(Paths.get(dir, name)));
                if (windows) candidates.add(Paths.get(dir, name + ".exe"));
                for (Path p : candidates) if (Files.isRegularFile(p) && Files.isExecutable(p)) return p.toString();
            }
        return null;
    }

    /** The solution in a header-only FITS file ({@code .wcs}). */
    static FitsWcs readWcs(Path file) throws IOException, WcsException {
        return toWcs(HeaderFiles.read(file));
    }

    /**
     * The WCS of a solver's header. astrometry.net writes a SIP of order 1 with all coefficients
     * zero for a linear fit: that is dropped, so the frame carries a plain TAN.
     */
    static FitsWcs toWcs(Header h) throws WcsException {
        FitsWcs w = FitsWcs.fromHeader(h);
        return w.sip() != null && w.sip().isIdentity() ? w.withSip(null) : w;
    }
}

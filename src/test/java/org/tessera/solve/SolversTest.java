package org.tessera.solve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tessera.config.Config;

/** Which solver {@code solver_choice} and the install give, and the hints a header gives. */
class SolversTest {

    static Path exe(Path dir, String name) throws Exception {
        Path p = Files.createDirectories(dir).resolve(name);
        Files.writeString(p, "#!/bin/sh\nexit 0\n");
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
        return p;
    }

    @Test
    void autoPrefersAstapThenSolveFieldThenSaysWhatToInstall(@TempDir Path tmp) throws Exception {
        Path a = tmp.resolve("a"), b = tmp.resolve("b"), empty = Files.createDirectories(tmp.resolve("e"));
        exe(a, "astap_cli");
        exe(b, "solve-field");
        Config cfg = new Config();
        assertEquals("auto", cfg.getString(Solvers.KEY_CHOICE));
        assertEquals("ASTAP", Solvers.choose(cfg, Map.of("PATH", b + ":" + a)).solver().name());
        assertEquals("solve-field", Solvers.choose(cfg, Map.of("PATH", b.toString())).solver().name());
        Solvers.Choice none = Solvers.choose(cfg, Map.of("PATH", empty.toString()));
        if (!Files.isExecutable(Path.of("/Applications/ASTAP.app/Contents/MacOS/astap"))) {
            assertNull(none.solver());
            assertTrue(none.unavailable().startsWith("no plate solver found: install astrometry.net (Linux: apt install astrometry.net"),
                    none.unavailable());
        }
    }

    @Test
    void explicitChoicesAndConfiguredPaths(@TempDir Path tmp) throws Exception {
        Path astap = exe(tmp.resolve("x"), "my-astap"), sf = exe(tmp.resolve("y"), "sf");
        Map<String, String> noPath = Map.of("PATH", "");
        assertEquals("ASTAP", Solvers.choose(new Config().put("solver_choice", "ASTAP").put("astap_executable_path", astap.toString()), noPath)
                .solver().name());
        assertEquals("solve-field", Solvers.choose(new Config().put("solver_choice", "ansvr").put("astrometry_net_path", sf.toString()), noPath)
                .solver().name());
        assertEquals("plate solving is off (solver_choice=none)", Solvers.choose(new Config().put("solver_choice", "none"), noPath).unavailable());
        assertTrue(Solvers.choose(new Config().put("solver_choice", "astap").put("astap_executable_path", tmp.resolve("missing").toString()), noPath)
                .unavailable().startsWith("ASTAP not found (solver_choice=astap)"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Solvers.choose(new Config().put("solver_choice", "pixinsight"), noPath));
        assertEquals("solver_choice: expected auto, astap, astrometry or none, got 'pixinsight'", e.getMessage());
    }

    @Test
    void hintsFromASeestarHeaderAndFromSexagesimalKeys() {
        SolveHints h = SolveHints.fromKeys(Map.of("RA", "193.04166", "DEC", "40.970556", "FOCALLEN", "250", "XPIXSZ", "2.90000009536743"),
                1080, 1920, 3.0);
        assertEquals(206.265 * 2.90000009536743 / 250, h.arcsecPerPixel(), 1e-12);
        assertEquals(2.3927, h.arcsecPerPixel(), 1e-4);
        assertEquals(193.04166, h.raDeg(), 0);
        assertEquals(2.3927 * 1920 / 3600, h.fieldHeightDeg(), 1e-4);
        SolveHints s = SolveHints.fromKeys(Map.of("OBJCTRA", "12 50 53.1", "OBJCTDEC", "-41 07 12", "PIXSCALE", "1.5"), 100, 100, 2);
        assertEquals((12 + 50 / 60.0 + 53.1 / 3600) * 15, s.raDeg(), 1e-9);
        assertEquals(-(41 + 7 / 60.0 + 12 / 3600.0), s.decDeg(), 1e-9);
        assertEquals(1.5, s.arcsecPerPixel(), 0);
        SolveHints blind = SolveHints.fromKeys(Map.of("XPIXSZ", "6.45"), 1392, 1040, 3);
        assertTrue(!blind.hasPosition() && !blind.hasScale(), "M 13's header: no pointing, no focal length");
    }
}

package org.tessera.solve;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tessera.wcs.FitsWcs;

/**
 * ASTAP's command line and its results, with a stand-in {@code astap_cli} (a shell script: ASTAP
 * cannot be installed here) that records its arguments and writes what ASTAP writes: the
 * {@code .ini} summary and, with {@code -wcs}, the {@code .wcs} header, at the {@code -o} base.
 */
class AstapSolverTest {

    @BeforeAll
    static void posixShell() {
        assumeTrue(Files.isExecutable(Path.of("/bin/sh")), "needs /bin/sh for the stand-in ASTAP");
    }

    /** Header pointing and scale of a Seestar M 94 frame. */
    static final SolveHints HINTS = new SolveHints(193.04166, 40.970556, 3.0, 2.3927, 0.05, 1080, 1920);

    /** A stand-in astap_cli: logs "$@" to args.txt beside itself, then runs {@code body} with $OUT = the -o value. */
    static Path fakeAstap(Path dir, String body) throws Exception {
        Path exe = dir.resolve("astap_cli");
        Files.writeString(exe, "#!/bin/sh\n"
                + "printf '%s\\n' \"$@\" > \"" + dir.resolve("args.txt") + "\"\n"
                + "OUT=''; prev=''; for a in \"$@\"; do [ \"$prev\" = -o ] && OUT=\"$a\"; prev=\"$a\"; done\n"
                + body + "\n", StandardCharsets.US_ASCII);
        Files.setPosixFilePermissions(exe, PosixFilePermissions.fromString("rwxr-xr-x"));
        return exe;
    }

    static final String SOLVED_INI = "printf 'PLTSOLVD=T\\nCRPIX1=540.5\\nCRPIX2=960.5\\nCRVAL1=192.777417\\nCRVAL2=41.116864\\n"
            + "CDELT1=-0.000659970\\nCDELT2=0.000659970\\nCROTA1=-178.72\\nCROTA2=-178.72\\nCD1_1=-0.000659805\\nCD1_2=-1.45965E-05\\n"
            + "CD2_1=1.47443E-05\\nCD2_2=-0.000659548\\nCMDLINE=astap_cli\\n' > \"$OUT.ini\"";

    /** A .wcs as ASTAP writes it: 80-character cards with no line breaks. */
    static String wcsCards() {
        StringBuilder sb = new StringBuilder();
        for (String c : List.of("SIMPLE  =                    T", "BITPIX  =                    8", "NAXIS   =                    0",
                "CTYPE1  = 'RA---TAN'", "CTYPE2  = 'DEC--TAN'", "CRPIX1  =                540.5", "CRPIX2  =                960.5",
                "CRVAL1  =           192.777417", "CRVAL2  =            41.116864", "CD1_1   =         -0.000659805",
                "CD1_2   =          -1.45965E-05", "CD2_1   =           1.47443E-05", "CD2_2   =         -0.000659548", "END"))
            sb.append(String.format("%-80s", c));
        return sb.toString();
    }

    private static Path input(Path dir) throws Exception {
        Path in = dir.resolve("raw frame.fit");
        Files.write(in, new byte[2880]);
        Files.setLastModifiedTime(in, FileTime.fromMillis(1_700_000_000_000L));
        return in;
    }

    @Test
    void commandCarriesTheHintsAndKeepsEveryOutputInTheWorkFolder(@TempDir Path tmp) throws Exception {
        Path bin = Files.createDirectories(tmp.resolve("bin")), work = Files.createDirectories(tmp.resolve("work"));
        Path cards = Files.writeString(tmp.resolve("cards.wcs"), wcsCards(), StandardCharsets.US_ASCII);
        Path exe = fakeAstap(bin, SOLVED_INI + "\ncp '" + cards + "' \"$OUT.wcs\"");
        Path in = input(tmp);
        byte[] before = Files.readAllBytes(in);
        Solution s = new AstapSolver(exe.toString(), "/data/d50", 2, false, 30).solve(in, HINTS, work);

        List<String> args = Files.readAllLines(bin.resolve("args.txt"));
        assertEquals(List.of("-f", in.toString(), "-o", work.resolve("solved").toString(), "-wcs", "-z", "2", "-sip", "n",
                "-d", "/data/d50", "-fov", "1.276107", "-ra", "12.869444", "-spd", "130.970556", "-r", "3.000000"), args,
                "RA in hours, south pole distance = dec + 90, field height = 2.3927″ × 1920 px");
        assertFalse(args.contains("-update"), "never rewrite the input");
        assertArrayEquals(before, Files.readAllBytes(in), "input untouched");
        assertEquals(1_700_000_000_000L, Files.getLastModifiedTime(in).toMillis(), "input mtime untouched");

        assertTrue(s.ok(), s.failure());
        FitsWcs w = s.wcs();
        assertEquals(540.5, w.crpix1(), 1e-9);
        assertEquals(192.777417, w.crval1(), 1e-9);
        assertEquals(-1.45965E-05, w.cd()[1], 1e-15);
        assertEquals(2.37539, w.pixelScaleDeg() * 3600, 1e-4);
        assertNull(w.sip());
    }

    @Test
    void iniSummaryAloneIsEnough(@TempDir Path tmp) throws Exception {
        Path exe = fakeAstap(tmp, SOLVED_INI);
        Solution s = new AstapSolver(exe.toString(), "", 0, false, 30).solve(input(tmp), HINTS, Files.createDirectories(tmp.resolve("w")));
        assertTrue(s.ok(), s.failure());
        assertEquals(41.116864, s.wcs().crval2(), 1e-9);
        assertEquals(-0.000659548, s.wcs().cd()[3], 1e-15, "CD taken over CDELT/CROTA when both are given");
    }

    @Test
    void blindSolveSearchesTheWholeSkyWithoutFieldHint(@TempDir Path tmp) throws Exception {
        Path exe = fakeAstap(tmp, SOLVED_INI);
        new AstapSolver(exe.toString(), "", 0, true, 30).solve(input(tmp),
                new SolveHints(Double.NaN, Double.NaN, 3, Double.NaN, 0.05, 1080, 1920), Files.createDirectories(tmp.resolve("w")));
        List<String> args = Files.readAllLines(tmp.resolve("args.txt"));
        assertEquals(List.of("-z", "0", "-sip", "y", "-r", "180"), args.subList(5, args.size()));
    }

    @Test
    void failureGivesAstapsErrorAsTheReason(@TempDir Path tmp) throws Exception {
        Path exe = fakeAstap(tmp, "printf 'PLTSOLVD=F\\nERROR=Not enough stars.\\n' > \"$OUT.ini\"; exit 2");
        Solution s = new AstapSolver(exe.toString(), "", 2, false, 30).solve(input(tmp), HINTS, Files.createDirectories(tmp.resolve("w")));
        assertFalse(s.ok());
        assertEquals("ASTAP: no solution (exit status 2: Not enough stars.)", s.failure());
    }

    @Test
    void aHangingSolverIsStoppedAtTheTimeout(@TempDir Path tmp) throws Exception {
        Path exe = fakeAstap(tmp, "sleep 30");
        long t0 = System.nanoTime();
        Solution s = new AstapSolver(exe.toString(), "", 2, false, 1).solve(input(tmp), HINTS, Files.createDirectories(tmp.resolve("w")));
        double took = (System.nanoTime() - t0) / 1e9;
        assertFalse(s.ok());
        assertTrue(s.failure().contains("within 1 s"), s.failure());
        assertTrue(took < 10, "stopped at the limit, not after the script's 30 s: " + took);
    }

    @Test
    void aMissingProgramIsNamedWithWhatToDo(@TempDir Path tmp) throws Exception {
        Solution s = new AstapSolver(tmp.resolve("nowhere/astap_cli").toString(), "", 2, false, 5)
                .solve(input(tmp), HINTS, Files.createDirectories(tmp.resolve("w")));
        assertFalse(s.ok());
        assertTrue(s.failure().startsWith("cannot run " + tmp.resolve("nowhere/astap_cli")), s.failure());
        assertTrue(s.failure().endsWith(" (install ASTAP, or set astap_executable_path; see docs/solving.md)"), s.failure());
        assertEquals("timeout must be > 0 s, got 0.0", assertThrows(IllegalArgumentException.class,
                () -> new AstapSolver("astap_cli", "", 2, false, 0)).getMessage());
        assertEquals("timeout must be > 0 s, got -1.0", assertThrows(IllegalArgumentException.class,
                () -> new AstrometryNetSolver("solve-field", 2, 1, -1)).getMessage());
    }
}

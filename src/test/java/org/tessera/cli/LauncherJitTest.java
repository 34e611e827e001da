package org.tessera.cli;

import static org.junit.jupiter.api.Assertions.*;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * bin/tessera runs a small job (FITS inputs under TESSERA_SMALL_JOB_MIB, 32 MiB) with the client
 * compiler only (-XX:TieredStopAtLevel=1): the output named on the command line does not count,
 * folders count their FITS files, JAVA_OPTS naming a compiler setting or the key 0 turn it off.
 * Runs the real launcher on a stand-in jar whose Main prints its JVM options.
 */
class LauncherJitTest {

    private static final String MAIN = """
            package org.tessera.cli;
            public class Main {
                public static void main(String[] a) {
                    for (String arg : java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments())
                        System.out.println("ARG " + arg);
                }
            }
            """;
    private static final String C1 = "ARG -XX:TieredStopAtLevel=1\nARG -XX:Tier3BackEdgeThreshold=20000\n";

    @TempDir
    static Path root;

    @BeforeAll
    static void standInJar() throws Exception {
        StandInLauncher.install(root, MAIN);
        Files.createDirectories(root.resolve("small/night1"));
        Files.createDirectories(root.resolve("large"));
        sized(root.resolve("small/a.fits"), 10L << 20);
        sized(root.resolve("small/night1/b.FIT"), 10L << 20);
        sized(root.resolve("small/notes.txt"), 100L << 20); // not a FITS file: not counted
        sized(root.resolve("large/c.fits"), 20L << 20);
        sized(root.resolve("large/d.fts"), 20L << 20);
        sized(root.resolve("big-output.fits"), 100L << 20);
        Files.createDirectories(root.resolve("packed"));
        sized(root.resolve("packed/e.fits.fz"), 6L << 20);
        sized(root.resolve("packed/f.FIT.GZ"), 6L << 20);
        Files.createDirectories(root.resolve("packed-large"));
        sized(root.resolve("packed-large/g.fits.fz"), 12L << 20);
        sized(root.resolve("packed-large/h.fts.gz"), 6L << 20);
    }

    /** A file of that apparent size (sparse: nothing written). */
    private static void sized(Path f, long bytes) throws Exception {
        try (RandomAccessFile r = new RandomAccessFile(f.toFile(), "rw")) {
            r.setLength(bytes);
        }
    }

    private static String run(Map<String, String> env, String... args) throws Exception {
        return StandInLauncher.run(root, env, args);
    }

    @Test
    void smallJobsUseTheClientCompilerOnly() throws Exception {
        // 20 MiB of FITS in a folder and its subfolder: small.
        assertTrue(run(Map.of(), "mosaic", "small", "out").contains(C1));
        assertTrue(run(Map.of(), "-q", "mosaic", "-o", "big-output.fits", "small").contains(C1), "--output not counted");
        // The output (stack: first argument; mosaic: second) is not an input.
        assertTrue(run(Map.of(), "stack", "big-output.fits", "small/a.fits").contains(C1));
        assertTrue(run(Map.of(), "mosaic", "small", "big-output.fits").contains(C1));
        // 40 MiB, 60 MiB, 100 MiB: not small.
        assertFalse(run(Map.of(), "reproject", "out", "large").contains(C1));
        assertFalse(run(Map.of(), "reproject", "out", "large", "small").contains(C1));
        assertFalse(run(Map.of(), "stack", "x.fits", "big-output.fits").contains(C1));
        // Compressed frames count twice their size (about their uncompressed size): 24 MiB small, 36 MiB not.
        assertTrue(run(Map.of(), "mosaic", "packed", "out").contains(C1));
        assertFalse(run(Map.of(), "mosaic", "packed-large", "out").contains(C1));
        assertFalse(run(Map.of(), "stack", "x.fits", "packed-large/g.fits.fz", "packed-large/h.fts.gz").contains(C1));
        // The threshold is a setting; 0 and a compiler option in JAVA_OPTS turn it off.
        assertTrue(run(Map.of("TESSERA_SMALL_JOB_MIB", "64"), "reproject", "out", "large").contains(C1));
        assertFalse(run(Map.of("TESSERA_SMALL_JOB_MIB", "0"), "mosaic", "small").contains(C1));
        assertFalse(run(Map.of("JAVA_OPTS", "-XX:-TieredCompilation"), "mosaic", "small").contains(C1));
        // Not a job: help.
        assertFalse(run(Map.of(), "--help").contains(C1));
    }
}

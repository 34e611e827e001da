package org.tessera.cli;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Map;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * bin/tessera sizes the heap when JAVA_OPTS does not (issue 15, item 2): 1 GiB, or a quarter of
 * physical memory when that is less; JAVA_OPTS's -Xmx or -XX:MaxRAMPercentage wins. Runs the
 * real launcher on a stand-in jar whose Main prints Runtime.maxMemory() in MiB, its collectors and
 * its JVM options. The launcher's own heap also uses the serial collector with a shrinking heap.
 */
class LauncherHeapTest {

    private static final String MAIN = """
            package org.tessera.cli;
            public class Main {
                public static void main(String[] a) {
                    System.out.println("MAXMEM " + Runtime.getRuntime().maxMemory() / (1024 * 1024));
                    for (var gc : java.lang.management.ManagementFactory.getGarbageCollectorMXBeans())
                        System.out.println("GC " + gc.getName());
                    for (String arg : java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments())
                        System.out.println("ARG " + arg);
                }
            }
            """;

    /** The stand-in's output under these environment settings. */
    private static String run(Map<String, String> env) throws Exception {
        return StandInLauncher.run(root, env, "x");
    }

    @TempDir
    static Path root;

    @BeforeAll
    static void standInJar() throws Exception {
        StandInLauncher.install(root, MAIN);
    }

    /** The stand-in's max heap in MiB under these environment settings (null: unset). */
    private static long maxHeapMib(Map<String, String> env) throws Exception {
        String out = run(env);
        for (String line : out.split("\n"))
            if (line.startsWith("MAXMEM ")) return Long.parseLong(line.substring(7).trim());
        throw new AssertionError("no MAXMEM line in: " + out);
    }

    private static long physicalMib() throws Exception {
        for (String l : Files.readAllLines(Paths.get("/proc/meminfo")))
            if (l.startsWith("MemTotal:")) return Long.parseLong(l.replaceAll("[^0-9]", "")) / 1024;
        throw new AssertionError("no MemTotal");
    }

    /** maxMemory() is the -Xmx value less at most one survivor space, depending on the collector. */
    private static void assertHeap(long expectedMib, long actualMib, String what) {
        assertTrue(actualMib <= expectedMib && actualMib >= 0.85 * expectedMib,
                what + ": max heap " + actualMib + " MiB, expected about " + expectedMib + " MiB");
    }

    @Test
    void defaultHeapIsOneGibOrAQuarterOfMemory() throws Exception {
        assumeTrue(Files.isReadable(Paths.get("/proc/meminfo")), "Linux");
        assertHeap(Math.min(1024, physicalMib() / 4), maxHeapMib(Map.of()), "no JAVA_OPTS");
        assertHeap(Math.min(512, physicalMib() / 4), maxHeapMib(Map.of("TESSERA_DEFAULT_HEAP_MIB", "512")), "TESSERA_DEFAULT_HEAP_MIB=512");
    }

    @Test
    void javaOptsHeapWins() throws Exception {
        assertHeap(300, maxHeapMib(Map.of("JAVA_OPTS", "-Xmx300m")), "JAVA_OPTS=-Xmx300m");
        // Not 1 GiB: the user's percentage of a 4 GiB MaxRAM, 50% = 2 GiB.
        assertHeap(2048, maxHeapMib(Map.of("JAVA_OPTS", "-XX:MaxRAM=4g -XX:MaxRAMPercentage=50")), "MaxRAMPercentage=50 of MaxRAM=4g");
    }

    @Test
    void defaultHeapFollowsTheJob() throws Exception {
        String out = run(Map.of());
        // The serial collector ("Copy" young, "MarkSweepCompact" old), a 64 MiB start, shrinking
        // to at most 40 % free, large arrays straight to the old generation.
        assertTrue(out.contains("GC Copy\n") && out.contains("GC MarkSweepCompact\n"), out);
        for (String arg : new String[] {"-XX:+UseSerialGC", "-Xms64m", "-XX:MinHeapFreeRatio=20", "-XX:MaxHeapFreeRatio=40",
                "-XX:PretenureSizeThreshold=1m"})
            assertTrue(out.contains("ARG " + arg + "\n"), arg + " in " + out);
        // A heap or a collector chosen in JAVA_OPTS: the launcher adds no collector setting.
        for (String opts : new String[] {"-Xmx300m", "-XX:+UseG1GC", "-XX:+UseParallelGC -Xmx2g", "-Xms200m"}) {
            String o = run(Map.of("JAVA_OPTS", opts));
            assertFalse(o.contains("ARG -XX:+UseSerialGC") || o.contains("ARG -Xms64m") || o.contains("HeapFreeRatio"),
                    "JAVA_OPTS=" + opts + ": " + o);
        }
        assertTrue(run(Map.of("JAVA_OPTS", "-XX:+UseG1GC")).contains("GC G1 Young Generation\n"), "the user's G1");
        assertHeap(Math.min(1024, physicalMib() / 4), maxHeapMib(Map.of("JAVA_OPTS", "-XX:+UseG1GC")), "heap with the user's G1");
    }
}

package org.tessera.gpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectPackage;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.platform.launcher.TagFilter;
import org.junit.platform.launcher.TestPlan;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;

/**
 * The GPU suite ({@link GpuSuite}: every {@code @Tag("gpu")} test) through {@link JCudaDevice} and
 * JCuda's real natives, on a stand-in {@code libcuda.so.1} whose device is the host
 * ({@code libcuda-host-device.cpp}): the kernels run are the CUDA sources of src/main/cuda compiled
 * by g++, so the host side of the GPU path — parameter packing, copy offsets and sizes, pinned
 * staging, streams, events, the OOM ladder — runs for real before a GPU is lent. The driver runs
 * queued work as late as CUDA allows (a missing synchronize or event wait reads stale or poisoned
 * memory) and, in the second run, the copy stream as early as allowed (a buffer overwritten before
 * the kernel that reads it ran): each run must pass every GPU test, GPU vs CPU within 1e-5. Each run
 * is a JVM of its own (JCuda's natives load once per JVM), as {@link JCudaDeviceOpenTest} does.
 */
class JCudaHostDriverTest {

    /** Builds the host driver as dir/libcuda.so.1 (g++, the kernels' sources from src/main/cuda). */
    static Path build(Path dir) throws IOException, InterruptedException {
        assumeTrue(System.getProperty("os.name").toLowerCase().contains("linux"), "the host driver is a Linux library");
        boolean gxx = new File("/usr/bin/g++").canExecute();
        // CI installs g++ (.ci/run): there its absence is a failure, not a skip.
        if (!gxx && "true".equalsIgnoreCase(System.getenv("CI"))) throw new AssertionError("CI=true but /usr/bin/g++ is missing");
        assumeTrue(gxx, "g++ is needed to build the host driver");
        assumeTrue(JCudaDevice.class.getResource("/cuda/index.txt") != null, "no CUDA kernels in this build (cuda-kernels profile)");
        Path cuda = Path.of("src", "main", "cuda").toAbsolutePath();
        assumeTrue(Files.isRegularFile(cuda.resolve("stack.cu")), "src/main/cuda not found from " + Path.of("").toAbsolutePath());
        Path src = dir.resolve("libcuda-host-device.cpp");
        try (InputStream in = JCudaHostDriverTest.class.getResourceAsStream("libcuda-host-device.cpp")) {
            Files.copy(in, src);
        }
        Files.createDirectories(dir.resolve("hostemu"));
        try (InputStream in = JCudaHostDriverTest.class.getResourceAsStream("hostemu/cuda_host.h")) {
            Files.copy(in, dir.resolve("hostemu").resolve("cuda_host.h"));
        }
        Process gpp = new ProcessBuilder("/usr/bin/g++", "-std=c++17", "-O2", "-ffp-contract=off", "-shared", "-fPIC", "-pthread",
                "-Wl,-soname,libcuda.so.1", "-I", cuda.toString(), "-o", dir.resolve("libcuda.so.1").toString(), src.toString())
                .redirectErrorStream(true).start();
        String out = new String(gpp.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(gpp.waitFor(180, TimeUnit.SECONDS), "g++ hung");
        assertEquals(0, gpp.exitValue(), out);
        return dir;
    }

    /** The GPU suite started in a child JVM on the driver in {@code lib}, its output to {@code log}. */
    static Process startSuite(Path lib, Map<String, String> env, Path log) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = new ArrayList<>(List.of(java, "-Xmx2g", "-XX:+ExitOnOutOfMemoryError",
                "-XX:ErrorFile=" + lib.resolve("hs_err_%p.log"), "-cp", System.getProperty("java.class.path"),
                GpuSuite.class.getName()));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().put("LD_LIBRARY_PATH", lib.toString());
        pb.environment().putAll(env);
        pb.redirectErrorStream(true);
        pb.redirectOutput(log.toFile());
        return pb.start();
    }

    /** The output of a suite started by {@link #startSuite}, once it ended with {@code status}. */
    static String suiteOutput(Process p, Path log, int status) throws IOException, InterruptedException {
        if (!p.waitFor(300, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("GPU suite on the host driver hung:\n" + Files.readString(log));
        }
        String out = Files.readString(log, StandardCharsets.UTF_8);
        assertEquals(status, p.exitValue(), out);
        return out;
    }

    /** How many tests GpuSuite selects: every @Tag("gpu") test of this package. */
    static long gpuTests() {
        TestPlan plan = LauncherFactory.create().discover(LauncherDiscoveryRequestBuilder.request()
                .selectors(selectPackage("org.tessera.gpu")).filters(TagFilter.includeTags("gpu")).build());
        return plan.countTestIdentifiers(t -> t.isTest());
    }

    private static long count(String out, String regex) {
        return Pattern.compile(regex, Pattern.MULTILINE).matcher(out).results().count();
    }

    /** A field of the driver's "[host-driver] stats" line (the last one: the suite's device closing). */
    private static long stat(String out, String name) {
        Matcher m = Pattern.compile("^\\[host-driver\\] stats .*\\b" + name + "=(\\d+)", Pattern.MULTILINE).matcher(out);
        long v = -1;
        while (m.find()) v = Long.parseLong(m.group(1));
        assertTrue(v >= 0, "no '" + name + "' in the host driver's stats:\n" + out);
        return v;
    }

    /** Every GPU test passed (the real Seestar ones may skip where the frames are absent), on the host device. */
    static void assertSuitePassed(String out, long expected, String what) {
        assertTrue(out.contains("[GPU test] Tessera host device (sm_90, 4096 MiB, device 0)"), what + ": not on the host device\n" + out);
        long pass = count(out, "^\\[suite\\] PASS "), fail = count(out, "^\\[suite\\] FAIL ");
        long noFrames = count(out, "^\\[suite\\] ABORTED JCudaDeviceGpuTest\\.realSeestar\\w+ \\([^)]*\\): no Seestar frames");
        assertEquals(0, fail, what + ":\n" + out);
        assertEquals(expected, pass + noFrames, what + ": every GPU test passes\n" + out);
        assertEquals(expected, count(out, "^\\[suite\\] (PASS|FAIL|ABORTED|SKIPPED) "), what + ": every test reported\n" + out);
    }

    @Test
    void gpuSuitePassesOnTheHostDriverWithWorkRunLateAndEarly(@TempDir Path dir) throws Exception {
        Path lib = build(dir);
        long expected = gpuTests();
        assertTrue(expected >= 14, "GPU tests found: " + expected);

        // Two JVMs at once (each mostly one thread). Every stream as late as allowed: a read before
        // its synchronize or event wait sees stale or poisoned data. Then the copy stream
        // (JCudaDevice's third: stream, queue 0, queue 1) as early as allowed, the others late: a
        // strip overwritten before the kernel that reads it ran shows.
        Path lateLog = dir.resolve("late.log"), earlyLog = dir.resolve("early.log");
        Process lateRun = startSuite(lib, Map.of(), lateLog);
        Process earlyRun = startSuite(lib, Map.of("TESSERA_HOST_FAST", "3"), earlyLog);
        String late, early;
        try {
            late = suiteOutput(lateRun, lateLog, 0);
            early = suiteOutput(earlyRun, earlyLog, 0);
        } finally { // a failed or hung run ends the other as well
            lateRun.destroyForcibly();
            earlyRun.destroyForcibly();
        }

        assertSuitePassed(late, expected, "work run late");
        assertTrue(stat(late, "launches") > 1000, late);
        // The work really was deferred across calls and across streams (or the run proved nothing).
        assertTrue(stat(late, "deferred") > 1000, late);
        assertTrue(stat(late, "max_pending") > 50, late);
        assertTrue(stat(late, "cross_stream_waits") > 100, late);

        assertSuitePassed(early, expected, "copy stream early");
        assertTrue(stat(early, "deferred") > 1000, early);
    }
}

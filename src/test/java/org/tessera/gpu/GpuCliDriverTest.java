package org.tessera.gpu;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tessera.cli.Main;
import org.tessera.command.Jobs;

/**
 * What a user sees through the command line on a machine without a usable GPU: {@code tessera gpu}
 * and a real {@code tessera reproject} run in a child JVM against no driver, the stub driver whose
 * cuInit finds no device, and the fake driver whose device refuses every kernel image (the
 * libraries of {@link JCudaDeviceOpenTest}). The report names the reason and says runs go on on the
 * CPU, stderr carries only the CLI's own log format, and the mosaic is byte for byte the one
 * made with {@code use_gpu_phase5=false}.
 */
class GpuCliDriverTest {

    static final Path DSS = Path.of("..", "shared", "data", "dss_pair");

    record Result(int status, String out, String err) {}

    static Result cli(Map<String, String> env, String... args) throws IOException, InterruptedException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = new ArrayList<>(List.of(java));
        // As bin/tessera starts it: JDK 24+ warns on stderr when JCuda loads its library without this.
        if (Runtime.version().feature() >= 24) cmd.add("--enable-native-access=ALL-UNNAMED");
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), Main.class.getName()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().remove("LD_LIBRARY_PATH");
        pb.environment().putAll(env);
        Path err = Files.createTempFile("tessera-cli", ".err");
        pb.redirectError(err.toFile());
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "CLI JVM hung");
        String e = Files.readString(err);
        Files.delete(err);
        return new Result(p.exitValue(), out, e);
    }

    /** stderr must hold only the CLI's own lines ("HH:MM:SS LEVEL [area] …"), never JUL's default format. */
    static void onlyCliLogLines(String err) {
        for (String line : err.split("\n", -1)) {
            if (line.isEmpty()) continue;
            assertTrue(line.matches("\\d\\d:\\d\\d:\\d\\d (INFO|WARNING|SEVERE) \\[[a-z]+\\] .*"), "not a CLI log line: " + line + "\n" + err);
        }
    }

    static byte[] cpuMosaic(Path dir) throws IOException {
        Path out = dir.resolve("cpu");
        int rc = new Main(Jobs.PIPELINE).run(new String[] {"reproject", "-q", "--set", "use_gpu_phase5=false", out.toString(),
                DSS.resolve("dss_test1.fits").toString(), DSS.resolve("dss_test2.fits").toString()},
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
        assertEquals(Main.OK, rc);
        return Files.readAllBytes(out.resolve("mosaic.fits"));
    }

    /** A reproject run under env: the reason line verbatim, exit 0, the CPU's mosaic byte for byte. */
    static void reprojectOnTheCpu(Map<String, String> env, Path dir, String reason) throws Exception {
        assumeTrue(Files.isRegularFile(DSS.resolve("dss_test1.fits")), "../shared/data/dss_pair is needed");
        Path out = dir.resolve("gpu-" + env.hashCode());
        Result r = cli(env, "reproject", out.toString(), DSS.resolve("dss_test1.fits").toString(),
                DSS.resolve("dss_test2.fits").toString());
        assertEquals(Main.OK, r.status(), r.out() + r.err());
        List<String> gpu = r.out().lines().filter(l -> l.contains("[GPU]")).toList();
        assertEquals(1, gpu.size(), r.out());
        assertTrue(gpu.get(0).matches("\\d\\d:\\d\\d:\\d\\d INFO \\[gpu\\] \\[GPU\\] GPU off for this run: "
                + java.util.regex.Pattern.quote(reason) + "; every step runs on the CPU"), gpu.get(0));
        assertTrue(r.out().contains(", cpu backend, "), "Phase 5 on the CPU: " + r.out());
        assertArrayEquals(cpuMosaic(dir), Files.readAllBytes(out.resolve("mosaic.fits")), "the CPU's mosaic, byte for byte");
    }

    @Test
    void noDriver(@TempDir Path dir) throws Exception {
        assumeTrue(!JCudaDeviceOpenTest.driverInstalled() && System.getProperty("os.name").toLowerCase().contains("linux"),
                "this machine has an NVIDIA driver");
        Result r = cli(Map.of(), "gpu");
        assertEquals(Main.SKIPPED, r.status());
        assertTrue(r.out().matches("GPU: not usable\nreason: no NVIDIA driver \\(" + java.util.regex.Pattern.quote(DriverLibraryTest.ABSENT) + "\\)\n"
                + "VRAM: unavailable\nruns: every step runs on the CPU\n"), r.out());
        assertEquals("", r.err());
        String reason = r.out().lines().filter(l -> l.startsWith("reason: ")).findFirst().orElseThrow().substring(8);
        reprojectOnTheCpu(Map.of(), dir, reason);
    }

    @Test
    void driverWithoutDevice(@TempDir Path dir) throws Exception {
        assumeTrue(!JCudaDeviceOpenTest.driverInstalled(), "this machine has an NVIDIA driver");
        Map<String, String> env = Map.of("LD_LIBRARY_PATH", JCudaDeviceOpenTest.stub("libcuda-stub.c", dir).toString());
        Result r = cli(env, "gpu");
        assertEquals(Main.SKIPPED, r.status());
        assertEquals("GPU: not usable\nreason: no CUDA device (cuInit: CUDA_ERROR_NO_DEVICE)\nVRAM: unavailable\n"
                + "runs: every step runs on the CPU\n", r.out());
        assertEquals("", r.err());
        reprojectOnTheCpu(env, dir, "no CUDA device (cuInit: CUDA_ERROR_NO_DEVICE)");
    }

    @Test
    void deviceRefusingEveryKernelImage(@TempDir Path dir) throws Exception {
        Map<String, String> env = Map.of("LD_LIBRARY_PATH", JCudaDeviceOpenTest.stub("libcuda-fake-device.c", dir).toString());
        String reason = "health check failed: cannot load the GPU kernels 'health' on Tessera fake device (sm_90, 4096 MiB,"
                + " device 0) with driver CUDA 13.0 (health.sm_90.cubin: CUDA_ERROR_NO_BINARY_FOR_GPU;"
                + " health.ptx: CUDA_ERROR_UNSUPPORTED_PTX_VERSION)";
        Result r = cli(env, "gpu");
        assertEquals(Main.SKIPPED, r.status());
        assertEquals("GPU: not usable\ndevice: Tessera fake device (sm_90, 4096 MiB, device 0)\nreason: " + reason
                + "\nVRAM: unavailable\nruns: every step runs on the CPU\n", r.out());
        onlyCliLogLines(r.err());
        reprojectOnTheCpu(env, dir, reason);
    }

    /** The device's own warnings during the check (a CUBIN refused, the PTX taken) come in the CLI's format. */
    @Test
    void warningsDuringTheCheckUseTheCliFormat(@TempDir Path dir) throws Exception {
        Map<String, String> env = Map.of("LD_LIBRARY_PATH", JCudaDeviceOpenTest.stub("libcuda-fake-device.c", dir).toString(),
                "TESSERA_FAKE_PTX", "accept");
        Result r = cli(env, "gpu");
        assertEquals(Main.SKIPPED, r.status());
        assertTrue(r.out().endsWith("reason: health check failed: the health kernel gave 0 at 0 instead of 1\nVRAM: unavailable\n"
                + "runs: every step runs on the CPU\n"), r.out());
        onlyCliLogLines(r.err());
        assertTrue(r.err().contains(" WARNING [gpu] [GPU] kernel module 'health' loaded from health.ptx after health.sm_90.cubin:"
                + " CUDA_ERROR_NO_BINARY_FOR_GPU\n"), r.err());
    }
}

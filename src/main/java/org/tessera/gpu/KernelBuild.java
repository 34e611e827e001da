package org.tessera.gpu;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import jcuda.nvrtc.JNvrtc;
import jcuda.nvrtc.nvrtcProgram;

/**
 * Build step (Maven profile {@code cuda-kernels}, phase process-classes): compiles every
 * {@code src/main/cuda/*.cu} with NVRTC (from Maven Central's {@code cuda-redist}, no nvcc, no GPU)
 * to a CUBIN per architecture in {@link #ARCHS} and one PTX (compute_75, JIT-compiled by the driver
 * on any newer GPU), written to {@code target/classes/cuda/} and so packaged in the jar. The
 * ptxas report ({@code -Xptxas=-v}: registers, stack, spills) of each CUBIN goes to
 * {@code <report>/<module>.sm_XX.log} for the test that checks it. Options: {@code -fmad=false} so
 * the kernels round as the Java code does.
 * <p>
 * Usage: {@code KernelBuild <src dir> <out dir> <report dir> <dir holding libnvrtc*>}.
 */
public final class KernelBuild {
    private KernelBuild() {}

    /**
     * Architectures with a CUBIN: Turing, Ampere (A100, RTX 30), Ada, Hopper, Blackwell (B200: sm_100,
     * RTX 50: sm_120). The Blackwell CUBINs spare those GPUs the PTX, which NVRTC 12.9 writes as
     * PTX ISA 8.8: a driver older than 575 cannot JIT it, and Blackwell runs on 570.
     */
    public static final int[] ARCHS = {75, 80, 86, 89, 90, 100, 120};
    /** Architecture of the PTX fallback. */
    public static final int PTX_ARCH = 75;
    static final String[] COMMON = {"-fmad=false", "--std=c++14", "-default-device"};

    public static void main(String[] args) throws IOException {
        if (args.length != 4) throw new IllegalArgumentException("usage: KernelBuild <src> <out> <report> <nvrtc dir>");
        Path src = Path.of(args[0]), out = Path.of(args[1]), report = Path.of(args[2]), nvrtc = Path.of(args[3]);
        if (upToDate(src, out, report)) {
            System.out.println("[cuda] kernels up to date in " + out);
            return;
        }
        loadNvrtc(nvrtc);
        JNvrtc.setExceptionsEnabled(true);
        int[] major = {0}, minor = {0};
        JNvrtc.nvrtcVersion(major, minor);
        Files.createDirectories(out);
        Files.createDirectories(report);
        List<Path> sources;
        try (Stream<Path> s = Files.list(src)) {
            sources = s.filter(p -> p.toString().endsWith(".cu")).sorted().toList();
        }
        StringBuilder index = new StringBuilder();
        for (Path cu : sources) {
            String module = cu.getFileName().toString().replaceFirst("\\.cu$", "");
            String code = Files.readString(cu);
            for (int arch : ARCHS) {
                Result r = compile(code, module, "--gpu-architecture=sm_" + arch, true);
                Files.write(out.resolve(module + ".sm_" + arch + ".cubin"), r.binary);
                Files.writeString(report.resolve(module + ".sm_" + arch + ".log"), r.log);
                index.append(module).append(" sm_").append(arch).append('\n');
            }
            Result ptx = compile(code, module, "--gpu-architecture=compute_" + PTX_ARCH, false);
            Files.write(out.resolve(module + ".ptx"), ptx.binary);
            index.append(module).append(" ptx\n");
            System.out.println("[cuda] " + module + ".cu: CUBIN sm_" + archList() + " + PTX compute_" + PTX_ARCH
                    + " (NVRTC " + major[0] + "." + minor[0] + ")");
        }
        Files.writeString(out.resolve("index.txt"), index.toString());
    }

    /** "75/80/86/89/90/100/120". */
    static String archList() {
        return java.util.Arrays.stream(ARCHS).mapToObj(Integer::toString).collect(java.util.stream.Collectors.joining("/"));
    }

    /**
     * True when the index lists every architecture of {@link #ARCHS} and it and the reports are
     * newer than every source (a rebuild would change nothing).
     */
    private static boolean upToDate(Path src, Path out, Path report) throws IOException {
        Path index = out.resolve("index.txt");
        if (!Files.exists(index) || !Files.isDirectory(report)) return false;
        String listed = Files.readString(index);
        for (int arch : ARCHS) if (!listed.contains(" sm_" + arch + "\n")) return false;
        long built = Files.getLastModifiedTime(index).toMillis();
        try (Stream<Path> s = Files.list(src)) {
            return s.filter(p -> p.toString().endsWith(".cu")).allMatch(p -> {
                try {
                    return Files.getLastModifiedTime(p).toMillis() <= built;
                } catch (IOException e) {
                    return false;
                }
            });
        }
    }

    private record Result(byte[] binary, String log) {}

    private static Result compile(String code, String module, String arch, boolean cubin) {
        nvrtcProgram prog = new nvrtcProgram();
        JNvrtc.nvrtcCreateProgram(prog, code, module + ".cu", 0, null, null);
        List<String> opts = new ArrayList<>(List.of(COMMON));
        opts.add(arch);
        if (cubin) opts.add("-Xptxas=-v");
        String[] log = {""};
        try {
            try {
                JNvrtc.nvrtcCompileProgram(prog, opts.size(), opts.toArray(String[]::new));
            } catch (RuntimeException e) {
                JNvrtc.nvrtcGetProgramLog(prog, log);
                throw new IllegalStateException("NVRTC failed on " + module + ".cu for " + arch + ":\n" + log[0], e);
            }
            JNvrtc.nvrtcGetProgramLog(prog, log);
            if (cubin) {
                long[] size = {0};
                JNvrtc.nvrtcGetCUBINSize(prog, size);
                byte[] b = new byte[(int) size[0]];
                JNvrtc.nvrtcGetCUBIN(prog, b);
                return new Result(b, log[0]);
            }
            String[] ptx = {null};
            JNvrtc.nvrtcGetPTX(prog, ptx);
            String p = ptx[0];
            if (p.endsWith("\0")) p = p.substring(0, p.length() - 1);
            return new Result(p.getBytes(StandardCharsets.US_ASCII), log[0]);
        } finally {
            JNvrtc.nvrtcDestroyProgram(prog);
        }
    }

    /** Loads libnvrtc-builtins then libnvrtc from dir (searched recursively), so JCuda's JNvrtc links to them. */
    static void loadNvrtc(Path dir) throws IOException {
        Path builtins = null, lib = null;
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.toList()) {
                String n = p.getFileName().toString();
                if (n.startsWith("libnvrtc-builtins.so")) builtins = p;
                else if (n.startsWith("libnvrtc.so")) lib = p;
            }
        }
        if (builtins == null || lib == null)
            throw new IllegalStateException("libnvrtc.so.12 / libnvrtc-builtins.so.12.x not found under " + dir
                    + " (the cuda-kernels profile unpacks them from org.bytedeco:cuda-redist)");
        System.load(builtins.toAbsolutePath().toString());
        System.load(lib.toAbsolutePath().toString());
    }
}

package org.tessera.gpu;

import java.io.DataOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A device that runs the CUDA C sources themselves ({@code src/main/cuda/*.cu}), compiled with g++
 * against a small emulation of the CUDA built-ins ({@code hostemu/cuda_host.h}) and executed one
 * thread after another by {@code hostemu/driver.cpp}, one process per launch. It checks the .cu
 * files, not their Java ports, against the CPU engine on any machine with g++ and no GPU (with
 * -ffp-contract=off, as NVRTC's -fmad=false). Test use only: slow, unbounded memory.
 */
final class HostEmulatedDevice implements GpuDevice {

    private static Path binary;
    private static String problem;

    /** The compiled emulator, or null (with {@link #problem()}) where it cannot be built. */
    static synchronized Path binary() {
        if (binary != null || problem != null) return binary;
        try {
            if (!new File("/usr/bin/g++").canExecute()) throw new IOException("no g++");
            Path dir = Files.createTempDirectory("tessera-hostemu");
            dir.toFile().deleteOnExit();
            for (String r : List.of("cuda_host.h", "driver.cpp"))
                try (InputStream in = HostEmulatedDevice.class.getResourceAsStream("hostemu/" + r)) {
                    Files.copy(in, dir.resolve(r));
                }
            List<String> objects = new ArrayList<>();
            for (String m : List.of("stack", "coadd", "health")) {
                Path cu = Path.of("src", "main", "cuda", m + ".cu").toAbsolutePath();
                run(dir, "/usr/bin/g++", "-O1", "-ffp-contract=off", "-x", "c++", "-include", dir.resolve("cuda_host.h").toString(),
                        "-c", cu.toString(), "-o", dir.resolve(m + ".o").toString());
                objects.add(dir.resolve(m + ".o").toString());
            }
            List<String> link = new ArrayList<>(List.of("/usr/bin/g++", "-O1", "-I", dir.toString(), dir.resolve("driver.cpp").toString()));
            link.addAll(objects);
            link.addAll(List.of("-o", dir.resolve("emu").toString()));
            run(dir, link.toArray(String[]::new));
            binary = dir.resolve("emu");
        } catch (IOException | InterruptedException e) {
            problem = e.getMessage();
        }
        return binary;
    }

    static String problem() {
        return problem;
    }

    private static int indexOfSame(List<Object> list, Object a) {
        for (int i = 0; i < list.size(); i++) if (list.get(i) == a) return i;
        return -1;
    }

    private static void run(Path dir, String... cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0)
            throw new IOException(String.join(" ", cmd) + " failed:\n" + out);
    }

    private static final class Buf implements DeviceBuffer {
        final ByteBuffer data;

        Buf(long bytes) {
            data = ByteBuffer.allocate((int) bytes).order(ByteOrder.LITTLE_ENDIAN);
        }

        @Override
        public long bytes() {
            return data.capacity();
        }
    }

    private static Buf b(DeviceBuffer d) {
        return (Buf) d;
    }

    @Override public String describe() { return "host emulation of the CUDA sources"; }
    @Override public long totalBytes() { return 1L << 32; }
    @Override public long freeBytes() { return 1L << 32; }
    @Override public DeviceBuffer allocate(long bytes, GpuPhase phase) { return new Buf(bytes); }
    @Override public void release(DeviceBuffer buffer) { }
    @Override public void freePool() { }
    @Override public void close() { }

    @Override
    public void upload(float[] host, int hostOffset, DeviceBuffer dst, long dstOffset, int count) {
        b(dst).data.duplicate().order(ByteOrder.LITTLE_ENDIAN).position((int) dstOffset * 4).asFloatBuffer().put(host, hostOffset, count);
    }

    @Override
    public void upload(int[] host, int hostOffset, DeviceBuffer dst, long dstOffset, int count) {
        b(dst).data.duplicate().order(ByteOrder.LITTLE_ENDIAN).position((int) dstOffset * 4).asIntBuffer().put(host, hostOffset, count);
    }

    @Override
    public void upload(double[] host, int hostOffset, DeviceBuffer dst, long dstOffset, int count) {
        b(dst).data.duplicate().order(ByteOrder.LITTLE_ENDIAN).position((int) dstOffset * 8).asDoubleBuffer().put(host, hostOffset, count);
    }

    @Override
    public void download(DeviceBuffer src, long srcOffset, double[] host, int hostOffset, int count) {
        b(src).data.duplicate().order(ByteOrder.LITTLE_ENDIAN).position((int) srcOffset * 8).asDoubleBuffer().get(host, hostOffset, count);
    }

    @Override
    public void download(DeviceBuffer src, long srcOffset, float[] host, int hostOffset, int count) {
        b(src).data.duplicate().order(ByteOrder.LITTLE_ENDIAN).position((int) srcOffset * 4).asFloatBuffer().get(host, hostOffset, count);
    }

    @Override
    public void download(DeviceBuffer src, long srcOffset, int[] host, int hostOffset, int count) {
        b(src).data.duplicate().order(ByteOrder.LITTLE_ENDIAN).position((int) srcOffset * 4).asIntBuffer().get(host, hostOffset, count);
    }

    @Override
    public void launch(KernelCall call, GpuPhase phase) {
        Path bin = binary();
        if (bin == null) throw new GpuException("host emulator not built: " + problem);
        try {
            Path in = Files.createTempFile("launch", ".in"), out = Files.createTempFile("launch", ".out");
            try {
                try (DataOutputStream o = new DataOutputStream(new java.io.BufferedOutputStream(Files.newOutputStream(in)))) {
                    byte[] name = call.kernel().getBytes(StandardCharsets.US_ASCII);
                    ByteBuffer h = ByteBuffer.allocate(24 + name.length).order(ByteOrder.LITTLE_ENDIAN);
                    h.putInt(name.length).put(name).putInt(call.gridX()).putInt(call.gridY()).putInt(call.blockX())
                            .putInt(call.blockY()).putInt(call.args().size());
                    o.write(h.array(), 0, h.position());
                    List<Object> seen = new ArrayList<>();
                    for (Object a : call.args()) {
                        ByteBuffer v = ByteBuffer.allocate(9).order(ByteOrder.LITTLE_ENDIAN);
                        int first = indexOfSame(seen, a);
                        seen.add(a);
                        if (a instanceof Buf && first >= 0) { // the same buffer twice: one copy, as on a device
                            v.put((byte) 5).putInt(first);
                            o.write(v.array(), 0, v.position());
                            continue;
                        }
                        if (a instanceof Buf bb) {
                            v.put((byte) 0).putLong(bb.data.capacity());
                            o.write(v.array(), 0, 9);
                            o.write(bb.data.array());
                            continue;
                        }
                        if (a instanceof Integer x) v.put((byte) 1).putInt(x);
                        else if (a instanceof Long x) v.put((byte) 2).putLong(x);
                        else if (a instanceof Float x) v.put((byte) 3).putFloat(x);
                        else if (a instanceof Double x) v.put((byte) 4).putDouble(x);
                        else throw new GpuException("unsupported argument " + a);
                        o.write(v.array(), 0, v.position());
                    }
                }
                Process p = new ProcessBuilder(bin.toString(), in.toString(), out.toString()).redirectErrorStream(true).start();
                String msg = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0)
                    throw new GpuException("emulated " + call.kernel() + " failed: " + msg);
                ByteBuffer res = ByteBuffer.wrap(Files.readAllBytes(out));
                List<Object> seen = new ArrayList<>();
                for (Object a : call.args()) {
                    if (a instanceof Buf bb && indexOfSame(seen, a) < 0) res.get(bb.data.array());
                    seen.add(a);
                }
            } finally {
                Files.deleteIfExists(in);
                Files.deleteIfExists(out);
            }
        } catch (IOException | InterruptedException e) {
            throw new GpuException("emulated " + call.kernel() + ": " + e, e);
        }
    }
}

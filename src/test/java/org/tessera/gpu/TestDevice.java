package org.tessera.gpu;

import java.util.HashMap;
import java.util.Map;

/**
 * A plain in-memory device for the control tests: VRAM accounting with a pool (released blocks stay
 * charged until {@link #freePool}), float buffers, and the kernels the test backends launch.
 */
final class TestDevice implements GpuDevice {

    private final long total;
    private long used, cached;
    final Map<String, JavaKernel> kernels = new HashMap<>();
    int poolFrees;

    TestDevice(long totalBytes) {
        this.total = totalBytes;
        kernels.put("tessera_health", (bx, by, tx, ty, call, mem) -> {
            int i = bx * call.blockX() + tx;
            int n = (Integer) call.args().get(1);
            if (i < n) mem.floats((DeviceBuffer) call.args().get(0))[i] = 2f * i + 1;
        });
        kernels.put("test_identity", (bx, by, tx, ty, call, mem) -> { });
    }

    static final class Buf implements DeviceBuffer {
        final long bytes;
        final float[] f;

        Buf(long bytes) {
            this.bytes = bytes;
            f = new float[(int) (bytes / 4)];
        }

        @Override public long bytes() { return bytes; }
    }

    @Override public String describe() { return "test device"; }
    @Override public long totalBytes() { return total; }
    @Override public long freeBytes() { return total - used; }

    @Override
    public DeviceBuffer allocate(long bytes, GpuPhase phase) {
        if (bytes <= cached) {
            cached -= bytes;
        } else {
            if (used + bytes - cached > total) throw new GpuOutOfMemoryException("out of memory: " + bytes + " bytes");
            used += bytes - cached;
            cached = 0;
        }
        return new Buf(bytes);
    }

    @Override public void release(DeviceBuffer buffer) { cached += buffer.bytes(); }

    @Override
    public void upload(float[] host, int hostOffset, DeviceBuffer dst, long dstOffset, int count) {
        System.arraycopy(host, hostOffset, ((Buf) dst).f, (int) dstOffset, count);
    }

    @Override
    public void upload(int[] host, int hostOffset, DeviceBuffer dst, long dstOffset, int count) {
        throw new IllegalArgumentException("float buffers only");
    }

    @Override
    public void upload(double[] host, int hostOffset, DeviceBuffer dst, long dstOffset, int count) {
        throw new IllegalArgumentException("float buffers only");
    }

    @Override
    public void download(DeviceBuffer src, long srcOffset, float[] host, int hostOffset, int count) {
        System.arraycopy(((Buf) src).f, (int) srcOffset, host, hostOffset, count);
    }

    @Override
    public void download(DeviceBuffer src, long srcOffset, int[] host, int hostOffset, int count) {
        throw new IllegalArgumentException("float buffers only");
    }

    @Override
    public void launch(KernelCall call, GpuPhase phase) {
        JavaKernel k = kernels.get(call.kernel());
        if (k == null) throw new GpuException("no kernel " + call.kernel());
        JavaKernel.SimulatedMemory mem = new JavaKernel.SimulatedMemory() {
            @Override public float[] floats(DeviceBuffer b) { return ((Buf) b).f; }
            @Override public int[] ints(DeviceBuffer b) { throw new IllegalArgumentException(); }
            @Override public double[] doubles(DeviceBuffer b) { throw new IllegalArgumentException(); }
        };
        for (int bx = 0; bx < call.gridX(); bx++)
            for (int tx = 0; tx < call.blockX(); tx++) k.thread(bx, 0, tx, 0, call, mem);
    }

    @Override
    public void freePool() {
        used -= cached;
        cached = 0;
        poolFrees++;
    }

    @Override public void close() { }
}

package org.tessera.gpu;

import java.util.EnumMap;
import java.util.Map;

/**
 * A device that injects the faults of a {@link SimulateSpec} around another device (the
 * simulated device in practice, so the kernels still run): out-of-memory on chosen allocations,
 * all-NaN results or a GPU error on chosen kernel launches, scripted free-VRAM probes and a failing
 * health check. Allocations and launches are counted per {@link GpuPhase} over the device's life
 * (one run). Like every device, one caller at a time.
 */
public final class FaultInjectingDevice implements GpuDevice {

    private final GpuDevice inner;
    private final SimulateSpec spec;
    private final Map<GpuPhase, Integer> allocations = new EnumMap<>(GpuPhase.class);
    private final Map<GpuPhase, Integer> launches = new EnumMap<>(GpuPhase.class);
    private int probes;

    public FaultInjectingDevice(GpuDevice inner, SimulateSpec spec) {
        this.inner = inner;
        this.spec = spec;
    }

    /** Whether {@code health:fail} was asked: the health check reports the device broken. */
    public boolean healthFails() {
        return spec.healthFails();
    }

    @Override
    public String describe() {
        return "simulated (" + spec.vramMb() + " MiB, gpu_simulate)";
    }

    @Override
    public long totalBytes() {
        return spec.vramMb() << 20;
    }

    /** The scripted {@code free_mb} values in turn (the last repeating), else the inner device's answer. */
    @Override
    public long freeBytes() {
        if (spec.freeMb().isEmpty()) return inner.freeBytes();
        long mb = spec.freeMb().get(Math.min(probes++, spec.freeMb().size() - 1));
        return mb << 20;
    }

    @Override
    public DeviceBuffer allocate(long bytes, GpuPhase phase) {
        int k = allocations.merge(phase, 1, Integer::sum);
        if (spec.hits(SimulateSpec.Kind.OOM, phase, k))
            throw new GpuOutOfMemoryException("CUDA_ERROR_OUT_OF_MEMORY: out of memory (simulated: allocation " + k
                    + " of " + phase.key() + ", " + bytes + " bytes)");
        return inner.allocate(bytes, phase);
    }

    @Override
    public void release(DeviceBuffer buffer) {
        inner.release(buffer);
    }

    @Override
    public void upload(float[] host, int hostOffset, DeviceBuffer dst, long dstOffset, int count) {
        inner.upload(host, hostOffset, dst, dstOffset, count);
    }

    @Override
    public void upload(int[] host, int hostOffset, DeviceBuffer dst, long dstOffset, int count) {
        inner.upload(host, hostOffset, dst, dstOffset, count);
    }

    @Override
    public void upload(double[] host, int hostOffset, DeviceBuffer dst, long dstOffset, int count) {
        inner.upload(host, hostOffset, dst, dstOffset, count);
    }

    @Override
    public void download(DeviceBuffer src, long srcOffset, float[] host, int hostOffset, int count) {
        inner.download(src, srcOffset, host, hostOffset, count);
    }

    @Override
    public void download(DeviceBuffer src, long srcOffset, int[] host, int hostOffset, int count) {
        inner.download(src, srcOffset, host, hostOffset, count);
    }

    @Override
    public void download(DeviceBuffer src, long srcOffset, double[] host, int hostOffset, int count) {
        inner.download(src, srcOffset, host, hostOffset, count);
    }

    /**
     * Runs the kernel; on an {@code invalid} launch every float and double buffer it was given is
     * then filled with NaN, so whichever is its output comes back all NaN.
     */
    @Override
    public void launch(KernelCall call, GpuPhase phase) {
        int k = launches.merge(phase, 1, Integer::sum);
        if (spec.hits(SimulateSpec.Kind.FAIL, phase, k))
            throw new GpuException("CUDA_ERROR_LAUNCH_FAILED: unspecified launch failure (simulated: launch " + k + " of "
                    + phase.key() + ", kernel " + call.kernel() + ")");
        inner.launch(call, phase);
        if (spec.hits(SimulateSpec.Kind.INVALID, phase, k))
            for (Object a : call.args()) if (a instanceof DeviceBuffer b) poison(b);
    }

    @Override
    public int streams() {
        return inner.streams();
    }

    @Override
    public void uploadAsync(int stream, float[] host, int hostOffset, DeviceBuffer dst, long dstOffset, int count) {
        inner.uploadAsync(stream, host, hostOffset, dst, dstOffset, count);
    }

    @Override
    public void uploadAsync(int stream, int[] host, int hostOffset, DeviceBuffer dst, long dstOffset, int count) {
        inner.uploadAsync(stream, host, hostOffset, dst, dstOffset, count);
    }

    @Override
    public void uploadAsync(int stream, double[] host, int hostOffset, DeviceBuffer dst, long dstOffset, int count) {
        inner.uploadAsync(stream, host, hostOffset, dst, dstOffset, count);
    }

    /** As {@link #launch}, counted with the synchronous launches; an invalid result waits for its stream, then poisons. */
    @Override
    public void launchAsync(int stream, KernelCall call, GpuPhase phase) {
        int k = launches.merge(phase, 1, Integer::sum);
        if (spec.hits(SimulateSpec.Kind.FAIL, phase, k))
            throw new GpuException("CUDA_ERROR_LAUNCH_FAILED: unspecified launch failure (simulated: launch " + k + " of "
                    + phase.key() + ", kernel " + call.kernel() + ")");
        inner.launchAsync(stream, call, phase);
        if (spec.hits(SimulateSpec.Kind.INVALID, phase, k)) {
            inner.synchronize(stream);
            for (Object a : call.args()) if (a instanceof DeviceBuffer b) poison(b);
        }
    }

    @Override
    public DeviceEvent record(int stream) {
        return inner.record(stream);
    }

    @Override
    public void await(int stream, DeviceEvent event) {
        inner.await(stream, event);
    }

    @Override
    public void synchronize(int stream) {
        inner.synchronize(stream);
    }

    /** Fills a float or double buffer with NaN; int buffers (indices, tallies) are left alone. */
    private void poison(DeviceBuffer b) {
        try {
            float[] nan = new float[(int) (b.bytes() / Float.BYTES)];
            java.util.Arrays.fill(nan, Float.NaN);
            inner.upload(nan, 0, b, 0, nan.length);
            return;
        } catch (RuntimeException notFloat) {
            // typed otherwise: try double
        }
        try {
            double[] nan = new double[(int) (b.bytes() / Double.BYTES)];
            java.util.Arrays.fill(nan, Double.NaN);
            inner.upload(nan, 0, b, 0, nan.length);
        } catch (RuntimeException notDouble) {
            // an int buffer: not a result read as pixels
        }
    }

    @Override
    public void freePool() {
        inner.freePool();
    }

    @Override
    public void close() {
        inner.close();
    }
}

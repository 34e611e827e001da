package org.tessera.gpu;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.IntStream;

import org.tessera.gpu.kernels.Kernels;

/**
 * A device in Java: buffers are Java arrays, memory is accounted against a fixed size, and a
 * launch runs the named {@link JavaKernel} (the port of the CUDA kernel) for every (block, thread)
 * of the grid. Blocks run in parallel on the common fork-join pool; a thread only writes its own
 * outputs, as in CUDA, so results never depend on how many threads run them.
 * <p>
 * The pool works like CuPy's: a released buffer stays cached (and counts as used) until
 * {@link #freePool()} or until an allocation would not fit otherwise. Cached blocks are reused
 * for allocations of the same size, with their old contents, as on a real device. No fault
 * injection here: the control layer wraps this device for that.
 */
public final class SimulatedDevice implements GpuDevice {

    private final long total;
    private final Function<String, JavaKernel> kernels;
    private final Map<Long, ArrayDeque<SimBuffer>> cache = new HashMap<>();
    private long live, cached, requested, peakRequested;
    private boolean closed;
    private final Memory memory = new Memory();

    /** A device of {@code totalBytes} running the ports of {@link Kernels}. */
    public SimulatedDevice(long totalBytes) {
        this(totalBytes, Kernels::byName);
    }

    /** A device of {@code totalBytes} whose kernels come from {@code kernels} (null: unknown). */
    public SimulatedDevice(long totalBytes, Function<String, JavaKernel> kernels) {
        if (totalBytes <= 0) throw new IllegalArgumentException("device size must be > 0: " + totalBytes);
        this.total = totalBytes;
        this.kernels = kernels;
    }

    @Override
    public String describe() {
        return "simulated (" + (total >> 20) + " MiB)";
    }

    @Override
    public long totalBytes() {
        return total;
    }

    @Override
    public synchronized long freeBytes() {
        return total - live - cached;
    }

    /** Bytes held by live buffers (not counting the pool's cached blocks). */
    public synchronized long liveBytes() {
        return live;
    }

    /** The most bytes (as asked, before rounding) held by live buffers at once since the last reset. */
    public synchronized long peakRequestedBytes() {
        return peakRequested;
    }

    public synchronized void resetPeak() {
        peakRequested = requested;
    }

    /** Bytes cached in the pool. */
    public synchronized long cachedBytes() {
        return cached;
    }

    @Override
    public synchronized DeviceBuffer allocate(long bytes, GpuPhase phase) {
        open();
        if (bytes < 0) throw new IllegalArgumentException("negative allocation: " + bytes);
        long size = rounded(bytes);
        ArrayDeque<SimBuffer> q = cache.get(size);
        if (q != null && !q.isEmpty()) {
            SimBuffer b = q.pop();
            cached -= size;
            live += size;
            b.released = false;
            b.retype();
            b.bytes = bytes;
            held(bytes);
            return b;
        }
        if (size > total - live - cached) freePool(); // as CuPy: empty the cache, then try again
        if (size > total - live - cached)
            throw new GpuOutOfMemoryException(String.format("out of memory allocating %d bytes on %s (%d bytes free)",
                    bytes, describe(), total - live - cached));
        live += size;
        held(bytes);
        return new SimBuffer(bytes, size);
    }

    private void held(long bytes) {
        requested += bytes;
        peakRequested = Math.max(peakRequested, requested);
    }

    /** Allocation granularity, as CUDA pools round to 512 bytes. */
    private static long rounded(long bytes) {
        return Math.max(512, (bytes + 511) & ~511L);
    }

    @Override
    public synchronized void release(DeviceBuffer buffer) {
        SimBuffer b = sim(buffer);
        if (b.released) return;
        b.released = true;
        live -= b.size;
        cached += b.size;
        requested -= b.bytes;
        cache.computeIfAbsent(b.size, k -> new ArrayDeque<>()).push(b);
    }

    @Override
    public synchronized void freePool() {
        cache.clear();
        cached = 0;
    }

    @Override
    public void upload(float[] host, int hostOffset, DeviceBuffer dst, long dstOffset, int count) {
        System.arraycopy(host, hostOffset, sim(dst).floats(), index(dst, dstOffset, count, 4), count);
    }

    @Override
    public void upload(int[] host, int hostOffset, DeviceBuffer dst, long dstOffset, int count) {
        System.arraycopy(host, hostOffset, sim(dst).ints(), index(dst, dstOffset, count, 4), count);
    }

    @Override
    public void upload(double[] host, int hostOffset, DeviceBuffer dst, long dstOffset, int count) {
        System.arraycopy(host, hostOffset, sim(dst).doubles(), index(dst, dstOffset, count, 8), count);
    }

    @Override
    public void download(DeviceBuffer src, long srcOffset, double[] host, int hostOffset, int count) {
        System.arraycopy(sim(src).doubles(), index(src, srcOffset, count, 8), host, hostOffset, count);
    }

    @Override
    public void download(DeviceBuffer src, long srcOffset, float[] host, int hostOffset, int count) {
        System.arraycopy(sim(src).floats(), index(src, srcOffset, count, 4), host, hostOffset, count);
    }

    @Override
    public void download(DeviceBuffer src, long srcOffset, int[] host, int hostOffset, int count) {
        System.arraycopy(sim(src).ints(), index(src, srcOffset, count, 4), host, hostOffset, count);
    }

    private static int index(DeviceBuffer b, long offset, int count, int elem) {
        if (offset < 0 || count < 0 || (offset + count) * elem > b.bytes())
            throw new GpuException("copy of " + count + " elements at " + offset + " outside a buffer of " + b.bytes() + " bytes");
        return (int) offset;
    }

    @Override
    public void launch(KernelCall call, GpuPhase phase) {
        open();
        JavaKernel k = kernels.apply(call.kernel());
        if (k == null) throw new GpuException("no kernel named '" + call.kernel() + "' on " + describe());
        for (Object a : call.args()) if (a instanceof SimBuffer b && b.released)
            throw new GpuException("kernel " + call.kernel() + " launched on a released buffer");
        int gx = call.gridX(), bx = call.blockX(), by = call.blockY();
        try {
            IntStream.range(0, call.gridX() * call.gridY()).parallel().forEach(block -> {
                int bX = block % gx, bY = block / gx;
                for (int ty = 0; ty < by; ty++)
                    for (int tx = 0; tx < bx; tx++) k.thread(bX, bY, tx, ty, call, memory);
            });
        } catch (GpuException e) {
            throw e;
        } catch (RuntimeException e) {
            // An out-of-bounds access on a real device is a launch failure, not a Java bug to leak.
            throw new GpuException("kernel " + call.kernel() + " failed on " + describe() + ": " + e, e);
        }
    }

    @Override
    public synchronized void close() {
        closed = true;
        cache.clear();
        cached = 0;
    }

    private void open() {
        if (closed) throw new GpuException(describe() + " is closed");
    }

    private static SimBuffer sim(DeviceBuffer b) {
        if (!(b instanceof SimBuffer s)) throw new GpuException("not a buffer of the simulated device: " + b);
        return s;
    }

    /** A buffer whose storage is made on first typed use; a kernel must read it with one type. */
    static final class SimBuffer implements DeviceBuffer {
        private final long size;
        private long bytes;
        private volatile Object storage;
        boolean released;

        SimBuffer(long bytes, long size) {
            if (bytes / 4 > Integer.MAX_VALUE) throw new GpuOutOfMemoryException("simulated buffer too large: " + bytes + " bytes");
            this.bytes = bytes;
            this.size = size;
        }

        @Override
        public long bytes() {
            return bytes;
        }

        float[] floats() {
            Object s = storage;
            if (s == null) s = make(() -> new float[(int) (bytes / 4)]);
            if (s instanceof float[] f) return f;
            throw new GpuException("buffer of " + s.getClass().getSimpleName() + " read as float[]");
        }

        int[] ints() {
            Object s = storage;
            if (s == null) s = make(() -> new int[(int) (bytes / 4)]);
            if (s instanceof int[] f) return f;
            throw new GpuException("buffer of " + s.getClass().getSimpleName() + " read as int[]");
        }

        double[] doubles() {
            Object s = storage;
            if (s == null) s = make(() -> new double[(int) (bytes / 8)]);
            if (s instanceof double[] f) return f;
            throw new GpuException("buffer of " + s.getClass().getSimpleName() + " read as double[]");
        }

        private synchronized Object make(java.util.function.Supplier<Object> f) {
            if (storage == null) storage = f.get();
            return storage;
        }

        /** A cached block reused with another element type: its storage is remade (contents lost). */
        synchronized void retype() {
            storage = null;
        }
    }

    private static final class Memory implements JavaKernel.SimulatedMemory {
        @Override
        public float[] floats(DeviceBuffer b) {
            return sim(b).floats();
        }

        @Override
        public int[] ints(DeviceBuffer b) {
            return sim(b).ints();
        }

        @Override
        public double[] doubles(DeviceBuffer b) {
            return sim(b).doubles();
        }
    }
}

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
    private final Streams streams;

    /** A device of {@code totalBytes} with two streams, running the ports of {@link Kernels}. */
    public SimulatedDevice(long totalBytes) {
        this(totalBytes, 2);
    }

    /** A device of {@code totalBytes} with {@code streams} streams (1: the unoverlapped path). */
    public SimulatedDevice(long totalBytes, int streams) {
        this(totalBytes, streams, Kernels::byName);
    }

    /** A device of {@code totalBytes} with two streams whose kernels come from {@code kernels} (null: unknown). */
    public SimulatedDevice(long totalBytes, Function<String, JavaKernel> kernels) {
        this(totalBytes, 2, kernels);
    }

    private SimulatedDevice(long totalBytes, int streams, Function<String, JavaKernel> kernels) {
        if (totalBytes <= 0) throw new IllegalArgumentException("device size must be > 0: " + totalBytes);
        if (streams < 1) throw new IllegalArgumentException("streams must be >= 1: " + streams);
        this.total = totalBytes;
        this.kernels = kernels;
        this.streams = new Streams(streams);
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
        streams.host(b, "released");
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
        streams.host(sim(dst), "uploaded to synchronously");
        System.arraycopy(host, hostOffset, sim(dst).floats(), index(dst, dstOffset, count, 4), count);
    }

    @Override
    public void upload(int[] host, int hostOffset, DeviceBuffer dst, long dstOffset, int count) {
        streams.host(sim(dst), "uploaded to synchronously");
        System.arraycopy(host, hostOffset, sim(dst).ints(), index(dst, dstOffset, count, 4), count);
    }

    @Override
    public void upload(double[] host, int hostOffset, DeviceBuffer dst, long dstOffset, int count) {
        streams.host(sim(dst), "uploaded to synchronously");
        System.arraycopy(host, hostOffset, sim(dst).doubles(), index(dst, dstOffset, count, 8), count);
    }

    @Override
    public void download(DeviceBuffer src, long srcOffset, double[] host, int hostOffset, int count) {
        streams.host(sim(src), "downloaded");
        System.arraycopy(sim(src).doubles(), index(src, srcOffset, count, 8), host, hostOffset, count);
    }

    @Override
    public void download(DeviceBuffer src, long srcOffset, float[] host, int hostOffset, int count) {
        streams.host(sim(src), "downloaded");
        System.arraycopy(sim(src).floats(), index(src, srcOffset, count, 4), host, hostOffset, count);
    }

    @Override
    public void download(DeviceBuffer src, long srcOffset, int[] host, int hostOffset, int count) {
        streams.host(sim(src), "downloaded");
        System.arraycopy(sim(src).ints(), index(src, srcOffset, count, 4), host, hostOffset, count);
    }

    // Streams: the work runs at once (eagerly, so the numbers are those of any legal order), and
    // a vector clock per stream and per buffer checks that the caller's order would be legal on a
    // real device, where queued work runs later and concurrently. Any use of a buffer that a real
    // device could race (another stream, the host, a release before the work is known done)
    // throws a GpuException naming the buffer's stream.

    @Override
    public int streams() {
        return streams.count;
    }

    @Override
    public void uploadAsync(int stream, float[] host, int hostOffset, DeviceBuffer dst, long dstOffset, int count) {
        streams.use(stream, "upload", sim(dst));
        System.arraycopy(host, hostOffset, sim(dst).floats(), index(dst, dstOffset, count, 4), count);
    }

    @Override
    public void uploadAsync(int stream, int[] host, int hostOffset, DeviceBuffer dst, long dstOffset, int count) {
        streams.use(stream, "upload", sim(dst));
        System.arraycopy(host, hostOffset, sim(dst).ints(), index(dst, dstOffset, count, 4), count);
    }

    @Override
    public void uploadAsync(int stream, double[] host, int hostOffset, DeviceBuffer dst, long dstOffset, int count) {
        streams.use(stream, "upload", sim(dst));
        System.arraycopy(host, hostOffset, sim(dst).doubles(), index(dst, dstOffset, count, 8), count);
    }

    @Override
    public void launchAsync(int stream, KernelCall call, GpuPhase phase) {
        open();
        SimBuffer[] used = call.args().stream().filter(a -> a instanceof DeviceBuffer).map(a -> sim((DeviceBuffer) a))
                .distinct().toArray(SimBuffer[]::new);
        streams.use(stream, call.kernel(), used);
        run(call);
    }

    @Override
    public DeviceEvent record(int stream) {
        return streams.record(stream);
    }

    @Override
    public void await(int stream, DeviceEvent event) {
        streams.await(stream, event);
    }

    @Override
    public void synchronize(int stream) {
        streams.synchronize(stream);
    }

    /** The most streams that had work not yet synchronised at once (2: the calls overlapped). */
    public int maxBusyStreams() {
        return streams.maxBusy();
    }

    /** Operations queued on streams since this device was made (uploads and launches). */
    public long asyncOperations() {
        return streams.operations();
    }

    private static int index(DeviceBuffer b, long offset, int count, int elem) {
        if (offset < 0 || count < 0 || (offset + count) * elem > b.bytes())
            throw new GpuException("copy of " + count + " elements at " + offset + " outside a buffer of " + b.bytes() + " bytes");
        return (int) offset;
    }

    @Override
    public void launch(KernelCall call, GpuPhase phase) {
        open();
        for (Object a : call.args()) if (a instanceof DeviceBuffer b) streams.host(sim(b), "used by a synchronous launch");
        run(call);
    }

    private void run(KernelCall call) {
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
        /** Per stream, the sequence number of the last queued operation that used this buffer (0: none). */
        long[] uses;

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

    /**
     * The ordering a real device guarantees, as vector clocks: {@code seq[s]} operations queued on
     * stream s; {@code knows[t][s]}: how much of s is done before t's next operation (events,
     * and the host's knowledge when t's operation is queued); {@code host[s]}: how much of s the
     * host knows done (synchronize).
     */
    private static final class Streams {
        final int count;
        private final long[] seq;
        private final long[][] knows;
        private final long[] host;
        private int maxBusy;
        private long operations;

        Streams(int count) {
            this.count = count;
            seq = new long[count];
            knows = new long[count][count];
            host = new long[count];
        }

        private void check(int stream) {
            if (stream < 0 || stream >= count)
                throw new GpuException("no stream " + stream + " on a simulated device of " + count + " stream(s)");
        }

        /** One operation on {@code stream} using {@code buffers}: legal only if their other streams' uses are known done. */
        synchronized void use(int stream, String what, SimBuffer... buffers) {
            check(stream);
            long[] k = knows[stream];
            for (int s = 0; s < count; s++) k[s] = Math.max(k[s], host[s]);
            for (SimBuffer b : buffers) {
                if (b.uses == null) continue;
                for (int s = 0; s < b.uses.length; s++)
                    if (s != stream && b.uses[s] > k[s])
                        throw new GpuException(what + " on stream " + stream + " uses a buffer still in flight on stream " + s
                                + " (no synchronize or event in between)");
            }
            seq[stream]++;
            operations++;
            k[stream] = seq[stream];
            for (SimBuffer b : buffers) {
                if (b.uses == null) b.uses = new long[count];
                b.uses[stream] = seq[stream];
            }
            int busy = 0;
            for (int s = 0; s < count; s++) if (seq[s] > host[s]) busy++;
            maxBusy = Math.max(maxBusy, busy);
        }

        /** A host action on {@code b} (synchronous copy, release): every queued use must be known done. */
        synchronized void host(SimBuffer b, String what) {
            if (b.uses == null) return;
            for (int s = 0; s < b.uses.length; s++)
                if (b.uses[s] > host[s])
                    throw new GpuException("buffer " + what + " while in flight on stream " + s + " (synchronize the stream first)");
        }

        synchronized DeviceEvent record(int stream) {
            check(stream);
            long[] v = knows[stream].clone();
            v[stream] = seq[stream];
            return new Clock(this, v);
        }

        synchronized void await(int stream, DeviceEvent e) {
            check(stream);
            if (!(e instanceof Clock c) || c.owner != this) throw new GpuException("not an event of this simulated device: " + e);
            for (int s = 0; s < count; s++) knows[stream][s] = Math.max(knows[stream][s], c.at[s]);
        }

        synchronized void synchronize(int stream) {
            check(stream);
            for (int s = 0; s < count; s++) host[s] = Math.max(host[s], knows[stream][s]);
            host[stream] = seq[stream];
        }

        synchronized int maxBusy() {
            return maxBusy;
        }

        synchronized long operations() {
            return operations;
        }
    }

    private record Clock(Streams owner, long[] at) implements DeviceEvent {
    }
}

package org.tessera.gpu;

import static jcuda.driver.JCudaDriver.cuCtxCreate;
import static jcuda.driver.JCudaDriver.cuCtxDestroy;
import static jcuda.driver.JCudaDriver.cuCtxSetCurrent;
import static jcuda.driver.JCudaDriver.cuDeviceGet;
import static jcuda.driver.JCudaDriver.cuDeviceGetAttribute;
import static jcuda.driver.JCudaDriver.cuDeviceGetCount;
import static jcuda.driver.JCudaDriver.cuDeviceGetName;
import static jcuda.driver.JCudaDriver.cuDeviceTotalMem;
import static jcuda.driver.JCudaDriver.cuEventCreate;
import static jcuda.driver.JCudaDriver.cuEventRecord;
import static jcuda.driver.JCudaDriver.cuEventSynchronize;
import static jcuda.driver.JCudaDriver.cuInit;
import static jcuda.driver.JCudaDriver.cuLaunchKernel;
import static jcuda.driver.JCudaDriver.cuMemAlloc;
import static jcuda.driver.JCudaDriver.cuMemAllocHost;
import static jcuda.driver.JCudaDriver.cuMemFree;
import static jcuda.driver.JCudaDriver.cuMemGetInfo;
import static jcuda.driver.JCudaDriver.cuMemcpyDtoH;
import static jcuda.driver.JCudaDriver.cuMemcpyHtoD;
import static jcuda.driver.JCudaDriver.cuMemcpyHtoDAsync;
import static jcuda.driver.JCudaDriver.cuModuleGetFunction;
import static jcuda.driver.JCudaDriver.cuModuleLoadData;
import static jcuda.driver.JCudaDriver.cuStreamCreate;
import static jcuda.driver.JCudaDriver.cuStreamSynchronize;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import jcuda.CudaException;
import jcuda.Pointer;
import jcuda.driver.CUcontext;
import jcuda.driver.CUdevice;
import jcuda.driver.CUdevice_attribute;
import jcuda.driver.CUdeviceptr;
import jcuda.driver.CUevent;
import jcuda.driver.CUfunction;
import jcuda.driver.CUmodule;
import jcuda.driver.CUresult;
import jcuda.driver.CUstream;

import org.tessera.gpu.kernels.Kernels;

/**
 * A real NVIDIA GPU through JCuda's driver API: one context per run ({@link #open} … {@link
 * #close}), one stream for synchronous calls and two non-blocking streams for the overlapped path
 * (each with its own pinned staging, so an async upload returns once its data are pinned), kernels loaded from the CUBIN the build made for the device's compute
 * capability (same major, highest minor not above the device's), else from the PTX, which the
 * driver compiles (also when the driver rejects the CUBIN: {@link #images}). Memory comes from a
 * pool like CuPy's (released blocks cached by size, freed by {@link #freePool()} or when an
 * allocation would otherwise fail). Large float uploads (band data)
 * go through two pinned host buffers, the copy of one overlapping the DMA of the other.
 * <p>
 * Errors: CUDA_ERROR_OUT_OF_MEMORY → {@link GpuOutOfMemoryException}; any other CUDA error → {@link
 * GpuException}; no driver library ({@code libcuda.so.1} missing: {@link DriverLibrary} tells it without
 * loading JCuda's natives, else a {@link LinkageError}) → a {@link GpuException} saying "no NVIDIA driver". Callers serialise use, as {@link GpuDevice} says;
 * every call makes the context current on the calling thread.
 */
public final class JCudaDevice implements GpuDevice {

    private static final java.util.logging.Logger LOG = GpuRun.LOG;

    /** Uploads above this many bytes go through the pinned buffers. */
    static final long PINNED_THRESHOLD = 1 << 20;
    static final int PINNED_HALF = 4 << 20;

    private final int id;
    private final String name;
    private final int ccMajor, ccMinor;
    private final long total;
    private final CUcontext context;
    private final CUstream stream = new CUstream();
    private final Map<String, CUmodule> modules = new HashMap<>();
    private final Map<String, CUfunction> functions = new HashMap<>();
    /** Module → the image it was loaded from. */
    private final Map<String, String> loaded = new HashMap<>();
    private final Map<Long, ArrayDeque<Buffer>> cache = new HashMap<>();
    private Pointer pinned;
    private ByteBuffer pinnedBytes;
    private final CUevent[] pinnedDone = {new CUevent(), new CUevent()};
    /** The overlapped path's streams (non-blocking: the synchronous copies on the legacy stream do not wait for them). */
    private final CUstream[] queues = {new CUstream(), new CUstream()};
    private final Staging[] staging = new Staging[queues.length];
    private final List<CUevent> events = new java.util.ArrayList<>();
    private boolean closed;

    private JCudaDevice(int id, String name, int major, int minor, long total, CUcontext context) {
        this.id = id;
        this.name = name;
        this.ccMajor = major;
        this.ccMinor = minor;
        this.total = total;
        this.context = context;
    }

    /**
     * Opens device {@code deviceId}: driver present, device present, context created, kernels
     * packaged in the jar.
     *
     * @throws GpuException with a reason a user can act on ("no NVIDIA driver", "no CUDA device",
     *                      "kernels not built", or the CUDA error)
     */
    public static JCudaDevice open(int deviceId) {
        if (JCudaDevice.class.getResource("/cuda/index.txt") == null)
            throw new GpuException("GPU kernels not built: this Tessera jar has no CUDA kernels "
                    + "(built without the cuda-kernels profile, which needs linux x86-64)");
        String absent = DriverLibrary.absence();
        if (absent != null) throw new GpuException("no NVIDIA driver (" + absent + ")");
        try {
            check(cuInit(0), "cuInit");
            int[] count = {0};
            check(cuDeviceGetCount(count), "cuDeviceGetCount");
            if (deviceId < 0 || deviceId >= count[0])
                throw new GpuException("no CUDA device " + deviceId + " (" + count[0] + " device(s) found)");
            CUdevice dev = new CUdevice();
            check(cuDeviceGet(dev, deviceId), "cuDeviceGet");
            byte[] nameBytes = new byte[256];
            check(cuDeviceGetName(nameBytes, nameBytes.length, dev), "cuDeviceGetName");
            String name = new String(nameBytes, StandardCharsets.US_ASCII).trim().replace("\0", "");
            int[] major = {0}, minor = {0};
            check(cuDeviceGetAttribute(major, CUdevice_attribute.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR, dev), "attribute");
            check(cuDeviceGetAttribute(minor, CUdevice_attribute.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR, dev), "attribute");
            long[] mem = {0};
            check(cuDeviceTotalMem(mem, dev), "cuDeviceTotalMem");
            CUcontext ctx = new CUcontext();
            check(cuCtxCreate(ctx, 0, dev), "cuCtxCreate");
            JCudaDevice d = new JCudaDevice(deviceId, name, major[0], minor[0], mem[0], ctx);
            try {
                check(cuStreamCreate(d.stream, 0), "cuStreamCreate");
                for (CUevent e : d.pinnedDone) check(cuEventCreate(e, 0), "cuEventCreate");
                for (CUstream q : d.queues)
                    check(jcuda.driver.JCudaDriver.cuStreamCreate(q, jcuda.driver.CUstream_flags.CU_STREAM_NON_BLOCKING), "cuStreamCreate");
            } catch (GpuException e) {
                d.close();
                throw e;
            }
            return d;
        } catch (LinkageError e) {
            throw noDriver(e);
        } catch (CudaException e) {
            throw classify(e.getMessage(), e);
        }
    }

    private static GpuException noDriver(LinkageError e) {
        // JCuda's message is a page of nested traces: the user gets one line, tessera.log the cause.
        String msg = e.getMessage() == null ? e.toString() : e.getMessage();
        String why = msg.lines().map(String::strip)
                .filter(l -> l.contains("cannot open shared object file")).findFirst()
                .map(l -> l.substring(l.lastIndexOf(':', l.indexOf("cannot open")) + 1).strip())
                .orElse(msg.lines().findFirst().orElse("").strip());
        return new GpuException("no NVIDIA driver (libcuda.so.1 could not be loaded: " + why + ")", e);
    }

    /** A CUDA result code as an exception: OOM or not. */
    static void check(int result, String what) {
        if (result == CUresult.CUDA_SUCCESS) return;
        String msg = what + ": " + CUresult.stringFor(result);
        if (result == CUresult.CUDA_ERROR_OUT_OF_MEMORY) throw new GpuOutOfMemoryException(msg);
        if (result == CUresult.CUDA_ERROR_NO_DEVICE) throw new GpuException("no CUDA device (" + msg + ")");
        throw new GpuException(msg);
    }

    /** Classifies a CudaException (thrown when someone enabled JCuda's exceptions). */
    static GpuException classify(String message, Throwable cause) {
        if (message != null && message.contains("CUDA_ERROR_OUT_OF_MEMORY"))
            return new GpuOutOfMemoryException(message, cause);
        if (message != null && message.contains("CUDA_ERROR_NO_DEVICE"))
            return new GpuException("no CUDA device (" + message + ")", cause);
        return new GpuException(message, cause);
    }

    /** Runs a driver action with the context current, translating every failure. */
    private <T> T on(java.util.function.Supplier<T> action) {
        if (closed) throw new GpuException(describe() + " is closed");
        try {
            check(cuCtxSetCurrent(context), "cuCtxSetCurrent");
            return action.get();
        } catch (LinkageError e) {
            throw noDriver(e);
        } catch (CudaException e) {
            throw classify(e.getMessage(), e);
        }
    }

    private void run(Runnable action) {
        on(() -> {
            action.run();
            return null;
        });
    }

    public int computeCapability() {
        return ccMajor * 10 + ccMinor;
    }

    @Override
    public String describe() {
        return name + " (sm_" + ccMajor + ccMinor + ", " + (total >> 20) + " MiB, device " + id + ")";
    }

    @Override
    public long totalBytes() {
        return total;
    }

    @Override
    public long freeBytes() {
        try {
            return on(() -> {
                long[] free = {0}, tot = {0};
                check(cuMemGetInfo(free, tot), "cuMemGetInfo");
                return free[0];
            });
        } catch (GpuException e) {
            return -1;
        }
    }

    private static final class Buffer implements DeviceBuffer {
        final CUdeviceptr ptr;
        final long size;
        long bytes;
        boolean released;

        Buffer(CUdeviceptr ptr, long bytes, long size) {
            this.ptr = ptr;
            this.bytes = bytes;
            this.size = size;
        }

        @Override
        public long bytes() {
            return bytes;
        }

        CUdeviceptr at(long byteOffset) {
            return byteOffset == 0 ? ptr : (CUdeviceptr) ptr.withByteOffset(byteOffset);
        }
    }

    private static Buffer buf(DeviceBuffer b) {
        if (!(b instanceof Buffer x)) throw new GpuException("not a buffer of this device: " + b);
        if (x.released) throw new GpuException("use of a released device buffer");
        return x;
    }

    @Override
    public DeviceBuffer allocate(long bytes, GpuPhase phase) {
        long size = Math.max(512, (bytes + 511) & ~511L);
        return on(() -> {
            ArrayDeque<Buffer> q = cache.get(size);
            if (q != null && !q.isEmpty()) {
                Buffer b = q.pop();
                b.released = false;
                b.bytes = bytes;
                return b;
            }
            CUdeviceptr p = new CUdeviceptr();
            int r = cuMemAlloc(p, size);
            if (r == CUresult.CUDA_ERROR_OUT_OF_MEMORY) { // as CuPy: empty the cache, then try again
                freeCached();
                r = cuMemAlloc(p, size);
            }
            check(r, "cuMemAlloc(" + bytes + " bytes)");
            return new Buffer(p, bytes, size);
        });
    }

    @Override
    public void release(DeviceBuffer buffer) {
        Buffer b = buf(buffer);
        b.released = true;
        cache.computeIfAbsent(b.size, k -> new ArrayDeque<>()).push(b);
    }

    @Override
    public void freePool() {
        run(this::freeCached);
    }

    private void freeCached() {
        for (ArrayDeque<Buffer> q : cache.values()) for (Buffer b : q) cuMemFree(b.ptr);
        cache.clear();
    }

    private static void range(DeviceBuffer b, long offset, int count, int elem) {
        if (offset < 0 || count < 0 || (offset + count) * elem > b.bytes())
            throw new GpuException("copy of " + count + " elements at " + offset + " outside a buffer of " + b.bytes() + " bytes");
    }

    @Override
    public void upload(float[] host, int hostOffset, DeviceBuffer dst, long dstOffset, int count) {
        Buffer d = buf(dst);
        range(dst, dstOffset, count, 4);
        run(() -> {
            if ((long) count * 4 > PINNED_THRESHOLD) uploadPinned(host, hostOffset, d, dstOffset * 4, count);
            else check(cuMemcpyHtoD(d.at(dstOffset * 4), Pointer.to(host).withByteOffset(hostOffset * 4L), count * 4L), "cuMemcpyHtoD");
        });
    }

    /** Two pinned halves: fill one while the DMA engine copies the other. */
    private void uploadPinned(float[] host, int hostOffset, Buffer d, long dstByte, int count) {
        if (pinned == null) {
            pinned = new Pointer();
            check(cuMemAllocHost(pinned, 2L * PINNED_HALF), "cuMemAllocHost");
            pinnedBytes = pinned.getByteBuffer(0, 2L * PINNED_HALF).order(ByteOrder.nativeOrder());
        }
        int per = PINNED_HALF / 4, k = 0;
        for (int done = 0; done < count; done += per, k ^= 1) {
            int n = Math.min(per, count - done);
            check(cuEventSynchronize(pinnedDone[k]), "cuEventSynchronize"); // half k free again
            ByteBuffer half = pinnedBytes.duplicate().order(ByteOrder.nativeOrder());
            half.position(k * PINNED_HALF);
            half.asFloatBuffer().put(host, hostOffset + done, n);
            check(cuMemcpyHtoDAsync(d.at(dstByte + done * 4L), pinned.withByteOffset((long) k * PINNED_HALF), n * 4L, stream),
                    "cuMemcpyHtoDAsync");
            check(cuEventRecord(pinnedDone[k], stream), "cuEventRecord");
        }
        check(cuStreamSynchronize(stream), "cuStreamSynchronize");
    }

    @Override
    public void upload(int[] host, int hostOffset, DeviceBuffer dst, long dstOffset, int count) {
        Buffer d = buf(dst);
        range(dst, dstOffset, count, 4);
        run(() -> check(cuMemcpyHtoD(d.at(dstOffset * 4), Pointer.to(host).withByteOffset(hostOffset * 4L), count * 4L), "cuMemcpyHtoD"));
    }

    @Override
    public void upload(double[] host, int hostOffset, DeviceBuffer dst, long dstOffset, int count) {
        Buffer d = buf(dst);
        range(dst, dstOffset, count, 8);
        run(() -> check(cuMemcpyHtoD(d.at(dstOffset * 8), Pointer.to(host).withByteOffset(hostOffset * 8L), count * 8L), "cuMemcpyHtoD"));
    }

    @Override
    public void download(DeviceBuffer src, long srcOffset, double[] host, int hostOffset, int count) {
        Buffer s = buf(src);
        range(src, srcOffset, count, 8);
        run(() -> check(cuMemcpyDtoH(Pointer.to(host).withByteOffset(hostOffset * 8L), s.at(srcOffset * 8), count * 8L), "cuMemcpyDtoH"));
    }

    @Override
    public void download(DeviceBuffer src, long srcOffset, float[] host, int hostOffset, int count) {
        Buffer s = buf(src);
        range(src, srcOffset, count, 4);
        run(() -> check(cuMemcpyDtoH(Pointer.to(host).withByteOffset(hostOffset * 4L), s.at(srcOffset * 4), count * 4L), "cuMemcpyDtoH"));
    }

    @Override
    public void download(DeviceBuffer src, long srcOffset, int[] host, int hostOffset, int count) {
        Buffer s = buf(src);
        range(src, srcOffset, count, 4);
        run(() -> check(cuMemcpyDtoH(Pointer.to(host).withByteOffset(hostOffset * 4L), s.at(srcOffset * 4), count * 4L), "cuMemcpyDtoH"));
    }

    @Override
    public void launch(KernelCall call, GpuPhase phase) {
        Pointer params = parameters(call);
        run(() -> {
            CUfunction f = function(call.kernel());
            check(cuLaunchKernel(f, call.gridX(), call.gridY(), 1, call.blockX(), call.blockY(), 1, 0, stream,
                    params, null), "launch of " + call.kernel());
            check(cuStreamSynchronize(stream), call.kernel());
        });
    }

    /** The kernel's argument list as the driver wants it: a pointer to each argument's value. */
    private static Pointer parameters(KernelCall call) {
        List<Object> args = call.args();
        Pointer[] ps = new Pointer[args.size()];
        for (int i = 0; i < ps.length; i++) {
            Object a = args.get(i);
            if (a instanceof DeviceBuffer b) ps[i] = Pointer.to(buf(b).ptr);
            else if (a instanceof Integer v) ps[i] = Pointer.to(new int[] {v});
            else if (a instanceof Long v) ps[i] = Pointer.to(new long[] {v});
            else if (a instanceof Float v) ps[i] = Pointer.to(new float[] {v});
            else if (a instanceof Double v) ps[i] = Pointer.to(new double[] {v});
            else throw new GpuException("kernel " + call.kernel() + ": unsupported argument " + a);
        }
        return Pointer.to(ps);
    }

    // ---- Streams ---------------------------------------------------------------------------------

    /**
     * A stream's pinned staging: two slots of {@link #PINNED_HALF} bytes, filled one after the other
     * (small uploads share a slot); a slot is refilled only once its last copy is done (its event,
     * recorded after every copy from it), so an async upload returns as soon as its data sit in
     * pinned memory, while the DMA engine copies the other slot.
     */
    private static final class Staging {
        final Pointer pinned = new Pointer();
        ByteBuffer bytes;
        final CUevent[] done = {new CUevent(), new CUevent()};
        int slot, offset;
    }

    private Staging staging(int stream) {
        Staging st = staging[stream];
        if (st == null) {
            st = new Staging();
            check(cuMemAllocHost(st.pinned, 2L * PINNED_HALF), "cuMemAllocHost");
            st.bytes = st.pinned.getByteBuffer(0, 2L * PINNED_HALF).order(ByteOrder.nativeOrder());
            for (CUevent e : st.done) check(cuEventCreate(e, jcuda.driver.CUevent_flags.CU_EVENT_DISABLE_TIMING), "cuEventCreate");
            staging[stream] = st;
        }
        return st;
    }

    /** Fills {@code n} elements starting at element {@code from} into a slot. */
    private interface Fill {
        void put(ByteBuffer slot, int from, int n);
    }

    private CUstream queue(int stream) {
        if (stream < 0 || stream >= queues.length) throw new GpuException("no stream " + stream + " on " + describe());
        return queues[stream];
    }

    private void stageAndCopy(int stream, Buffer d, long dstByte, int count, int elem, Fill fill) {
        CUstream q = queue(stream);
        Staging st = staging(stream);
        for (int done = 0; done < count; ) {
            if (PINNED_HALF - st.offset < elem * Math.min(count - done, PINNED_HALF / elem) && st.offset > 0) {
                st.slot ^= 1; // the current slot is full: take the other once its copies are done
                st.offset = 0;
                check(cuEventSynchronize(st.done[st.slot]), "cuEventSynchronize");
            }
            int n = Math.min(count - done, (PINNED_HALF - st.offset) / elem);
            long at = (long) st.slot * PINNED_HALF + st.offset;
            ByteBuffer b = st.bytes.duplicate().order(ByteOrder.nativeOrder());
            b.position((int) at);
            fill.put(b.slice().order(ByteOrder.nativeOrder()), done, n);
            check(cuMemcpyHtoDAsync(d.at(dstByte + (long) done * elem), st.pinned.withByteOffset(at), (long) n * elem, q),
                    "cuMemcpyHtoDAsync");
            check(cuEventRecord(st.done[st.slot], q), "cuEventRecord");
            st.offset = (st.offset + n * elem + 7) & ~7;
            done += n;
        }
    }

    @Override
    public int streams() {
        return queues.length;
    }

    @Override
    public void uploadAsync(int stream, float[] host, int hostOffset, DeviceBuffer dst, long dstOffset, int count) {
        Buffer d = buf(dst);
        range(dst, dstOffset, count, 4);
        run(() -> stageAndCopy(stream, d, dstOffset * 4, count, 4, (b, from, n) -> b.asFloatBuffer().put(host, hostOffset + from, n)));
    }

    @Override
    public void uploadAsync(int stream, int[] host, int hostOffset, DeviceBuffer dst, long dstOffset, int count) {
        Buffer d = buf(dst);
        range(dst, dstOffset, count, 4);
        run(() -> stageAndCopy(stream, d, dstOffset * 4, count, 4, (b, from, n) -> b.asIntBuffer().put(host, hostOffset + from, n)));
    }

    @Override
    public void uploadAsync(int stream, double[] host, int hostOffset, DeviceBuffer dst, long dstOffset, int count) {
        Buffer d = buf(dst);
        range(dst, dstOffset, count, 8);
        run(() -> stageAndCopy(stream, d, dstOffset * 8, count, 8, (b, from, n) -> b.asDoubleBuffer().put(host, hostOffset + from, n)));
    }

    @Override
    public void launchAsync(int stream, KernelCall call, GpuPhase phase) {
        Pointer params = parameters(call);
        run(() -> check(cuLaunchKernel(function(call.kernel()), call.gridX(), call.gridY(), 1, call.blockX(), call.blockY(), 1, 0,
                queue(stream), params, null), "launch of " + call.kernel()));
    }

    @Override
    public DeviceEvent record(int stream) {
        return on(() -> {
            CUevent e = new CUevent();
            check(cuEventCreate(e, jcuda.driver.CUevent_flags.CU_EVENT_DISABLE_TIMING), "cuEventCreate");
            events.add(e);
            check(cuEventRecord(e, queue(stream)), "cuEventRecord");
            return new Event(e);
        });
    }

    private record Event(CUevent event) implements DeviceEvent {
    }

    @Override
    public void await(int stream, DeviceEvent event) {
        if (!(event instanceof Event e)) throw new GpuException("not an event of " + describe() + ": " + event);
        run(() -> check(jcuda.driver.JCudaDriver.cuStreamWaitEvent(queue(stream), e.event(), 0), "cuStreamWaitEvent"));
    }

    @Override
    public void synchronize(int stream) {
        run(() -> check(cuStreamSynchronize(queue(stream)), "cuStreamSynchronize"));
    }

    /** Every stream, then the events recorded so far are destroyed (their work is done). */
    @Override
    public void synchronize() {
        run(() -> {
            for (CUstream q : queues) check(cuStreamSynchronize(q), "cuStreamSynchronize");
            for (CUevent e : events) jcuda.driver.JCudaDriver.cuEventDestroy(e);
            events.clear();
        });
    }

    private CUfunction function(String entry) {
        CUfunction f = functions.get(entry);
        if (f != null) return f;
        String module = Kernels.moduleOf(entry);
        if (module == null) throw new GpuException("no kernel named '" + entry + "'");
        CUmodule m = module(module);
        f = new CUfunction();
        check(cuModuleGetFunction(f, m, entry), "cuModuleGetFunction(" + entry + ")");
        functions.put(entry, f);
        return f;
    }

    /**
     * Loads a module from the first of its {@link #images} the driver accepts: the CUBIN for this
     * compute capability, else the PTX (a driver that rejects the CUBIN may still JIT the PTX; the
     * switch is logged). When none loads, the error names every image tried and the driver.
     */
    private CUmodule module(String module) {
        CUmodule m = modules.get(module);
        if (m != null) return m;
        List<String> tried = new java.util.ArrayList<>();
        for (String n : images(module, ccMajor, ccMinor, JCudaDevice::packaged)) {
            m = new CUmodule();
            int r = cuModuleLoadData(m, image(n));
            if (r == CUresult.CUDA_SUCCESS) {
                if (!tried.isEmpty())
                    LOG.warning("[GPU] kernel module '" + module + "' loaded from " + n + " after " + String.join("; ", tried));
                modules.put(module, m);
                loaded.put(module, n);
                return m;
            }
            if (r == CUresult.CUDA_ERROR_OUT_OF_MEMORY) check(r, "cuModuleLoadData(" + n + ")");
            tried.add(n + ": " + CUresult.stringFor(r));
        }
        throw new GpuException("cannot load the GPU kernels '" + module + "' on " + describe() + " with driver "
                + driverVersion() + " (" + String.join("; ", tried) + ")");
    }

    /**
     * Loads every kernel module and looks up every entry point (what a run would load lazily), for
     * diagnostics: module → the image it was loaded from ("stack.sm_90.cubin", "stack.ptx").
     */
    public Map<String, String> loadModules() {
        return on(() -> {
            // The health module first (the smallest, the one a run loads first), then by name.
            List<String> order = Kernels.MODULES.keySet().stream()
                    .sorted(java.util.Comparator.comparing((String m) -> !m.equals("health")).thenComparing(m -> m)).toList();
            Map<String, String> out = new java.util.LinkedHashMap<>();
            for (String m : order) {
                for (String e : Kernels.MODULES.get(m)) function(e);
                out.put(m, loaded.get(m));
            }
            return out;
        });
    }

    /** The driver's CUDA version, "13.0" (cuDriverGetVersion), or "unknown". */
    public static String driverVersion() {
        try {
            int[] v = {0};
            if (jcuda.driver.JCudaDriver.cuDriverGetVersion(v) != CUresult.CUDA_SUCCESS) return "unknown";
            return "CUDA " + v[0] / 1000 + "." + v[0] % 1000 / 10;
        } catch (LinkageError | CudaException e) {
            return "unknown";
        }
    }

    private static boolean packaged(String image) {
        return JCudaDevice.class.getResource("/cuda/" + image) != null;
    }

    /**
     * The packaged images that may run on compute capability major.minor, in the order to try: the
     * CUBIN sm_XY with X = major and the highest Y ≤ minor (a CUBIN runs on its own major only, on
     * the same or a higher minor), then the PTX, which the driver JIT-compiles for any newer
     * architecture (Blackwell sm_100/sm_120 without their CUBINs, sm_110, later ones).
     */
    static List<String> images(String module, int major, int minor, java.util.function.Predicate<String> packaged) {
        List<String> out = new java.util.ArrayList<>(2);
        for (int y = minor; y >= 0; y--) {
            String n = module + ".sm_" + major + y + ".cubin";
            if (packaged.test(n)) {
                out.add(n);
                break;
            }
        }
        out.add(module + ".ptx");
        return out;
    }

    private static byte[] image(String n) {
        try (InputStream in = JCudaDevice.class.getResourceAsStream("/cuda/" + n)) {
            if (in == null) throw new GpuException("GPU kernels not built: /cuda/" + n + " missing from the jar");
            byte[] b = in.readAllBytes();
            if (!n.endsWith(".ptx")) return b;
            byte[] z = java.util.Arrays.copyOf(b, b.length + 1); // the driver reads PTX up to a NUL
            return z;
        } catch (IOException e) {
            throw new GpuException("cannot read kernel image /cuda/" + n + ": " + e.getMessage(), e);
        }
    }

    /**
     * Device-to-device copy bandwidth in GB/s (bytes read + written per second), measured with
     * {@code reps} copies of a {@code bytes} buffer: the yardstick for a kernel's achieved bandwidth.
     */
    public double copyBandwidthGBs(long bytes, int reps) {
        DeviceBuffer a = allocate(bytes, GpuPhase.HEALTH), b = allocate(bytes, GpuPhase.HEALTH);
        try {
            return on(() -> {
                check(jcuda.driver.JCudaDriver.cuMemcpyDtoD(buf(b).ptr, buf(a).ptr, bytes), "cuMemcpyDtoD");
                check(jcuda.driver.JCudaDriver.cuCtxSynchronize(), "cuCtxSynchronize");
                long t0 = System.nanoTime();
                for (int i = 0; i < reps; i++) check(jcuda.driver.JCudaDriver.cuMemcpyDtoD(buf(b).ptr, buf(a).ptr, bytes), "cuMemcpyDtoD");
                check(jcuda.driver.JCudaDriver.cuCtxSynchronize(), "cuCtxSynchronize");
                return 2.0 * bytes * reps / ((System.nanoTime() - t0) / 1e9) / 1e9;
            });
        } finally {
            release(a);
            release(b);
        }
    }

    @Override
    public void close() {
        if (closed) return;
        try {
            check(cuCtxSetCurrent(context), "cuCtxSetCurrent");
            freeCached();
            if (pinned != null) jcuda.driver.JCudaDriver.cuMemFreeHost(pinned);
            for (Staging st : staging) if (st != null) jcuda.driver.JCudaDriver.cuMemFreeHost(st.pinned);
            cuCtxDestroy(context);
        } catch (LinkageError | CudaException e) {
            // Closing a context whose driver went away: nothing left to free.
        } finally {
            closed = true;
        }
    }
}

package org.tessera.gpu;

import java.util.Locale;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;
import java.util.logging.Level;
import java.util.logging.Logger;


/**
 * The GPU as one run sees it, shared by every phase and thread of the run:
 * <ul>
 * <li>the health check, made once on first use and cached: driver and device present, a tiny
 * allocation and the tiny kernel ({@code tessera_health}, out[i] = 2i + 1); its result and reason
 * are logged once;</li>
 * <li>the device itself, used by one caller at a time ({@link #withDevice});</li>
 * <li>the VRAM probe, the pool freed on demand, the OOM classification;</li>
 * <li>the Phase 3 state of mode C: {@code phase3_gpu_allowed} (the flag and the health) and
 * {@code phase3_gpu_hard_disabled} (set once for the rest of the run, whatever thread sets it).</li>
 * </ul>
 * Made by {@link GpuService#openRun}; closing it releases the device.
 */
public final class GpuRun implements AutoCloseable {

    static final Logger LOG = Logger.getLogger("org.tessera.gpu");

    /** Threads of the tiny health kernel. */
    static final int HEALTH_N = 256;

    /** Opens the run's device (the JCuda device, or the simulated one of {@code gpu_simulate}). */
    @FunctionalInterface
    public interface DeviceSource {
        GpuDevice open();
    }

    /** Work on the device while holding it. */
    @FunctionalInterface
    public interface DeviceWork<T> {
        T run(GpuDevice device);
    }

    private final GpuSettings settings;
    private final DeviceSource source;
    private final GpuBackends backends;
    private final ReentrantLock lock = new ReentrantLock(true);
    private final AtomicBoolean phase3HardDisabled = new AtomicBoolean();
    private GpuDevice device;
    private GpuHealth health;

    public GpuRun(GpuSettings settings, DeviceSource source, GpuBackends backends) {
        this.settings = settings;
        this.source = source;
        this.backends = backends;
        if (!settings.notes().isEmpty())
            LOG.warning("[GPU] settings normalised: " + String.join("; ", settings.notes()));
    }

    public GpuSettings settings() { return settings; }

    public GpuBackends backends() { return backends; }

    /**
     * The health of the run's GPU, checked on the first call only. Nothing is opened when no part
     * of the run asks for the GPU.
     */
    public GpuHealth health() {
        lock.lock();
        try {
            if (health == null) {
                health = check();
                if (health.healthy())
                    LOG.info("[GPU] GPU healthy for this run: " + health.device() + ", VRAM " + health.vram());
                else
                    LOG.info("[GPU] GPU off for this run: " + health.reason() + "; every step runs on the CPU");
            }
            return health;
        } finally {
            lock.unlock();
        }
    }

    /** The health without logging it (for {@code tessera gpu}). */
    GpuHealth checkQuietly() {
        lock.lock();
        try {
            if (health == null) health = check();
            return health;
        } finally {
            lock.unlock();
        }
    }

    private GpuHealth check() {
        if (!settings.anyRequested())
            return GpuHealth.off("not requested (use_gpu_phase5=false"
                    + (settings.gridExplicit() ? ", use_gpu_grid=false" : "") + ")");
        GpuDevice d;
        try {
            d = source.open();
        } catch (LinkageError e) {
            // JCuda's native library needs libcuda.so.1 / nvcuda.dll: without it, the class fails to link.
            return GpuHealth.off("no NVIDIA driver (" + e.getClass().getSimpleName() + ": " + e.getMessage() + ")");
        } catch (GpuException e) {
            return GpuHealth.off(e.getMessage()); // the device says why: "no NVIDIA driver (…)", "no CUDA device …"
        } catch (RuntimeException e) {
            if (isCudaException(e)) return GpuHealth.off("no CUDA device or a broken driver (" + e.getMessage() + ")");
            // A bad gpu_simulate spec says what is wrong in its own words; anything else keeps its class.
            return GpuHealth.off("the GPU cannot be opened (" + (e instanceof IllegalArgumentException && e.getMessage() != null
                    ? e.getMessage() : describe(e)) + ")");
        }
        try {
            if (d instanceof FaultInjectingDevice f && f.healthFails())
                throw new GpuException("simulated failure (gpu_simulate health:fail)");
            DeviceBuffer b = d.allocate((long) HEALTH_N * Integer.BYTES, GpuPhase.HEALTH);
            int[] out = new int[HEALTH_N];
            try {
                d.launch(KernelCall.linear("tessera_health", HEALTH_N, 128, b, HEALTH_N), GpuPhase.HEALTH);
                d.download(b, 0, out, 0, HEALTH_N);
            } finally {
                d.release(b);
            }
            for (int i = 0; i < HEALTH_N; i++)
                if (out[i] != 2 * i + 1)
                    throw new GpuException(String.format(Locale.ROOT, "the health kernel gave %d at %d instead of %d",
                            out[i], i, 2 * i + 1));
            d.freePool();
            long total = d.totalBytes(), free = d.freeBytes();
            device = d;
            return new GpuHealth(true, null, d.describe(), total, free);
        } catch (RuntimeException | LinkageError e) {
            closeQuietly(d);
            return new GpuHealth(false, "health check failed: " + message(e), safeDescribe(d), -1, -1);
        }
    }

    /** {@code phase3_gpu_allowed}: the GPU flag is on and the device healthy. */
    public boolean phase3Allowed() {
        return health().healthy() && settings.gpu(); // health() first: it logs once why the GPU is off
    }

    /** {@code phase3_gpu_hard_disabled}: once true, every later Phase 3 tile stacks on the CPU. */
    public boolean phase3HardDisabled() {
        return phase3HardDisabled.get();
    }

    /** Sets {@code phase3_gpu_hard_disabled}; true for the one call that changed it (it logs). */
    public boolean disablePhase3() {
        return phase3HardDisabled.compareAndSet(false, true);
    }

    /** Runs {@code work} on the device, alone; the device must be healthy. */
    public <T> T withDevice(DeviceWork<T> work) {
        lock.lock();
        try {
            if (device == null) throw new GpuException("no healthy GPU in this run");
            return work.run(device);
        } finally {
            lock.unlock();
        }
    }

    /** Free VRAM in bytes now, or -1 when it cannot be probed. */
    public long probeFreeBytes() {
        lock.lock();
        try {
            if (device == null) return -1;
            long f = device.freeBytes();
            return f < 0 ? -1 : f;
        } catch (RuntimeException e) {
            LOG.log(Level.FINE, "[GPU] VRAM probe failed", e);
            return -1;
        } finally {
            lock.unlock();
        }
    }

    /** Total VRAM in bytes, or -1. */
    public long totalBytes() {
        GpuHealth h = health();
        return h.totalBytes();
    }

    /** Frees every cached block of the device's pool (before a retry). */
    public void freePool() {
        lock.lock();
        try {
            if (device != null) device.freePool();
        } catch (RuntimeException e) {
            LOG.log(Level.FINE, "[GPU] freeing the pool failed", e);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Whether a failure is a CUDA out-of-memory error: a {@link GpuOutOfMemoryException}, or a JCuda
     * error naming {@code CUDA_ERROR_OUT_OF_MEMORY} / {@code cudaErrorMemoryAllocation}, anywhere in
     * its causes. The Java heap's {@link OutOfMemoryError} is not a GPU OOM.
     */
    public static boolean isOom(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (c instanceof GpuOutOfMemoryException) return true;
            if (isCudaException(c) && c.getMessage() != null
                    && (c.getMessage().contains("CUDA_ERROR_OUT_OF_MEMORY") || c.getMessage().contains("cudaErrorMemoryAllocation")))
                return true;
        }
        return false;
    }

    /**
     * Whether {@code t} is JCuda's {@code CudaException}, tested by name: a class that names it in a
     * catch clause or instanceof fails to load where the JCuda jars are not installed (they are for
     * the GPU only, docs/user-guide.md), and this class is loaded on every run.
     */
    static boolean isCudaException(Throwable t) {
        return t.getClass().getName().equals("jcuda.CudaException");
    }

    /** A short name for the kind of failure: "OOM", "GPUStackingError" (invalid result) or the exception's class. */
    public static String kind(Throwable t) {
        if (isOom(t)) return "OOM";
        for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause())
            if (c instanceof GpuStackingException) return "GPUStackingError";
        return t.getClass().getSimpleName();
    }

    /**
     * What a log line says after the failure's kind: a {@link GpuException}'s own message (written
     * for the user, its kind already named), anything else with its class name.
     */
    static String message(Throwable e) {
        return e instanceof GpuException && e.getMessage() != null ? e.getMessage() : describe(e);
    }

    static String describe(Throwable e) {
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getClass().getSimpleName() + ": " + e.getMessage();
    }

    private static String safeDescribe(GpuDevice d) {
        try {
            return d.describe();
        } catch (RuntimeException e) {
            return null;
        }
    }

    private static void closeQuietly(GpuDevice d) {
        try {
            d.close();
        } catch (RuntimeException e) {
            LOG.log(Level.FINE, "[GPU] closing the device failed", e);
        }
    }

    @Override
    public void close() {
        lock.lock();
        try {
            if (device != null) closeQuietly(device);
            device = null;
        } finally {
            lock.unlock();
        }
    }
}

package org.tessera.gpu;

/**
 * One compute device as the GPU backends see it: memory from a pool that can be emptied on demand,
 * copies, and launches of named kernels over a CUDA grid. Two implementations run the same
 * kernels: the real device over JCuda (CUBIN/PTX built from {@code src/main/cuda}) and the
 * simulated device, which runs the Java ports of those kernels ({@link JavaKernel}) over the same
 * grid/block index space and injects faults, so the control logic is tested without a GPU.
 *
 * <p>Not thread-safe: callers serialise use of one device (one Phase 3 tile or one Phase 5 band
 * at a time holds it).
 */
public interface GpuDevice extends AutoCloseable {

    /** For logs, e.g. "NVIDIA H100 80GB HBM3 (sm_90)" or "simulated (8192 MiB)". */
    String describe();

    /** Device memory in bytes. */
    long totalBytes();

    /** Free device memory in bytes as the driver reports it now, or -1 when it cannot be probed. */
    long freeBytes();

    /**
     * A buffer of {@code bytes} from the pool, charged to {@code phase} (fault injection counts
     * allocations per phase).
     *
     * @throws GpuOutOfMemoryException when the device (or pool) cannot provide it
     * @throws GpuException            on any other device failure
     */
    DeviceBuffer allocate(long bytes, GpuPhase phase);

    /** Returns a buffer to the pool (the memory stays cached until {@link #freePool()}). */
    void release(DeviceBuffer buffer);

    /** Host → device: {@code count} floats from {@code host[hostOffset..]} to element {@code dstOffset}. */
    void upload(float[] host, int hostOffset, DeviceBuffer dst, long dstOffset, int count);

    /** Host → device for ints (index tables, parameters). */
    void upload(int[] host, int hostOffset, DeviceBuffer dst, long dstOffset, int count);

    /** Host → device for doubles (weights, coefficients). */
    void upload(double[] host, int hostOffset, DeviceBuffer dst, long dstOffset, int count);

    /** Device → host for doubles (frame-block bounds and accumulators). */
    void download(DeviceBuffer src, long srcOffset, double[] host, int hostOffset, int count);

    /** Device → host: {@code count} floats from element {@code srcOffset}. */
    void download(DeviceBuffer src, long srcOffset, float[] host, int hostOffset, int count);

    /** Device → host for ints (tallies). */
    void download(DeviceBuffer src, long srcOffset, int[] host, int hostOffset, int count);

    /**
     * Runs one kernel to completion (synchronous from the caller's view).
     *
     * @throws GpuOutOfMemoryException when the launch fails for lack of memory
     * @throws GpuException            on any other failure
     */
    void launch(KernelCall call, GpuPhase phase);

    /** Frees every cached block of the pool (CuPy's {@code free_all_blocks} on both pools). */
    void freePool();

    /** Releases the context; the device is unusable afterwards. */
    @Override
    void close();
}

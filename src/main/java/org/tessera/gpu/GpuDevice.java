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

    // ---- Streams: the overlapped path. -------------------------------------------------------
    //
    // A stream is a queue of copies and launches that run in the order they were issued, while the
    // other streams' work runs at the same time (band k+1's upload during band k's kernel). The
    // host arrays given to an async upload are staged before the call returns (the caller may
    // reuse them at once). A buffer used by queued work belongs to that stream until the work is
    // known to be done: by the host after synchronize(stream), by another stream after it awaited
    // an event recorded after that work. Until then no other stream may use it, no synchronous
    // copy may touch it and it must not be released. The defaults run everything synchronously,
    // which is a valid (unoverlapped) execution of the same program.

    /** How many streams run concurrently; 1 means the async calls below are synchronous. */
    default int streams() {
        return 1;
    }

    /** Queues a host → device copy of floats on {@code stream}; {@code host} is staged before return. */
    default void uploadAsync(int stream, float[] host, int hostOffset, DeviceBuffer dst, long dstOffset, int count) {
        upload(host, hostOffset, dst, dstOffset, count);
    }

    /** Queues a host → device copy of ints on {@code stream}. */
    default void uploadAsync(int stream, int[] host, int hostOffset, DeviceBuffer dst, long dstOffset, int count) {
        upload(host, hostOffset, dst, dstOffset, count);
    }

    /** Queues a host → device copy of doubles on {@code stream}. */
    default void uploadAsync(int stream, double[] host, int hostOffset, DeviceBuffer dst, long dstOffset, int count) {
        upload(host, hostOffset, dst, dstOffset, count);
    }

    /** Queues a kernel launch on {@code stream}; failures may surface here or at the next synchronize. */
    default void launchAsync(int stream, KernelCall call, GpuPhase phase) {
        launch(call, phase);
    }

    /** A marker after the work queued so far on {@code stream}. */
    default DeviceEvent record(int stream) {
        return DeviceEvent.DONE;
    }

    /** Work queued on {@code stream} after this call starts only once {@code event}'s work is done. */
    default void await(int stream, DeviceEvent event) {
    }

    /** Blocks until every operation queued on {@code stream} is done (and reports its failure). */
    default void synchronize(int stream) {
    }

    /** {@link #synchronize(int)} on every stream. */
    default void synchronize() {
        for (int s = 0; s < streams(); s++) synchronize(s);
    }

    /** Frees every cached block of the pool (CuPy's {@code free_all_blocks} on both pools). */
    void freePool();

    /** Releases the context; the device is unusable afterwards. */
    @Override
    void close();
}

package org.tessera.gpu;

/**
 * What the GPU backends share: the device they run on, the phase their allocations and launches
 * are charged to, the chunk limits the control layer sets (and changes between calls: retries,
 * VRAM refresh), and the timings of their calls.
 */
abstract class ChunkedBackend {

    protected final GpuDevice device;
    protected final GpuPhase phase;
    private volatile ChunkLimits limits;
    protected final ChunkTimings timings = new ChunkTimings();

    ChunkedBackend(GpuDevice device, GpuPhase phase, ChunkLimits limits) {
        if (device == null || phase == null || limits == null) throw new IllegalArgumentException("device, phase and limits are required");
        this.device = device;
        this.phase = phase;
        this.limits = limits;
    }

    /** Short name for logs. */
    public String name() {
        return "gpu";
    }

    public GpuDevice device() { return device; }

    public ChunkLimits limits() { return limits; }

    /** New limits for the next calls (a retry with smaller chunks, a VRAM refresh). */
    public void limits(ChunkLimits l) {
        if (l == null) throw new IllegalArgumentException("limits are required");
        this.limits = l;
    }

    /** Upload/kernel/download times and chunking of the calls since the last {@link ChunkTimings#take}. */
    public ChunkTimings timings() { return timings; }
}

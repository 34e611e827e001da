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

    /**
     * Bands whose upload is at least this large are cut into at least {@link #PIPELINE_CHUNKS}
     * chunks on a device with two streams, so that a chunk's upload overlaps the previous chunk's
     * kernels; below it the launches cost more than the overlap saves.
     */
    static final long PIPELINE_MIN_BYTES = 8L << 20;
    static final int PIPELINE_CHUNKS = 4;
    private volatile long pipelineMinBytes = PIPELINE_MIN_BYTES;

    /** The upload size from which a band is cut for overlap (tests lower it to see the overlap on small bands). */
    void pipelineMinBytes(long bytes) {
        this.pipelineMinBytes = bytes;
    }

    long pipelineMinBytes() {
        return pipelineMinBytes;
    }

    /** What one chunk of a call does, on its own buffer set and stream. */
    interface ChunkStep {
        /** Queues the chunk's uploads and launches on {@code stream} using buffer set {@code set}. */
        void enqueue(int set, int stream, int first, int count);

        /** After its stream was synchronised: copies the chunk's results back to the host. */
        void collect(int set, int first, int count);
    }

    /**
     * Runs {@code items} in chunks of {@code perChunk} over {@code sets} buffer sets (1 or 2):
     * chunk i uses set and stream i mod sets. Before chunk i is queued, the chunk that last used
     * its set is waited for and collected, so a set is reused only once its stream is done with
     * it, while the other stream keeps running: chunk i's upload and chunk i-1's kernels overlap,
     * and so do chunk i-2's download and chunk i-1's kernels. With one set this is the plain
     * upload, kernels, download sequence. The wait counts as combine time (the chunk's kernels).
     */
    final void pipeline(int items, int perChunk, int sets, ChunkStep step) {
        int[] first = new int[sets], count = new int[sets];
        java.util.Arrays.fill(count, -1);
        int i = 0;
        for (int p0 = 0; p0 < items; p0 += perChunk, i++) {
            int s = i % sets;
            if (count[s] >= 0) drain(s, first[s], count[s], step);
            int cn = Math.min(perChunk, items - p0);
            step.enqueue(s, s, p0, cn);
            first[s] = p0;
            count[s] = cn;
        }
        for (int k = 0; k < sets; k++) { // the older chunk first
            int s = (i + k) % sets;
            if (count[s] >= 0) drain(s, first[s], count[s], step);
            count[s] = -1;
        }
    }

    private void drain(int s, int first, int count, ChunkStep step) {
        long t0 = System.nanoTime();
        device.synchronize(s);
        double wait = ChunkTimings.ms(t0);
        t0 = System.nanoTime();
        step.collect(s, first, count);
        timings.add(0, 0, wait, ChunkTimings.ms(t0));
    }

    /** Upload/kernel/download times and chunking of the calls since the last {@link ChunkTimings#take}. */
    public ChunkTimings timings() { return timings; }
}

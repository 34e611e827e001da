package org.tessera.plan;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.tessera.config.Config;

/**
 * How much of this machine one job may use: worker threads and a heap budget, with the limits that
 * turn them into per-job layouts ({@link #layoutStack}). Follows the original's {@code ParallelPlan}
 * (reference.md §7) adapted to the JVM heap:
 * <ul>
 * <li>workers = round(0.95 × logical cores), at least 1 ({@code num_processing_workers} &gt; 0 overrides);</li>
 * <li>budget = min(0.9 × 0.95 × max heap, {@value #AVAILABLE_FRACTION} × heap available now − min(32 MiB,
 * max heap / 8)). The original allows 0.98 of free RAM; a JVM needs head-room for the garbage
 * collector (large arrays live in whole G1 regions) and for whatever else the caller keeps on the
 * heap;</li>
 * <li>chunk per worker = budget / workers; workers are reduced rather than letting a chunk fall below
 * 32 MiB, so that workers × chunk never exceeds the budget;</li>
 * <li>whole-frame threshold = min(512 MiB, 25 % of the available heap) (reference.md §4).</li>
 * </ul>
 * Immutable; the canonical constructor takes explicit numbers (tests, callers with their own budget).
 *
 * @param workers                   worker threads
 * @param budgetBytes               heap the job may hold at once, all workers together
 * @param wholeFrameThresholdBytes  a stack whose whole cube is at most this is held at once
 * @param maxSampleFrames           frame-block mode: frames sampled for the rejection statistics (256)
 * @param maxBlockFrames            frame-block mode: frames read at once in the combine pass (128)
 */
public record ResourcePlan(int workers, long budgetBytes, long wholeFrameThresholdBytes, int maxSampleFrames,
                           int maxBlockFrames) {

    public static final long MIB = 1L << 20;
    /** Smallest band that is worth a pass over all frames (reference: rows_per_chunk ≥ 4). */
    public static final int MIN_ROWS = 4;
    public static final int DEFAULT_SAMPLE_FRAMES = 256;
    public static final int DEFAULT_BLOCK_FRAMES = 128;
    static final double CPU_LOAD = 0.95;
    static final double HEAP_FRACTION = 0.9 * 0.95;
    static final double AVAILABLE_FRACTION = 0.70;
    static final long MIN_CHUNK = 32 * MIB;
    /** Kept free for the JVM and the garbage collector (or an eighth of a small heap). */
    static final long RESERVE = 32 * MIB;
    static final long WHOLE_FRAME_CAP = 512 * MIB;
    /** Largest Java array, in elements (a band buffer is one array per channel). */
    static final long MAX_ARRAY = Integer.MAX_VALUE - 16;

    public ResourcePlan {
        if (workers < 1) throw new IllegalArgumentException("workers must be >= 1, got " + workers);
        if (budgetBytes < 1) throw new IllegalArgumentException("memory budget must be > 0, got " + budgetBytes);
        if (wholeFrameThresholdBytes < 0) throw new IllegalArgumentException("whole-frame threshold must be >= 0");
        if (maxSampleFrames < 2 || maxBlockFrames < 1)
            throw new IllegalArgumentException("frame blocks: sample >= 2 and block >= 1 frames required");
    }

    /** A plan with explicit workers and budget, default threshold and frame blocks (tests, callers). */
    public ResourcePlan(int workers, long budgetBytes) {
        this(workers, budgetBytes, Math.min(WHOLE_FRAME_CAP, budgetBytes / 4), DEFAULT_SAMPLE_FRAMES,
                DEFAULT_BLOCK_FRAMES);
    }

    /**
     * The plan for this JVM now: its max heap, the heap not in use, its processors. The heap is the
     * part where large arrays can live ({@link #largeArrayHeap}).
     */
    public static ResourcePlan fromRuntime(Config config) {
        Runtime rt = Runtime.getRuntime();
        long max = rt.maxMemory() == Long.MAX_VALUE ? rt.totalMemory() : rt.maxMemory();
        long used = rt.totalMemory() - rt.freeMemory();
        List<long[]> old = new ArrayList<>();
        for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans())
            if (p.getType() == MemoryType.HEAP && oldGeneration(p.getName())) {
                MemoryUsage u = p.getUsage();
                if (u != null) old.add(new long[] {u.getMax(), u.getUsed()});
            }
        long[] heap = largeArrayHeap(max, used, old);
        int override = 0;
        if (config != null && config.has("num_processing_workers")) override = config.getInt("num_processing_workers");
        return forHeap(heap[0], heap[0] - heap[1], rt.availableProcessors(), override);
    }

    /** The heap pools that hold the old generation: serial's "Tenured Gen", parallel's "PS Old Gen", G1's "G1 Old Gen". */
    static boolean oldGeneration(String pool) {
        return pool.endsWith("Old Gen") || pool.equals("Tenured Gen");
    }

    /**
     * {max, used} of the heap that the plan's buffers (bands, cubes: arrays of megabytes) can use.
     * Under the serial and parallel collectors such an array is born in the old generation (the
     * launcher's {@code PretenureSizeThreshold=1m}, or simply larger than the young generation),
     * which is only part of the heap, 2/3 by default: a budget drawn from the whole heap made two
     * master tiles' band passes meet a full old generation, fail with OutOfMemoryError and start
     * again with half the rows (docs/benchmarks.md). G1's old generation spans the whole heap (its
     * pool's max is the heap's), and so the heap itself is kept there.
     *
     * @param old per old-generation pool {max (negative: undefined), used}
     */
    static long[] largeArrayHeap(long max, long used, List<long[]> old) {
        for (long[] p : old)
            if (p[0] > 0 && p[0] < max) return new long[] {p[0], Math.min(p[0], Math.max(0, p[1]))};
        return new long[] {max, used};
    }

    /**
     * The derivation of {@link #fromRuntime} from explicit numbers.
     *
     * @param workersOverride &gt; 0 forces the worker count (config {@code num_processing_workers})
     */
    public static ResourcePlan forHeap(long maxHeapBytes, long availableHeapBytes, int cores, int workersOverride) {
        if (maxHeapBytes <= 0 || cores <= 0) throw new IllegalArgumentException("heap and cores must be > 0");
        long available = Math.max(0, Math.min(availableHeapBytes, maxHeapBytes));
        int workers = workersOverride > 0 ? workersOverride : Math.max(1, (int) Math.round(cores * CPU_LOAD));
        long reserve = Math.min(RESERVE, maxHeapBytes / 8);
        long budget = (long) Math.min(HEAP_FRACTION * maxHeapBytes, AVAILABLE_FRACTION * available - reserve);
        budget = Math.max(budget, Math.min(16 * MIB, maxHeapBytes / 8)); // a nearly full heap still gets a little
        if (workers > 1 && budget / workers < MIN_CHUNK) workers = (int) Math.max(1, budget / MIN_CHUNK);
        long whole = Math.min(WHOLE_FRAME_CAP, available / 4);
        return new ResourcePlan(workers, budget, whole, DEFAULT_SAMPLE_FRAMES, DEFAULT_BLOCK_FRAMES);
    }

    /** Heap one worker may hold. */
    public long chunkBytes() {
        return budgetBytes / workers;
    }

    public ResourcePlan withWorkers(int w) {
        return new ResourcePlan(w, budgetBytes, wholeFrameThresholdBytes, maxSampleFrames, maxBlockFrames);
    }

    public ResourcePlan withBudget(long bytes) {
        return new ResourcePlan(workers, bytes, wholeFrameThresholdBytes, maxSampleFrames, maxBlockFrames);
    }

    public ResourcePlan withWholeFrameThreshold(long bytes) {
        return new ResourcePlan(workers, budgetBytes, bytes, maxSampleFrames, maxBlockFrames);
    }

    public ResourcePlan withFrameBlocks(int sampleFrames, int blockFrames) {
        return new ResourcePlan(workers, budgetBytes, wholeFrameThresholdBytes, sampleFrames, blockFrames);
    }

    /**
     * How to stack {@code frames} aligned frames of {@code width × height × channels} floats.
     *
     * @param pixelWeights true when a per-pixel weight plane travels with every frame (radial weight)
     */
    public StackLayout layoutStack(int width, int height, int channels, int frames, boolean pixelWeights) {
        if (width <= 0 || height <= 0 || channels <= 0 || frames <= 0)
            throw new IllegalArgumentException("bad stack shape " + width + "x" + height + "x" + channels + " x " + frames);
        long frameRow = 4L * width * (channels + (pixelWeights ? 1 : 0));
        // Output band, coverage band and the staging band one frame is read into.
        long extraRow = 4L * width * (2L * channels + 1);
        // Frame-block mode keeps per-pixel bounds and sums (doubles) for every channel.
        long blockRow = 80L * width * channels;
        long cube = frameRow * frames * height;
        long chunk = chunkBytes();
        long statsFrame = 4L * width * height * (channels + 2);
        int statsWorkers = (int) Math.max(1, Math.min(workers, budgetBytes / Math.max(1, statsFrame)));

        if (cube <= wholeFrameThresholdBytes && cube + extraRow * height <= budgetBytes) {
            int rows = ceilDiv(height, workers);
            rows = (int) Math.min(rows, arrayRows(frames, width));
            return new StackLayout(StackLayout.Mode.WHOLE_FRAME, Math.min(workers, ceilDiv(height, rows)), rows,
                    ceilDiv(height, rows), frames, frames, cube, statsWorkers, frameRow, extraRow, 0);
        }
        int sample = Math.min(frames, maxSampleFrames);
        int block = Math.min(frames, maxBlockFrames);
        long fit = chunk / (frames * frameRow + extraRow);
        if (fit >= MIN_ROWS || (fit >= 1 && frames <= sample + block)) {
            int rows = (int) Math.min(Math.min(fit, height), Math.min(ceilDiv(height, workers), arrayRows(frames, width)));
            return new StackLayout(StackLayout.Mode.BANDS, Math.min(workers, ceilDiv(height, rows)), rows,
                    ceilDiv(height, rows), frames, frames, cube, statsWorkers, frameRow, extraRow, 0);
        }
        long rowsBlocks = chunk / ((long) (sample + block) * frameRow + extraRow + blockRow);
        while (rowsBlocks < 1 && (sample > 2 || block > 1)) {
            if (sample >= 2 * block && sample > 2) sample = Math.max(2, sample / 2);
            else block = Math.max(1, block / 2);
            rowsBlocks = chunk / ((long) (sample + block) * frameRow + extraRow + blockRow);
        }
        int rows = (int) Math.max(1, Math.min(Math.min(rowsBlocks, height),
                Math.min(ceilDiv(height, workers), arrayRows(Math.max(sample, block), width))));
        return new StackLayout(StackLayout.Mode.FRAME_BLOCKS, Math.min(workers, ceilDiv(height, rows)), rows,
                ceilDiv(height, rows), sample, block, cube, statsWorkers, frameRow, extraRow, blockRow);
    }

    private static long arrayRows(int frames, int width) {
        return Math.max(1, MAX_ARRAY / ((long) frames * width));
    }

    static int ceilDiv(int a, int b) {
        return (a + b - 1) / b;
    }

    public String describe() {
        return String.format(Locale.ROOT, "workers=%d budget=%s chunk/worker=%s whole-frame<=%s", workers,
                mib(budgetBytes), mib(chunkBytes()), mib(wholeFrameThresholdBytes));
    }

    static String mib(long bytes) {
        if (bytes >= 10L * 1024 * MIB) return String.format(Locale.ROOT, "%.1f GiB", bytes / (1024.0 * MIB));
        return String.format(Locale.ROOT, "%.1f MiB", bytes / (double) MIB);
    }
}

package org.tessera.gpu;

import java.io.IOException;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Level;
import java.util.logging.Logger;

import org.tessera.stack.CpuStackBackend;
import org.tessera.stack.StackBackend;
import org.tessera.stack.TileStackPolicy;

/**
 * Phase 3 "mode C" (seed phase3-gpu-mode-c.md): every master tile is stacked on the GPU while the
 * GPU is healthy and allowed; on a failure (out of memory, an invalid result, any GPU error) the
 * pool is freed and the tile tried once more on the GPU with chunks half as large; if that fails
 * too, the GPU is disabled for the rest of the run ({@code phase3_gpu_hard_disabled}) and the
 * current tile recomputed whole on the CPU, as are all later tiles. A tile is always made by one
 * backend from start to end. Failures that are not the GPU's (an unreadable frame, a cancellation)
 * go through unchanged, as on the CPU.
 */
public final class Phase3GpuPolicy implements TileStackPolicy {

    private static final Logger LOG = Logger.getLogger("org.tessera.tiles");

    /** The retry's chunks: this fraction of the first attempt's. */
    static final double RETRY_SHRINK = 0.5;

    private final GpuRun run;
    private final GpuPhase phase;
    private final ChunkLimits limits;
    private final AtomicBoolean announced = new AtomicBoolean();

    private Phase3GpuPolicy(GpuRun run, ChunkLimits limits) {
        this.run = run;
        this.phase = GpuPhase.PHASE3;
        this.limits = limits;
    }

    /**
     * The policy of the run's Phase 3: mode C when the GPU is requested and healthy, else the CPU
     * (the health check logs why, once).
     */
    public static TileStackPolicy forRun(GpuRun run) {
        if (!run.phase3Allowed()) return TileStackPolicy.CPU;
        return new Phase3GpuPolicy(run, stackLimits(run));
    }

    /**
     * First-attempt chunks of a stack: the plan's GPU chunk, min(0.8 · 0.9 · total, 0.98 · free),
     * in safe mode (a GPU of ≤ 9 GiB) also ≤ min(128 MiB, 0.4 · free), at least 32 MiB
     * (reference.md §7).
     */
    static ChunkLimits stackLimits(GpuRun run) {
        long total = run.totalBytes(), free = run.probeFreeBytes();
        long bytes = (long) (total * 0.8 * 0.9);
        if (free > 0) bytes = Math.min(bytes, (long) (free * 0.98));
        if (total > 0 && total <= Phase5Budget.SAFE_VRAM)
            bytes = Math.min(bytes, Math.min(128 * ChunkLimits.MIB, free > 0 ? (long) (0.4 * free) : Long.MAX_VALUE));
        // The stack cuts by pixels within the byte budget; rows do not limit it.
        return new ChunkLimits(Integer.MAX_VALUE, Math.max(32 * ChunkLimits.MIB, bytes));
    }

    @Override
    public <T> T stack(int tileId, Attempt<T> attempt) throws IOException {
        for (int a = 0; a < 2 && !run.phase3HardDisabled(); a++) {
            ChunkLimits lim = a == 0 ? limits : limits.shrink(RETRY_SHRINK, 16 * ChunkLimits.MIB, 32);
            if (a == 1) run.freePool();
            long t0 = System.nanoTime();
            try {
                StackBackend gpu = run.withDevice(d -> run.backends().stack(d, phase, lim));
                T result = attempt.run(new ValidatingStackBackend(run, gpu, run::phase3HardDisabled));
                if (announced.compareAndSet(false, true)) LOG.info("[P3][GPU] Using GPU stacker for Phase 3 (mode=auto)");
                summary(tileId, gpu, lim, t0);
                return result;
            } catch (GpuException | LinkageError e) {
                if (stoppedByAnotherTile(e)) break; // the CPU line below says why
                if (a == 0 && run.phase3HardDisabled()) {
                    // Another tile disabled the GPU while this one ran: no retry, whatever the seed's retry says.
                    LOG.log(Level.WARNING, String.format(Locale.ROOT,
                            "[P3][GPU] tile %d: GPU stack failed (%s): %s -- not retried, Phase 3 GPU is disabled for this run",
                            tileId, GpuRun.kind(e), GpuRun.message(e)), e);
                } else if (a == 0) {
                    LOG.log(Level.WARNING, String.format(Locale.ROOT,
                            "[P3][GPU] tile %d: GPU stack failed (%s): %s -- retrying once on GPU after freeing the pool,"
                                    + " max_chunk_mb=%d", tileId, GpuRun.kind(e), GpuRun.message(e),
                            lim.shrink(RETRY_SHRINK, 16 * ChunkLimits.MIB, 32).maxChunkMb()), e);
                } else if (run.disablePhase3()) {
                    LOG.log(Level.SEVERE, String.format(Locale.ROOT,
                            "[P3][GPU] Second GPU attempt failed; disabling Phase 3 GPU for this run (%s): %s;"
                                    + " tile %d and every later tile are stacked on the CPU", GpuRun.kind(e),
                            GpuRun.message(e), tileId), e);
                } else {
                    LOG.log(Level.WARNING, "[P3][GPU] tile " + tileId + ": second GPU attempt failed (" + GpuRun.kind(e)
                            + "); the GPU is already disabled, the tile is stacked on the CPU", e);
                }
            }
        }
        T result = attempt.run(CpuStackBackend.INSTANCE);
        LOG.info("[P3] tile " + tileId + " stacked on the CPU (Phase 3 GPU disabled for this run)");
        return result;
    }

    private static boolean stoppedByAnotherTile(Throwable e) {
        for (Throwable c = e; c != null; c = c.getCause() == c ? null : c.getCause())
            if (c instanceof ValidatingStackBackend.Stopped) return true;
        return false;
    }

    private void summary(int tileId, StackBackend gpu, ChunkLimits lim, long t0) {
        GpuBackends.ChunkSummary s = run.backends().summary(gpu);
        double ms = (System.nanoTime() - t0) / 1e6;
        if (s == null)
            LOG.info(String.format(Locale.ROOT, "phase3_gpu_chunk_summary tile=%d backend=%s max_chunk_mb=%d total_ms=%.1f",
                    tileId, gpu.name(), lim.maxChunkMb(), ms));
        else
            // The stack cuts a band's pixels (the backend sees no rows): rows only when it reports them.
            LOG.info(String.format(Locale.ROOT, "phase3_gpu_chunk_summary tile=%d backend=%s %spixels_per_chunk=%d chunks=%d"
                            + " max_chunk_mb=%d upload_ms=%.1f reject_ms=%.1f combine_ms=%.1f download_ms=%.1f total_ms=%.1f",
                    tileId, gpu.name(), s.rowsPerChunk() > 0 ? "rows_per_chunk=" + s.rowsPerChunk() + " " : "",
                    s.pixelsPerChunk(), s.chunks(), lim.maxChunkMb(), s.uploadMs(), s.rejectMs(),
                    s.combineMs(), s.downloadMs(), ms));
    }
}

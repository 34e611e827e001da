package org.tessera.gpu;

import java.io.IOException;
import java.util.Locale;
import java.util.logging.Level;
import java.util.logging.Logger;

import org.tessera.stack.CpuStackBackend;
import org.tessera.stack.StackBackend;
import org.tessera.stack.TileStackPolicy;

/**
 * Grid mode's GPU (seed grid-mode-parallel-gpu.md, step 2): each tile is stacked on the GPU through
 * the same stack core backend as Phase 3; when that fails, {@code [GRID] GPU stack failed, falling
 * back to CPU} and the tile is stacked again, whole, on the CPU. Grid mode never retries on the GPU
 * (no OOM ladder) and never disables it: the next tile tries the GPU again.
 */
public final class GridGpuPolicy implements TileStackPolicy {

    private static final Logger LOG = Logger.getLogger("org.tessera.grid");

    private final GpuRun run;
    private final ChunkLimits limits;

    private GridGpuPolicy(GpuRun run, ChunkLimits limits) {
        this.run = run;
        this.limits = limits;
    }

    /**
     * Logs {@code [GRID] GPU requested = True/False} ({@code use_gpu_grid}, or the global flag when
     * unset) and returns the GPU policy when the GPU is requested and healthy, else the CPU.
     */
    public static TileStackPolicy forRun(GpuRun run) {
        GpuSettings s = run.settings();
        LOG.info("[GRID] GPU requested = " + (s.grid() ? "True" : "False") + " (use_gpu_grid="
                + (s.gridExplicit() ? String.valueOf(s.grid()) : "unset, follows use_gpu_phase5=" + s.gpu()) + ")");
        if (!s.grid()) return TileStackPolicy.CPU;
        if (!run.health().healthy()) {
            // A warning when use_gpu_grid asked for the GPU; when it only follows the default, a
            // machine without a GPU is normal (INFO, as Classic's "[GPU] GPU off for this run").
            LOG.log(s.gridExplicit() ? Level.WARNING : Level.INFO,
                    "[GRID] GPU stack failed, falling back to CPU: " + run.health().reason());
            return TileStackPolicy.CPU;
        }
        return new GridGpuPolicy(run, Phase3GpuPolicy.stackLimits(run));
    }

    @Override
    public <T> T stack(int tileId, Attempt<T> attempt) throws IOException {
        try {
            StackBackend gpu = run.withDevice(d -> run.backends().stack(d, GpuPhase.GRID, limits));
            T r = attempt.run(new ValidatingStackBackend(run, gpu));
            LOG.fine("[GRID] tile " + tileId + " stacked on the GPU");
            return r;
        } catch (GpuException | LinkageError e) {
            LOG.log(Level.WARNING, String.format(Locale.ROOT, "[GRID] GPU stack failed, falling back to CPU: tile %d (%s): %s",
                    tileId, GpuRun.kind(e), GpuRun.message(e)), e);
        }
        T r = attempt.run(CpuStackBackend.INSTANCE);
        LOG.info("[GRID] tile " + tileId + " stacked on the CPU after the GPU failure");
        return r;
    }
}

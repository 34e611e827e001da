package org.tessera.grid;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.logging.Logger;

import org.tessera.ProgressParts;
import org.tessera.plan.IsolatedTasks;
import org.tessera.plan.ResourcePlan;
import org.tessera.reproject.Kernel;
import org.tessera.stack.StackParams;
import org.tessera.stack.TileStackPolicy;

/**
 * Stacks the tiles of a layout on a fixed pool of {@code workers} threads (the seed's step 1:
 * tiles are independent). A tile that throws is logged ({@code [GRID] Tile X failed with error: …}),
 * its partial file removed and recorded as failed; the others go on. Every tile's stack gets the
 * same plan whatever the pool, so a tile's pixels do not depend on the number of workers.
 */
final class TileRunner {
    private static final Logger LOG = Logger.getLogger("org.tessera.grid");

    record Result(List<TileStacker.Done> done, List<IsolatedTasks.Failure> failed, boolean cancelled) {}

    private TileRunner() {}

    /**
     * @param tileFrames for each tile of {@code layout} (same order), its frames
     * @param dir        where {@code tile_NNNN.fits} go
     * @param progress   one part per tile (same order), weighted by its expected work
     * @param finished   told of each tile from its worker once its file is complete (a failure there fails the tile)
     */
    static Result run(GridLayout.Layout layout, List<List<GridInputs.GridFrame>> tileFrames, Path dir,
                      StackParams params, Kernel resample, ResourcePlan tilePlan, TileStackPolicy policy, int workers,
                      ProgressParts progress, GridMode.Finished finished) {
        List<GridLayout.Tile> tiles = layout.tiles();
        TileStacker stacker = new TileStacker(params, tilePlan, policy, resample);
        List<IsolatedTasks.Task<TileStacker.Done>> tasks = new ArrayList<>();
        for (int i = 0; i < tiles.size(); i++) {
            GridLayout.Tile tile = tiles.get(i);
            List<GridInputs.GridFrame> frames = tileFrames.get(i);
            tasks.add(new IsolatedTasks.Task<>(tile.id(), cancel -> {
                long t0 = System.nanoTime();
                TileStacker.Done d = stacker.stack(tile, frames, dir.resolve(tile.fileName()), cancel);
                LOG.info(String.format(Locale.ROOT, "[GRID] tile %d processed by worker %s: %dx%d at (%d, %d), %s in %.2f s",
                        tile.id(), Thread.currentThread().getName(), tile.width(), tile.height(), tile.x0(),
                        tile.y0(), TileStacker.describe(d), (System.nanoTime() - t0) / 1e9));
                finished.tile(tile.id(), d.file(), d.stack());
                return d;
            }));
        }
        IsolatedTasks.Result<TileStacker.Done> r = IsolatedTasks.run(tasks, workers, "tessera-grid", "grid tile", progress,
                (id, reason, e) -> {
                    IsolatedTasks.logFailure(LOG, "[GRID] Tile " + id + " failed with error: " + reason, e);
                    Path target = dir.resolve(GridLayout.Tile.fileName(id));
                    try {
                        Files.deleteIfExists(target); // the writer removes its temp file; never keep a stale tile
                    } catch (Exception ignored) {
                        LOG.fine("[GRID] could not remove " + target);
                    }
                });
        return new Result(r.done(), r.failed(), r.cancelled());
    }
}

package org.tessera.grid;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Level;
import java.util.logging.Logger;

import org.tessera.Progress;
import org.tessera.plan.ResourcePlan;
import org.tessera.stack.StackParams;

/**
 * Stacks the tiles of a layout on a fixed pool of {@code workers} threads (the seed's step 1:
 * tiles are independent). A tile that throws is logged ({@code [GRID] Tile X failed with error: …}),
 * its partial file removed and recorded as failed; the others go on. Every tile's stack gets the
 * same plan whatever the pool, so a tile's pixels do not depend on the number of workers.
 */
final class TileRunner {
    private static final Logger LOG = Logger.getLogger("org.tessera.grid");

    /** A tile that could not be made, and why. */
    record Failure(int id, String reason) {}

    record Result(List<TileStacker.Done> done, List<Failure> failed, boolean cancelled) {}

    private TileRunner() {}

    /**
     * @param tileFrames for each tile of {@code layout} (same order), its frames
     * @param dir        where {@code tile_NNNN.fits} go
     */
    static Result run(GridLayout.Layout layout, List<List<GridInputs.GridFrame>> tileFrames, Path dir,
                      StackParams params, ResourcePlan tilePlan, int workers, Progress progress) {
        List<GridLayout.Tile> tiles = layout.tiles();
        int n = tiles.size();
        int pool = Math.max(1, Math.min(workers, n));
        TileStacker stacker = new TileStacker(params, tilePlan);
        List<TileStacker.Done> done = Collections.synchronizedList(new ArrayList<>());
        List<Failure> failed = Collections.synchronizedList(new ArrayList<>());
        AtomicInteger finished = new AtomicInteger();
        AtomicInteger threadNo = new AtomicInteger();
        ExecutorService ex = Executors.newFixedThreadPool(pool, r -> {
            Thread t = new Thread(r, "tessera-grid-" + threadNo.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                GridLayout.Tile tile = tiles.get(i);
                List<GridInputs.GridFrame> frames = tileFrames.get(i);
                futures.add(ex.submit(() -> {
                    if (progress.cancelled()) return;
                    Path target = dir.resolve(tile.fileName());
                    long t0 = System.nanoTime();
                    try {
                        TileStacker.Done d = stacker.stack(tile, frames, target, cancelOnly(progress));
                        done.add(d);
                        LOG.info(String.format(Locale.ROOT, "[GRID] tile %d processed by worker %s: %dx%d at (%d, %d), %s in %.2f s",
                                tile.id(), Thread.currentThread().getName(), tile.width(), tile.height(), tile.x0(),
                                tile.y0(), TileStacker.describe(d), (System.nanoTime() - t0) / 1e9));
                    } catch (Exception | OutOfMemoryError e) {
                        String msg = e.getMessage() == null ? e.toString() : e.getMessage();
                        LOG.log(Level.WARNING, "[GRID] Tile " + tile.id() + " failed with error: " + msg, e);
                        try {
                            Files.deleteIfExists(target); // the writer removes its temp file; never keep a stale tile
                        } catch (Exception ignored) {
                            LOG.fine("[GRID] could not remove " + target);
                        }
                        failed.add(new Failure(tile.id(), msg));
                    } finally {
                        int k = finished.incrementAndGet();
                        progress.update((double) k / n, "grid tile " + k + "/" + n);
                    }
                }));
            }
            for (Future<?> f : futures) {
                try {
                    f.get();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                } catch (ExecutionException e) {
                    LOG.log(Level.WARNING, "[GRID] tile worker crashed", e.getCause()); // tasks catch their own failures
                }
            }
        } finally {
            ex.shutdownNow();
        }
        List<TileStacker.Done> d = new ArrayList<>(done);
        d.sort(Comparator.comparingInt(x -> x.tile().id()));
        List<Failure> f = new ArrayList<>(failed);
        f.sort(Comparator.comparingInt(Failure::id));
        return new Result(List.copyOf(d), List.copyOf(f), progress.cancelled());
    }

    /** Tiles run in parallel: their own progress is not shown, but cancelling reaches the stack. */
    private static Progress cancelOnly(Progress parent) {
        return new Progress() {
            @Override public void update(double fraction, String message) { }
            @Override public boolean cancelled() { return parent.cancelled(); }
        };
    }
}

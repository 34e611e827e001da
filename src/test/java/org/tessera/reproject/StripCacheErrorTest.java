package org.tessera.reproject;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;
import org.tessera.Progress;
import org.tessera.image.FloatImage;
import org.tessera.image.RowSource;
import org.tessera.image.RowSourceView;
import org.tessera.plan.HeapExhausted;
import org.tessera.wcs.FitsWcs;

/**
 * Issue 14 item 4: an {@link Error} (out of memory) while one worker reads a block that others wait
 * for must wake them with the failure; before, the shared future was completed only on
 * IOException | RuntimeException and the waiting workers sat in join() forever.
 */
class StripCacheErrorTest {

    /** A source whose reads wait for {@code go} and then run out of memory. */
    static final class FailingSource extends RowSourceView {
        final CountDownLatch go;
        final int failFromCall;
        final AtomicInteger calls = new AtomicInteger();

        FailingSource(RowSource in, CountDownLatch go, int failFromCall) {
            super(in);
            this.go = go;
            this.failFromCall = failFromCall;
        }

        @Override
        public void readRows(int y0, int rows, float[][] dst) throws IOException {
            if (calls.incrementAndGet() < failFromCall) { source.readRows(y0, rows, dst); return; }
            try {
                go.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            throw new OutOfMemoryError("Java heap space (injected)");
        }
    }

    @Test
    void anErrorInTheReadingWorkerWakesTheWaitingOnes() {
        FloatImage img = new FloatImage(64, 64, 1);
        FitsWcs w = TestSkies.tan(150, 20, 2.0, 0, 64, 64);
        CountDownLatch go = new CountDownLatch(1);
        Tile t = new Tile(0, CoaddInput.of("t0", new FailingSource(img, go, 1), w), 0, 0.02);
        StripCache cache = new StripCache(1 << 20);
        AtomicReference<Throwable> first = new AtomicReference<>(), second = new AtomicReference<>();
        assertTimeoutPreemptively(Duration.ofSeconds(10), () -> {
            Thread a = new Thread(() -> first.set(attempt(cache, t)));
            a.start();
            while (cache.stats()[0] == 0) Thread.sleep(1); // a owns the read now
            Thread b = new Thread(() -> second.set(attempt(cache, t)));
            b.start();
            while (cache.stats()[1] == 0) Thread.sleep(1); // b waits for a's block
            go.countDown();
            a.join();
            b.join();
        }, "a worker waiting for a block whose read ran out of memory must not wait forever");
        assertTrue(first.get() instanceof OutOfMemoryError, String.valueOf(first.get()));
        assertTrue(second.get() instanceof OutOfMemoryError, String.valueOf(second.get()));
    }

    private static Throwable attempt(StripCache cache, Tile t) {
        try {
            cache.strip(t, 0, 8, new StripCache.Lease());
            return null;
        } catch (Throwable e) {
            return e;
        }
    }

    /**
     * The whole Phase 5 coadd, two workers and small bands: a block read that runs out of memory
     * ends the run within seconds with the heap message (never a hang, never a raw trace).
     */
    @Test
    void phase5OutOfMemoryEndsTheRunWithTheHeapMessage() {
        List<CoaddInput> tiles = ReprojectCoaddTest.rgbTiles();
        // The survey reads the tile once; the coadd's first block read runs out of memory while
        // the other worker may wait for the same block.
        CoaddInput t1 = tiles.get(1);
        FailingSource failing = new FailingSource(t1.image(), new CountDownLatch(0), 2);
        CoaddParams p = CoaddParams.defaults().withRowsPerBand(8).withWorkers(2).withStripCacheBytes(1 << 16);
        List<CoaddInput> in = List.of(tiles.get(0), with(t1, failing), tiles.get(2));
        HeapExhausted e = assertTimeoutPreemptively(Duration.ofSeconds(20), () -> assertThrows(HeapExhausted.class,
                () -> HeapExhausted.guard("Phase 5 coadd", () -> ReprojectCoadd.run(in, ReprojectCoaddTest.GRID, p,
                        new MemorySinks(), Progress.NONE))));
        assertTrue(e.getMessage().contains("Phase 5 coadd") && e.getMessage().contains("-Xmx"), e.getMessage());
    }

    private static CoaddInput with(CoaddInput t, RowSource image) {
        return new CoaddInput(t.name(), image, t.alpha(), t.wcs(), t.nFrames());
    }
}

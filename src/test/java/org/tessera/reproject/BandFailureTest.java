package org.tessera.reproject;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.tessera.Progress;
import org.tessera.image.FloatImage;
import org.tessera.image.RowSink;

/**
 * A band of Phase 5's coadd that fails (its write: a full disk) stops the other workers: the one
 * writing a band when it fails ends that band and coadds no other, and the run's failure is
 * thrown once no worker runs any more (its caller then aborts the writers the workers write to).
 * 42 bands of 8 rows on 2 workers: the first band written fails once the other worker is inside
 * its write, a write that goes on a while after a cancel, as a write to a slow disk does.
 */
class BandFailureTest {

    /** How long the held write goes on after its thread is interrupted (ms). */
    static final long LINGER_MS = 300;

    @Test
    void aFailedBandStopsTheOtherWorkersBeforeTheRunFails() {
        CountDownLatch held = new CountDownLatch(1);
        AtomicInteger writes = new AtomicInteger(), inWrite = new AtomicInteger(), afterCancel = new AtomicInteger();
        AtomicBoolean interrupted = new AtomicBoolean();
        RowSink mosaic = (y0, rows, src) -> {
            if (Thread.currentThread().isInterrupted()) afterCancel.incrementAndGet();
            int k = writes.incrementAndGet();
            if (k == 1) {
                try {
                    assertTrue(held.await(20, TimeUnit.SECONDS), "the other worker never wrote");
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                throw new IOException("No space left on device");
            }
            if (k == 2) {
                inWrite.incrementAndGet();
                held.countDown();
                try {
                    Thread.sleep(TimeUnit.SECONDS.toMillis(20)); // until cancelled
                } catch (InterruptedException e) {
                    interrupted.set(true);
                    long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(LINGER_MS);
                    for (long left; (left = end - System.nanoTime()) > 0; ) {
                        try {
                            TimeUnit.NANOSECONDS.sleep(left);
                        } catch (InterruptedException again) {
                            // still writing
                        }
                    }
                    Thread.currentThread().interrupt(); // a write that ignores interrupts: the flag kept
                } finally {
                    inWrite.decrementAndGet();
                }
            }
        };
        CoaddParams p = CoaddParams.plain(Kernel.BILINEAR).withRowsPerBand(8).withWorkers(2);
        int[] bands = {0};
        ReprojectCoadd.SinkFactory sinks = plan -> {
            bands[0] = plan.bands();
            return new ReprojectCoadd.Sinks(mosaic, new FloatImage(plan.grid().width(), plan.grid().height(), 1));
        };
        long t0 = System.nanoTime();
        IOException e = assertThrows(IOException.class,
                () -> ReprojectCoadd.run(ReprojectCoaddTest.rgbTiles(), ReprojectCoaddTest.GRID, p, sinks, Progress.NONE));
        double seconds = (System.nanoTime() - t0) / 1e9;
        assertEquals(0, inWrite.get(), "a worker still writing when the run failed");
        assertEquals("No space left on device", e.getMessage());
        assertEquals(42, bands[0]);
        assertTrue(interrupted.get(), "the other worker cancelled");
        assertEquals(0, afterCancel.get(), "bands written after the cancel");
        assertEquals(2, writes.get(), "bands written: the failed one and the one under way");
        assertTrue(seconds < 10, "the failure surfaced in " + seconds + " s");
    }
}

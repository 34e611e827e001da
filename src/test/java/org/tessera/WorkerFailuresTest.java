package org.tessera;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.junit.jupiter.api.Test;

class WorkerFailuresTest {

    /** An IOException comes back as it is (same object, same message), for the waiting thread to throw. */
    @Test
    void ioExceptionIsReturnedAsItIs() {
        IOException io = new IOException("tile_007.fits: disk full");
        assertSame(io, WorkerFailures.rethrow(io));
        WorkerFailures.throwIfUnchecked(io); // checked: not thrown here
    }

    /** Unchecked failures are thrown as they are: the user's cancel, an UncheckedIOException (not unwrapped), an Error. */
    @Test
    void uncheckedFailuresAreThrownAsTheyAre() {
        CancellationException cancel = new CancellationException("cancelled");
        assertSame(cancel, assertThrows(CancellationException.class, () -> WorkerFailures.rethrow(cancel)));
        UncheckedIOException u = new UncheckedIOException(new IOException("x"));
        assertSame(u, assertThrows(UncheckedIOException.class, () -> WorkerFailures.rethrow(u)));
        OutOfMemoryError oom = new OutOfMemoryError("Java heap space");
        assertSame(oom, assertThrows(OutOfMemoryError.class, () -> WorkerFailures.rethrow(oom)));
        assertSame(oom, assertThrows(OutOfMemoryError.class, () -> WorkerFailures.throwIfUnchecked(oom)));
        IllegalStateException ise = new IllegalStateException("bad");
        assertSame(ise, assertThrows(IllegalStateException.class, () -> WorkerFailures.throwIfUnchecked(ise)));
    }

    /** Any other checked failure comes back wrapped in an IOException whose cause it is. */
    @Test
    void otherCheckedFailuresAreWrapped() {
        Exception other = new Exception("odd");
        IOException io = WorkerFailures.rethrow(other);
        assertEquals(IOException.class, io.getClass());
        assertSame(other, io.getCause());
        assertEquals("java.lang.Exception: odd", io.getMessage());
        WorkerFailures.throwIfUnchecked(other); // checked: not thrown here
    }

    /** Through a real pool: what a worker throws is what the waiting thread gets from Future.get's ExecutionException. */
    @Test
    void workerFailureThroughAFuture() throws InterruptedException {
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            Future<Object> f = pool.submit(() -> {
                throw new IOException("band 3: read failed");
            });
            ExecutionException e = assertThrows(ExecutionException.class, f::get);
            IOException io = WorkerFailures.rethrow(e.getCause());
            assertEquals("band 3: read failed", io.getMessage());
            Future<Object> g = pool.submit(() -> {
                throw new ArithmeticException("/ by zero");
            });
            ExecutionException e2 = assertThrows(ExecutionException.class, g::get);
            assertEquals("/ by zero",
                    assertThrows(ArithmeticException.class, () -> WorkerFailures.rethrow(e2.getCause())).getMessage());
        } finally {
            pool.shutdownNow();
        }
    }
}

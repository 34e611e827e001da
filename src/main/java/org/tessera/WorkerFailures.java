package org.tessera;

import java.io.IOException;

/**
 * A worker's failure, thrown again by the thread that waits for it as what the worker threw.
 * {@code Future.get} and {@code CompletableFuture.join} wrap the worker's exception (in an
 * {@code ExecutionException}, a {@code CompletionException}); every pool that waits on workers
 * (the stack's, Phase 5's bands, its shared strip blocks, the DBE) unwraps it here, so that a
 * worker's {@code OutOfMemoryError} stays an {@code Error} (the run's "not enough memory"), the
 * user's {@code CancellationException} stays a cancel and an I/O failure keeps its message. What a
 * site does besides (stopping the other workers, naming the file) stays at the site.
 */
public final class WorkerFailures {
    private WorkerFailures() {
    }

    /** Throws {@code cause} as it is when it is unchecked: a {@link RuntimeException} or an {@link Error}. */
    public static void throwIfUnchecked(Throwable cause) {
        if (cause instanceof RuntimeException r) throw r;
        if (cause instanceof Error e) throw e;
    }

    /**
     * The worker's failure as the waiting thread's {@code IOException}, for it to throw: an
     * unchecked {@code cause} is thrown here as it is ({@link #throwIfUnchecked}), an
     * {@code IOException} is returned as it is, any other one is returned wrapped in an
     * {@code IOException}.
     */
    public static IOException rethrow(Throwable cause) {
        if (cause instanceof IOException io) return io;
        throwIfUnchecked(cause);
        return new IOException(cause);
    }
}

package org.tessera.plan;

import java.io.IOException;
import java.util.Locale;
import java.util.concurrent.Callable;

import org.tessera.UserMessages;

/**
 * The run needs more heap than this JVM has. It ends the run (a tile that ran out of memory is
 * never skipped: which tiles make the mosaic must not depend on the heap or on timing), with one
 * message that says which setting to change. Thrown up front when an estimate shows the heap is too
 * small ({@link #require}), or wrapping an {@link OutOfMemoryError} caught where a phase's workers
 * meet ({@link #guard}). An {@link IOException} so that every front reports it like a file problem:
 * one line, exit status 2, the trace only in {@code tessera.log}.
 */
public final class HeapExhausted extends IOException {

    public HeapExhausted(String message, Throwable cause) {
        super(message, cause);
    }

    /** The message for an {@link OutOfMemoryError} met during {@code what}. */
    public static HeapExhausted of(String what, OutOfMemoryError e) {
        return new HeapExhausted(String.format(Locale.ROOT,
                "out of memory (%s) during %s with a maximum heap of %s: %s", e.getMessage() == null ? "Java heap space"
                        : e.getMessage(), what, mib(maxHeap()), UserMessages.HEAP_HINT), e);
    }

    /**
     * Stops the run before any work when {@code bytes} (an estimate of the least the next step
     * needs, one worker) do not fit the heap this JVM may ever have.
     */
    public static void require(long bytes, String what) throws HeapExhausted {
        long usable = (long) (ResourcePlan.HEAP_FRACTION * maxHeap());
        if (bytes > usable)
            throw new HeapExhausted(String.format(Locale.ROOT,
                    "not enough memory: %s needs about %s but the maximum heap is %s (%s usable): %s",
                    what, mib(bytes), mib(maxHeap()), mib(usable), UserMessages.HEAP_HINT), null);
    }

    /** Runs {@code work}, turning an {@link OutOfMemoryError} into this exception. */
    public static <T> T guard(String what, Callable<T> work) throws IOException {
        try {
            return work.call();
        } catch (OutOfMemoryError e) {
            throw of(what, e);
        } catch (java.io.UncheckedIOException e) {
            if (e.getCause() instanceof HeapExhausted h) throw h; // from a worker pool: the message as it is
            throw e;
        } catch (IOException | RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IOException(e);
        }
    }

    static long maxHeap() {
        Runtime rt = Runtime.getRuntime();
        return rt.maxMemory() == Long.MAX_VALUE ? rt.totalMemory() : rt.maxMemory();
    }

    private static String mib(long bytes) {
        return ResourcePlan.mib(bytes);
    }
}

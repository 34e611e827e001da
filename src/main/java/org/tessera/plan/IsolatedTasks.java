package org.tessera.plan;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.io.UncheckedIOException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.logging.Level;
import java.util.logging.Logger;

import org.tessera.Progress;
import org.tessera.ProgressParts;
import org.tessera.UserMessages;

/**
 * Independent tasks on a pool of workers where one task's failure never stops the others: the
 * master tiles of Phase 3 and the tiles of Grid mode. Each failure (an exception) is handed to the
 * caller, which logs it with its own tag and cleans up after it, and is recorded with its reason.
 * Results come back in task order, whatever the order the workers finish in. A cancelled run
 * skips the tasks not yet started.
 * <p>
 * An {@link Error} is not a tile's failure but the run's: an {@link OutOfMemoryError} skipped as a
 * failed tile would make the mosaic depend on the heap and on which worker happened to allocate
 * last. The first one stops the tasks not yet started, waits for the running ones and ends the
 * run with {@link HeapExhausted} (other errors are rethrown as they are).
 * <p>
 * A full disk is the run's failure too ({@link UserMessages#isDiskFull}): the tiles after it would
 * each stack for minutes and fail at their write, and space freed meanwhile by another program
 * would give a mosaic without the failed tiles, reported as skipped inputs (exit 1) rather than as
 * a failed run. The first one is logged as that tile's failure, stops the tasks not yet started,
 * waits for the running ones and ends the run with its message (an {@link UncheckedIOException});
 * the tiles finished stay written, for a rerun to reuse.
 */
public final class IsolatedTasks {
    private IsolatedTasks() {}

    private static final Logger LOG = Logger.getLogger("org.tessera.plan");

    /** One task: an id (for logs and reports) and its work, which gets a cancel-only progress. */
    public record Task<R>(int id, Work<R> work) {}

    /** The work of a task; {@code cancel} reports nothing but tells when the user cancelled. */
    @FunctionalInterface
    public interface Work<R> {
        R run(Progress cancel) throws Exception;
    }

    /** Told of each failure, on the worker's thread, before it is recorded. */
    @FunctionalInterface
    public interface OnFailure {
        void failed(int id, String reason, Throwable error);
    }

    /** A task that failed, and why (the exception's message). */
    public record Failure(int id, String reason) {}

    /** The results of the tasks that succeeded and the failures, both in task order. */
    public record Result<R>(List<R> done, List<Failure> failed, boolean cancelled) {}

    /**
     * Runs the tasks on {@code workers} threads named {@code threadPrefix-k}; {@code progress}
     * advances by one task at a time with the message "{@code what} k/n".
     */
    public static <R> Result<R> run(List<Task<R>> tasks, int workers, String threadPrefix, String what,
                                    Progress progress, OnFailure onFailure) {
        return run(tasks, workers, threadPrefix, what, ProgressParts.equal(progress, tasks.size()), onFailure);
    }

    /**
     * As {@link #run(List, int, String, String, Progress, OnFailure)}, with task k's fraction moving
     * the bar by the weight {@code parts} gives it (the work it is expected to take) rather than
     * by count; {@code parts} has one part per task, in task order.
     */
    public static <R> Result<R> run(List<Task<R>> tasks, int workers, String threadPrefix, String what,
                                    ProgressParts parts, OnFailure onFailure) {
        int n = tasks.size();
        if (parts.size() != n) throw new IllegalArgumentException(parts.size() + " progress parts for " + n + " tasks");
        Progress progress = parts.bar();
        Object[] results = new Object[n];
        boolean[] ok = new boolean[n];
        Failure[] failures = new Failure[n];
        AtomicInteger finished = new AtomicInteger(), threadNo = new AtomicInteger();
        AtomicReference<Error> fatal = new AtomicReference<>();
        AtomicReference<Exception> diskFull = new AtomicReference<>();
        ExecutorService ex = Executors.newFixedThreadPool(Math.max(1, Math.min(workers, n)), r -> {
            Thread t = new Thread(r, threadPrefix + "-" + threadNo.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                int k = i;
                Task<R> task = tasks.get(i);
                futures.add(ex.submit(() -> {
                    if (progress.cancelled() || fatal.get() != null || diskFull.get() != null) return;
                    try {
                        results[k] = task.work().run(part(parts, k, finished, what));
                        ok[k] = true;
                    } catch (java.util.concurrent.CancellationException e) {
                        if (!progress.cancelled()) { // not the user's cancel: a failure like any other
                            String msg = UserMessages.describe(e);
                            onFailure.failed(task.id(), msg, e);
                            failures[k] = new Failure(task.id(), msg);
                        } // else stopped as asked: neither done nor failed (Result.cancelled says so)
                    } catch (Exception e) {
                        String msg = UserMessages.describe(e);
                        onFailure.failed(task.id(), msg, e);
                        failures[k] = new Failure(task.id(), msg);
                        if (UserMessages.isDiskFull(e)) diskFull.compareAndSet(null, e);
                    } catch (Error e) {
                        results[k] = null; // let the collector have the tile before the others go on
                        fatal.compareAndSet(null, e);
                    } finally {
                        int f = finished.incrementAndGet();
                        parts.update(k, 1, what + " " + f + "/" + n);
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
                    LOG.log(Level.WARNING, threadPrefix + ": worker crashed", e.getCause()); // tasks catch their own failures
                }
            }
        } finally {
            ex.shutdownNow();
        }
        Error err = fatal.get();
        if (err instanceof OutOfMemoryError oom)
            throw new UncheckedIOException(HeapExhausted.of(what + " (" + threadPrefix + ")", oom));
        if (err != null) throw err;
        Exception full = diskFull.get();
        if (full != null) { // the message as the user reads it, also as the exception's own (a log line appends no class name)
            String msg = UserMessages.describe(full);
            throw new UncheckedIOException(msg, new java.io.IOException(msg, full));
        }
        List<R> done = new ArrayList<>();
        List<Failure> failed = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            @SuppressWarnings("unchecked") R r = (R) results[i];
            if (ok[i]) done.add(r);
            if (failures[i] != null) failed.add(failures[i]);
        }
        return new Result<>(java.util.Collections.unmodifiableList(done), List.copyOf(failed), progress.cancelled());
    }

    /**
     * Logs a task's failure line as the callers of {@link #run} do: WARNING, except for a full disk,
     * which ends the run with a failure line of the same words; that task's line then goes to the
     * log file only (FINE), marked " (the run stops)", so the console does not say it twice.
     */
    public static void logFailure(Logger log, String line, Throwable e) {
        boolean full = UserMessages.isDiskFull(e);
        log.log(full ? Level.FINE : Level.WARNING, full ? line + " (the run stops)" : line, e);
    }

    /**
     * Task k's progress: its own fraction moves the parent's bar (so a phase of a few long tiles
     * moves while they stack, not once per tile), with the count of finished tasks as the message;
     * cancelling reaches the task.
     */
    private static Progress part(ProgressParts parts, int k, AtomicInteger finished, String what) {
        return new Progress() {
            @Override public void update(double fraction, String message) {
                parts.update(k, fraction, what + " " + finished.get() + "/" + parts.size());
            }
            @Override public boolean cancelled() { return parts.cancelled(); }
        };
    }
}

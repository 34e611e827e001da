package org.tessera.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.tessera.Progress;

class IsolatedTasksTest {

    @Test
    void failuresAreIsolatedAndResultsComeInTaskOrder() {
        List<IsolatedTasks.Task<Integer>> tasks = new ArrayList<>();
        for (int i = 1; i <= 12; i++) {
            int id = i;
            tasks.add(new IsolatedTasks.Task<>(id, cancel -> {
                Thread.sleep((13 - id) % 4); // finish out of order
                if (id == 4) throw new IllegalStateException("tile 4 is broken");
                if (id == 9) throw new java.io.UncheckedIOException(new java.io.IOException("tile 9 cannot be read"));
                return id * 10;
            }));
        }
        List<String> told = Collections.synchronizedList(new ArrayList<>());
        List<Double> fractions = Collections.synchronizedList(new ArrayList<>());
        IsolatedTasks.Result<Integer> r = IsolatedTasks.run(tasks, 3, "test", "task", (f, m) -> fractions.add(f),
                (id, reason, e) -> told.add(id + ": " + reason));
        assertEquals(List.of(10, 20, 30, 50, 60, 70, 80, 100, 110, 120), r.done());
        assertEquals(List.of(new IsolatedTasks.Failure(4, "tile 4 is broken"), new IsolatedTasks.Failure(9, "tile 9 cannot be read")), r.failed());
        assertEquals(2, told.size());
        assertTrue(told.contains("4: tile 4 is broken") && told.contains("9: tile 9 cannot be read"), told.toString());
        assertEquals(12, fractions.size());
        assertEquals(1.0, Collections.max(fractions), 0);
        assertTrue(!r.cancelled());
    }

    /**
     * Issue 14 item 3: a tile out of memory is not a skipped tile (which tiles made the mosaic
     * would depend on the heap and on timing) but the end of the run, with the message naming the
     * setting to change; the tasks not yet started do not run.
     */
    @Test
    void outOfMemoryEndsTheRunWithTheHeapMessage() {
        AtomicInteger ran = new AtomicInteger();
        List<IsolatedTasks.Task<Integer>> tasks = tenTasksTheThirdFailing(ran, () -> {
            throw new OutOfMemoryError("Java heap space");
        });
        List<Integer> told = Collections.synchronizedList(new ArrayList<>());
        java.io.UncheckedIOException e = org.junit.jupiter.api.Assertions.assertThrows(java.io.UncheckedIOException.class,
                () -> IsolatedTasks.run(tasks, 1, "test", "master tile", Progress.NONE, (id, reason, x) -> told.add(id)));
        assertTrue(e.getCause() instanceof HeapExhausted, e.getCause().toString());
        String msg = e.getCause().getMessage();
        assertTrue(msg.contains("Java heap space") && msg.contains("master tile") && msg.contains("JAVA_OPTS=-Xmx")
                && msg.contains("Edit > Options > Memory"), msg);
        assertEquals(3, ran.get()); // tasks 0, 1, 2; nothing after the error
        assertEquals(List.of(), told); // not reported as a tile failure
    }

    /**
     * A full disk ends the run as out of memory does: the tile that met it is told as failed (its
     * log line), the tasks not yet started do not run, and the run fails with the message naming
     * the file, worded once.
     */
    @Test
    void aFullDiskEndsTheRunNamingTheFile() {
        AtomicInteger ran = new AtomicInteger();
        List<IsolatedTasks.Task<Integer>> tasks = tenTasksTheThirdFailing(ran, () -> {
            throw new java.io.IOException("/out/master_tiles/master_tile_002.fits: cannot write: the disk is "
                    + "full (No space left on device): free some space or choose another output folder");
        });
        List<Integer> told = Collections.synchronizedList(new ArrayList<>());
        java.io.UncheckedIOException e = assertThrows(java.io.UncheckedIOException.class,
                () -> IsolatedTasks.run(tasks, 1, "test", "master tile", Progress.NONE, (id, reason, x) -> told.add(id)));
        assertEquals("/out/master_tiles/master_tile_002.fits: cannot write: the disk is full (No space left on device): "
                + "free some space or choose another output folder", org.tessera.UserMessages.describe(e));
        assertEquals(e.getMessage(), org.tessera.UserMessages.describe(e), "a log line holding the message adds no class name");
        assertEquals(List.of(2), told);
        assertEquals(3, ran.get(), "one worker: the tasks after the full disk do not start");

        // the system's own words, and a quota, are a full disk too; other write failures are the tile's
        assertTrue(org.tessera.UserMessages.isDiskFull(new java.io.UncheckedIOException(
                new java.nio.file.FileSystemException("/out/x.fits", null, "No space left on device"))));
        assertTrue(org.tessera.UserMessages.isDiskFull(new java.io.IOException("Disk quota exceeded")));
        assertTrue(!org.tessera.UserMessages.isDiskFull(new java.io.IOException("/out/x.fits: input/output error")));
    }

    @Test
    void cancellingSkipsTheTasksNotStarted() {
        AtomicInteger ran = new AtomicInteger();
        boolean[] stop = {false};
        Progress p = new Progress() {
            @Override public void update(double f, String m) { }
            @Override public boolean cancelled() { return stop[0]; }
        };
        List<IsolatedTasks.Task<Integer>> tasks = new ArrayList<>();
        for (int i = 0; i < 20; i++)
            tasks.add(new IsolatedTasks.Task<>(i, cancel -> {
                if (ran.incrementAndGet() == 3) stop[0] = true;
                assertEquals(stop[0], cancel.cancelled()); // the task sees the cancellation
                return 1;
            }));
        IsolatedTasks.Result<Integer> r = IsolatedTasks.run(tasks, 1, "test", "task", p, (id, reason, e) -> { });
        assertTrue(r.cancelled());
        assertEquals(3, ran.get());
        assertEquals(3, r.done().size());
    }

    @Test
    void aTaskStoppedByTheUsersCancelIsNotAFailureButAnyOtherCancellationIs() {
        boolean[] stop = {false};
        Progress p = new Progress() {
            @Override public void update(double f, String m) { }
            @Override public boolean cancelled() { return stop[0]; }
        };
        List<Integer> told = new ArrayList<>();
        List<IsolatedTasks.Task<Integer>> tasks = new ArrayList<>();
        tasks.add(new IsolatedTasks.Task<>(0, cancel -> { throw new java.util.concurrent.CancellationException("not the user"); }));
        tasks.add(new IsolatedTasks.Task<>(1, cancel -> 1));
        tasks.add(new IsolatedTasks.Task<>(2, cancel -> {
            stop[0] = true; // the user pressed Esc while this tile was stacking
            throw new java.util.concurrent.CancellationException("stack cancelled");
        }));
        IsolatedTasks.Result<Integer> r = IsolatedTasks.run(tasks, 1, "test", "task", p, (id, reason, e) -> told.add(id));
        assertTrue(r.cancelled());
        assertEquals(List.of(0), told);
        assertEquals(1, r.failed().size());
        assertEquals(0, r.failed().get(0).id());
        assertEquals(1, r.done().size());
    }

    @Test
    void theBarMovesWhileATaskWorksAndNeverGoesBack() {
        List<Double> seen = java.util.Collections.synchronizedList(new ArrayList<>());
        List<String> said = java.util.Collections.synchronizedList(new ArrayList<>());
        Progress p = (f, m) -> { seen.add(f); said.add(m); };
        List<IsolatedTasks.Task<Integer>> tasks = new ArrayList<>();
        for (int i = 0; i < 2; i++)
            tasks.add(new IsolatedTasks.Task<>(i, own -> {
                own.update(0.25, "band 1/4");
                own.update(0.75, "band 3/4");
                own.update(0.5, "a step back"); // never lowers the bar
                return 1;
            }));
        IsolatedTasks.run(tasks, 1, "test", "master tile", p, (id, reason, e) -> { });
        assertEquals(List.of(0.125, 0.375, 0.375, 0.5, 0.625, 0.875, 0.875, 1.0), seen);
        assertEquals(List.of("master tile 0/2", "master tile 0/2", "master tile 0/2", "master tile 1/2",
                "master tile 1/2", "master tile 1/2", "master tile 1/2", "master tile 2/2"), said);
    }

    /** Weighted parts: a task's fraction moves the bar by its weight, not by count. */
    @Test
    void weightedTasksMoveTheBarByTheirWeight() {
        List<Double> seen = java.util.Collections.synchronizedList(new ArrayList<>());
        List<IsolatedTasks.Task<Integer>> tasks = new ArrayList<>();
        for (int i = 0; i < 2; i++)
            tasks.add(new IsolatedTasks.Task<>(i, own -> {
                own.update(0.5, "half");
                return 1;
            }));
        IsolatedTasks.run(tasks, 1, "test", "grid tile", new org.tessera.ProgressParts((f, m) -> seen.add(f),
                new double[] {9, 1}), (id, reason, e) -> { });
        assertEquals(List.of(0.45, 0.9, 0.95, 1.0), seen);
        assertThrows(IllegalArgumentException.class, () -> IsolatedTasks.run(tasks, 1, "test", "grid tile",
                org.tessera.ProgressParts.equal(Progress.NONE, 3), (id, reason, e) -> { }));
    }

    /** What task 2 of {@link #tenTasksTheThirdFailing} throws. */
    private interface Failure {
        void fail() throws Exception;
    }

    /** Tasks 0..9 counting their runs in {@code ran}, each returning its id; task 2 fails as {@code failure} says. */
    private static List<IsolatedTasks.Task<Integer>> tenTasksTheThirdFailing(AtomicInteger ran, Failure failure) {
        List<IsolatedTasks.Task<Integer>> tasks = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            int id = i;
            tasks.add(new IsolatedTasks.Task<>(id, cancel -> {
                ran.incrementAndGet();
                if (id == 2) failure.fail();
                return id;
            }));
        }
        return tasks;
    }
}

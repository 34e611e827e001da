package org.tessera.solve;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.FutureTask;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Logger;

import org.tessera.Progress;
import org.tessera.io.FitsFrame;
import org.tessera.register.Registration;
import org.tessera.register.SessionRotation;

/**
 * {@link RawFrameAstrometry.Work#LOCAL}: Phase 1's solves and registrations on this machine, the
 * plate solves overlapped with the registrations.
 * <p>
 * A group's frames are registered on its first reference candidate (the middle frame,
 * {@link RawGroups.Group#referenceOrder}) while that frame is still being solved: the registration
 * does not need the solution, {@link RawFrameAstrometry#place} composes the two afterwards. The
 * solves run on their own small pool ({@link #solveThreads}: a quarter of the workers, at least
 * one), in group order, while the calling thread registers the groups one after another on the
 * worker threads; once it has, one more solve thread takes the solves no solve thread has started
 * yet, in the calling thread's stead (so a 2-core machine runs two solves when no registration is
 * left). When a group's first candidate does not solve and another frame does, its frames
 * are registered again on that one; a group whose solve is known to have failed before its turn is
 * not registered at all, one known solved is registered on its solved frame directly. Either way
 * each frame gets the registration it would get with the solves first, so the results do not
 * depend on which finishes first, nor on the thread counts; the solves' {@code [SOLVE]} lines are
 * logged in group order too.
 * <p>
 * Solves and registrations share {@code workers} CPU permits: a running solve (one external,
 * single-threaded solver process) holds one, so a 2-core machine runs one solve beside one
 * registration, not three threads on two cores that would slow the solve toward its wall-clock
 * limit ({@code solver_timeout_s}). With one worker, everything runs one at a time.
 * Cancelling stops every running solver, the one started for the calling thread's core included
 * (their processes are killed and their temporary folders removed before this returns).
 */
final class LocalPlacement implements RawFrameAstrometry.Work {

    private static final Logger LOG = Logger.getLogger("org.tessera.solve");

    static final LocalPlacement INSTANCE = new LocalPlacement();

    private LocalPlacement() {}

    /**
     * Solve threads for {@code workers} worker threads: a quarter of them, at least one (one more
     * joins, for the calling thread's core, once it has no registration left).
     */
    static int solveThreads(int workers) {
        return Math.max(1, workers / 4);
    }

    @Override
    public List<RawFrameAstrometry.Reference> solve(RawFrameAstrometry stage, List<RawGroups.Group> groups, Progress progress)
            throws InterruptedException {
        Semaphore cpu = new Semaphore(stage.workers(), true);
        try (Solves s = new Solves(stage, groups, cpu, progress.forwardOnly())) {
            s.help();
            List<RawFrameAstrometry.Reference> out = new ArrayList<>();
            for (int k = 0; k < groups.size(); k++) out.add(s.await(k));
            return out;
        }
    }

    @Override
    public List<Registration> register(RawFrameAstrometry stage, List<RawFrameAstrometry.Pair> pairs, Progress progress)
            throws InterruptedException {
        Semaphore cpu = new Semaphore(stage.workers(), true);
        List<Registration> out = new ArrayList<>();
        int i = 0;
        while (i < pairs.size()) { // one reference at a time: its stars are found once
            FitsFrame ref = pairs.get(i).reference();
            List<FitsFrame> moving = new ArrayList<>();
            for (; i < pairs.size() && pairs.get(i).reference() == ref; i++) moving.add(pairs.get(i).moving());
            out.addAll(registerAll(stage, cpu, ref, moving, progress, out.size(), pairs.size()));
        }
        return out;
    }

    @Override
    public List<RawFrameAstrometry.GroupOutcome> placeGroups(RawFrameAstrometry stage, List<RawGroups.Group> groups,
                                                            Progress progress) throws InterruptedException {
        Progress bar = progress.forwardOnly();
        Semaphore cpu = new Semaphore(stage.workers(), true);
        int total = 0;
        for (RawGroups.Group g : groups) total += g.frames().size() - 1;
        Bar both = new Bar(bar, RawFrameAstrometry.solveShare(groups));
        try (Solves s = new Solves(stage, groups, cpu, both.solves())) {
            // Each group registered on the frame it will most likely be placed on, while the solves run.
            FitsFrame[] on = new FitsFrame[groups.size()];
            List<List<Registration>> regs = new ArrayList<>();
            int done = 0;
            for (int k = 0; k < groups.size(); k++) {
                RawGroups.Group g = groups.get(k);
                RawFrameAstrometry.Reference known = s.ifDone(k);
                on[k] = known != null ? known.frame() : FirstCandidate.of(g);
                List<FitsFrame> moving = RawFrameAstrometry.others(g, on[k]);
                regs.add(on[k] == null ? List.of() : registerAll(stage, cpu, on[k], moving, both.registrations(), done, total));
                done += g.frames().size() - 1; // a group known unsolved counts as done
            }
            s.help();
            int all = total;
            // each group's WCS cached as it settles: a run stopped later keeps the solves done
            return FirstCandidate.settle(groups, on, regs, s::await, (k, ref, moving) ->
                    registerAll(stage, cpu, ref, moving, both.registrations(), all - moving.size(), all),
                    (k, o) -> stage.settled(groups.get(k), o));
        }
    }

    /**
     * Registers {@code frames} on {@code ref} on the stage's worker threads (each holds one
     * frame's luminance and stars, and one CPU permit while it works), results in the order of
     * {@code frames}.
     */
    static List<Registration> registerAll(RawFrameAstrometry stage, Semaphore cpu, FitsFrame ref, List<FitsFrame> frames,
                                          Progress progress, int done, int total) throws InterruptedException {
        if (frames.isEmpty()) return List.of();
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, Math.min(stage.workers(), frames.size())));
        try {
            AtomicInteger finished = new AtomicInteger();
            List<Future<Registration>> futures = new ArrayList<>();
            for (FitsFrame f : frames)
                futures.add(pool.submit(() -> {
                    if (progress.cancelled()) return Registration.failed(f.name(), "cancelled by the user");
                    Registration r;
                    cpu.acquire();
                    try {
                        r = stage.aligner().align(ref, f);
                    } catch (RuntimeException e) {
                        r = Registration.failed(f.name(), "registration error: " + e);
                    } finally {
                        cpu.release();
                    }
                    progress.update((double) (done + finished.incrementAndGet()) / total, "registered " + f.name());
                    return r;
                }));
            List<Registration> out = new ArrayList<>();
            for (Future<Registration> fu : futures) {
                try {
                    out.add(fu.get());
                } catch (ExecutionException e) {
                    throw new IllegalStateException("registration task failed", e.getCause());
                }
            }
            if (progress.cancelled()) throw new InterruptedException("cancelled by the user while registering");
            // Frames the area correlation placed without a turn, or could not place, for want of a
            // field rotation in their headers: again, with the rotation their session's star
            // registrations give (all of those are done by now, so the turns do not depend on timing)
            List<SessionRotation.Turn> turns = SessionRotation.retries(ref, frames, out);
            List<Future<Registration>> again = new ArrayList<>();
            for (int i = 0; i < frames.size(); i++) {
                FitsFrame f = frames.get(i);
                SessionRotation.Turn turn = turns.get(i);
                again.add(turn == null ? null : pool.submit(() -> {
                    if (progress.cancelled()) return null;
                    cpu.acquire();
                    try {
                        return stage.aligner().alignTurned(ref, f, turn);
                    } catch (RuntimeException e) {
                        return Registration.failed(f.name(), "registration error: " + e);
                    } finally {
                        cpu.release();
                    }
                }));
            }
            for (int i = 0; i < again.size(); i++) {
                if (again.get(i) == null) continue;
                try {
                    Registration r = again.get(i).get();
                    if (r != null) out.set(i, r);
                } catch (ExecutionException e) {
                    throw new IllegalStateException("registration task failed", e.getCause());
                }
            }
            if (progress.cancelled()) throw new InterruptedException("cancelled by the user while registering");
            return out;
        } finally {
            pool.shutdownNow();
        }
    }

    /**
     * The groups' reference solves, started at once on their own pool, in group order. Each
     * solve's {@code [SOLVE]} lines are logged once the solves of all earlier groups are done, so
     * the log reads in group order whatever finishes first.
     */
    private static final class Solves implements AutoCloseable {
        private final ExecutorService pool;
        private final List<FutureTask<RawFrameAstrometry.Reference>> tasks = new ArrayList<>();
        private final Progress progress;
        private final List<List<String>> lines = new ArrayList<>();
        private int logged; // groups whose lines are logged: all before it finished

        Solves(RawFrameAstrometry stage, List<RawGroups.Group> groups, Semaphore cpu, Progress progress) {
            this.progress = progress;
            AtomicInteger n = new AtomicInteger();
            pool = Executors.newFixedThreadPool(Math.max(1, Math.min(solveThreads(stage.workers()), groups.size())), r -> {
                Thread t = new Thread(r, "tessera-solve-" + n.incrementAndGet());
                t.setDaemon(true); // a solver that hangs past its limit never keeps the program alive
                return t;
            });
            AtomicInteger solved = new AtomicInteger();
            for (int i = 0; i < groups.size(); i++) {
                int k = i;
                RawGroups.Group g = groups.get(k);
                lines.add(null);
                FutureTask<RawFrameAstrometry.Reference> task = new FutureTask<>(() -> {
                    if (progress.cancelled()) return null; // await() reports the cancellation
                    progress.update((double) solved.get() / groups.size(), "solving group " + g.id() + " of " + groups.size());
                    List<String> mine = new ArrayList<>();
                    RawFrameAstrometry.Reference r;
                    cpu.acquire();
                    try {
                        r = stage.solveReference(g, mine::add);
                    } catch (RuntimeException e) { // this group's failure, never the other groups'
                        r = new RawFrameAstrometry.Reference(null, null, List.of("plate solve error: " + e), 0);
                    } finally {
                        cpu.release();
                    }
                    finished(k, mine);
                    progress.update((double) solved.incrementAndGet() / groups.size(), "solved group " + g.id());
                    return r;
                });
                tasks.add(task);
                pool.execute(task);
            }
        }

        /** Records group {@code k}'s lines and logs those now in order. */
        private synchronized void finished(int k, List<String> mine) {
            lines.set(k, mine);
            for (; logged < lines.size() && lines.get(logged) != null; logged++) for (String l : lines.get(logged)) LOG.info(l);
        }

        /**
         * Once the registrations are done, the caller's core solves too: one more solve thread
         * takes, in group order, the solves no solve thread has started yet (none is started when
         * every solve has begun). A thread of the pool rather than the calling thread itself, so
         * that a cancel stops it as it stops the others ({@link #close}: interrupted, its solver
         * process killed, its folder removed) while the calling thread notices the cancel in
         * {@link #await}; run on the calling thread, such a solve ran to its end (up to
         * {@code solver_timeout_s}) before the cancel was seen.
         */
        void help() {
            if (progress.cancelled()) return;
            ThreadPoolExecutor p = (ThreadPoolExecutor) pool;
            int n = p.getCorePoolSize() + 1;
            p.setMaximumPoolSize(n); // the maximum first: it may not be below the core size
            p.setCorePoolSize(n); // starts the thread only if a solve is still queued
        }

        /** Group {@code k}'s reference if its solve has finished, else null (never waits). */
        RawFrameAstrometry.Reference ifDone(int k) throws InterruptedException {
            return tasks.get(k).isDone() && !progress.cancelled() ? await(k) : null;
        }

        /** Group {@code k}'s reference, once solved; a cancellation by the user stops the wait. */
        RawFrameAstrometry.Reference await(int k) throws InterruptedException {
            Future<RawFrameAstrometry.Reference> f = tasks.get(k);
            while (true) {
                if (progress.cancelled()) throw new InterruptedException("cancelled by the user while solving");
                try {
                    RawFrameAstrometry.Reference r = f.get(100, TimeUnit.MILLISECONDS);
                    if (r != null) return r;
                } catch (TimeoutException e) {
                    // still solving: check for a cancellation, then wait again
                } catch (ExecutionException e) {
                    throw new IllegalStateException("plate solve task failed", e.getCause());
                }
            }
        }

        /** Stops the solves still running (their solver processes too) and waits for their temporary folders to go. */
        @Override
        public void close() {
            pool.shutdownNow();
            try {
                if (!pool.awaitTermination(60, TimeUnit.SECONDS))
                    LOG.warning("[SOLVE] a stopped plate solve did not end within 60 s; its temporary folder may remain");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** One progress bar for solves and registrations running together, {@code share} of it for the solves. */
    private static final class Bar {
        private final Progress parent;
        private final double share;
        private double solves, registrations;

        Bar(Progress parent, double share) {
            this.parent = parent;
            this.share = share;
        }

        Progress solves() {
            return part(true);
        }

        Progress registrations() {
            return part(false);
        }

        private Progress part(boolean solve) {
            return new Progress() {
                @Override
                public void update(double f, String m) {
                    double all;
                    synchronized (Bar.this) {
                        if (solve) solves = f;
                        else registrations = f;
                        all = share * solves + (1 - share) * registrations;
                    }
                    parent.update(all, m);
                }

                @Override
                public boolean cancelled() {
                    return parent.cancelled();
                }
            };
        }
    }
}

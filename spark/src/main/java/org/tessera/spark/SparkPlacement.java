package org.tessera.spark;

import java.io.IOException;
import java.io.Serializable;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.logging.Logger;

import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaSparkContext;
import org.tessera.Progress;
import org.tessera.ProgressParts;
import org.tessera.UserMessages;
import org.tessera.WorkerFailures;
import org.tessera.io.FitsFrame;
import org.tessera.io.FrameReading;
import org.tessera.pipeline.WorkBar;
import org.tessera.register.FrameRegistrar;
import org.tessera.register.Registration;
import org.tessera.register.SessionRotation;
import org.tessera.solve.FirstCandidate;
import org.tessera.solve.FrameAligner;
import org.tessera.solve.RawFrameAstrometry;
import org.tessera.solve.RawGroups;
import org.tessera.solve.SolveHints;
import org.tessera.wcs.WcsCards;

/**
 * Phase 1's heavy work on the executors, for frames without WCS ({@link RawFrameAstrometry.Work}):
 * one task per group plate-solves its reference ({@link RawFrameAstrometry#solveReference}, the
 * single-machine code, with the solver the config names, which every executor must have), then
 * the other frames are registered on their references by star matching (the stage's
 * {@link FrameAligner}) in tasks of consecutive frames, so that a reference's stars are found once
 * per task. The driver keeps the rest ({@link RawFrameAstrometry#place}): the WCS cache, the
 * composed WCS, and the report of a frame that cannot be placed. A task that throws is retried by
 * Spark; on its last attempt the group counts as unsolved (or the frames as not registered), with
 * the error as the reason, as one machine reports them.
 */
final class SparkPlacement implements RawFrameAstrometry.Work {

    private static final Logger LOG = Logger.getLogger("org.tessera.solve");

    private final JavaSparkContext sc;
    private final SparkMosaic.TaskFault fault;
    private final String configJson, outputDir;
    private final Staging st;

    /** @param outputDir the output folder (path or URI), for the stage's settings; the tasks write nothing there */
    SparkPlacement(JavaSparkContext sc, SparkMosaic.TaskFault fault, String configJson, String outputDir, Staging st) {
        this.sc = sc;
        this.fault = fault;
        this.configJson = configJson;
        this.outputDir = outputDir;
        this.st = st;
    }

    /** A frame as it travels: its path or URI and how its pixels are read (hot pixels, demosaic). */
    record FrameRef(String path, FrameReading reading, FsAccess fs) implements Serializable {
        static FrameRef of(FitsFrame f, Staging st) {
            return new FrameRef(st.ref(f.path()), f.reading(), st.fs);
        }

        FitsFrame open() throws IOException {
            return FitsFrame.open(fs.fetch(path)).withReading(reading);
        }
    }

    /** One group's reference solve. */
    record SolveTask(int index, int id, List<FrameRef> frames, String session, SolveHints hints, String configJson,
                     String outputDir) implements Serializable {}

    /** Its outcome: the index of the solved frame in the group (-1: none) and its WCS as cards. */
    record Solved(int index, int frame, String wcsCards, List<String> failures, int solves) implements Serializable {}

    /** One frame to register on its reference. */
    record Pair(int index, FrameRef reference, FrameRef moving) implements Serializable {}

    /** Registered: the pair's index and its registration (or failure). */
    record Registered(int index, Registration registration) implements Serializable {}

    /** The stage as the driver's (its WCS cache, which the driver alone reads and writes, is never used by a task). */
    private static RawFrameAstrometry stage(String configJson, String outputDir) {
        return RawFrameAstrometry.fromConfig(SparkConfigs.fromJson(configJson), FrameAligner.stars(new FrameRegistrar()),
                Path.of(FsAccess.isUri(outputDir) ? "." : outputDir));
    }

    @Override
    public List<RawFrameAstrometry.Reference> solve(RawFrameAstrometry stage, List<RawGroups.Group> groups, Progress progress)
            throws InterruptedException {
        if (groups.isEmpty()) return List.of();
        LOG.info(String.format(Locale.ROOT, "[SOLVE] %d group reference solve(s) as Spark tasks", groups.size()));
        return solveJob(groups, progress);
    }

    /** The solve job: one task per group. */
    private List<RawFrameAstrometry.Reference> solveJob(List<RawGroups.Group> groups, Progress progress) {
        List<SolveTask> tasks = new ArrayList<>();
        for (int i = 0; i < groups.size(); i++) {
            RawGroups.Group g = groups.get(i);
            List<FrameRef> refs = new ArrayList<>();
            for (FitsFrame f : g.frames()) refs.add(FrameRef.of(f, st));
            tasks.add(new SolveTask(i, g.id(), refs, g.session(), g.hints(), configJson, outputDir));
        }
        SparkMosaic.TaskFault f = fault;
        int attempts = SparkMosaic.maxTaskAttempts(sc);
        List<Solved> done = sc.parallelize(tasks, tasks.size()).map(t -> {
            int attempt = attempt();
            try {
                List<FitsFrame> frames = new ArrayList<>();
                for (FrameRef r : t.frames()) frames.add(r.open());
                RawFrameAstrometry.Reference r = stage(t.configJson(), t.outputDir())
                        .solveReference(new RawGroups.Group(t.id(), frames, t.session(), t.hints()));
                f.afterSolve(t.id(), attempt);
                return new Solved(t.index(), r.frame() == null ? -1 : frames.indexOf(r.frame()),
                        r.wcs() == null ? null : WcsCards.of(r.wcs()), r.failures(), r.solves());
            } catch (IOException | RuntimeException e) {
                if (attempt + 1 < attempts) throw e; // Spark tries it again
                return new Solved(t.index(), -1, null, List.of("the solve task failed: " + UserMessages.describe(e)), 0);
            }
        }).collect();
        List<RawFrameAstrometry.Reference> out = new ArrayList<>();
        for (int i = 0; i < groups.size(); i++) out.add(null);
        for (Solved s : done) {
            RawGroups.Group g = groups.get(s.index());
            if (s.frame() < 0) {
                out.set(s.index(), new RawFrameAstrometry.Reference(null, null, s.failures(), s.solves()));
                continue;
            }
            try {
                out.set(s.index(), new RawFrameAstrometry.Reference(g.frames().get(s.frame()), WcsCards.parseFits(s.wcsCards()),
                        s.failures(), s.solves()));
            } catch (IOException e) {
                out.set(s.index(), new RawFrameAstrometry.Reference(null, null,
                        List.of("the solution could not be read back: " + e.getMessage()), s.solves()));
            }
        }
        progress.update(1, groups.size() + " group(s) solved on Spark");
        return out;
    }

    @Override
    public List<Registration> register(RawFrameAstrometry stage, List<RawFrameAstrometry.Pair> pairs, Progress progress) {
        if (pairs.isEmpty()) return List.of();
        LOG.info(String.format(Locale.ROOT, "[SOLVE] %d frame(s) to register as %d Spark task(s)", pairs.size(), registerTasks(pairs)));
        return registerJob(pairs, progress);
    }

    /** Registration tasks for {@code pairs}: consecutive frames per task (frames of a group are together), so each finds a reference's stars once. */
    private int registerTasks(List<RawFrameAstrometry.Pair> pairs) {
        return Math.max(1, Math.min(pairs.size(), 2 * sc.defaultParallelism()));
    }

    /** The registration job: tasks of consecutive pairs. */
    private List<Registration> registerJob(List<RawFrameAstrometry.Pair> pairs, Progress progress) {
        if (pairs.isEmpty()) return List.of();
        List<Pair> items = new ArrayList<>();
        for (int i = 0; i < pairs.size(); i++)
            items.add(new Pair(i, FrameRef.of(pairs.get(i).reference(), st), FrameRef.of(pairs.get(i).moving(), st)));
        int n = registerTasks(pairs);
        String json = configJson, out = outputDir;
        SparkMosaic.TaskFault f = fault;
        int attempts = SparkMosaic.maxTaskAttempts(sc);
        List<Registered> done = sc.parallelize(items, n).mapPartitions((Iterator<Pair> it) -> {
            int attempt = attempt();
            List<Pair> mine = new ArrayList<>();
            it.forEachRemaining(mine::add);
            List<Registered> res = new ArrayList<>();
            try {
                FrameAligner aligner = stage(json, out).aligner();
                Map<String, FitsFrame> refs = new HashMap<>(); // one object per reference: the aligner keeps its stars
                for (Pair p : mine) {
                    FitsFrame ref = refs.get(p.reference().path());
                    if (ref == null) refs.put(p.reference().path(), ref = p.reference().open());
                    FitsFrame moving = p.moving().open();
                    Registration r;
                    try {
                        r = aligner.align(ref, moving);
                    } catch (RuntimeException e) { // as one machine: an error is this frame's failed registration
                        r = Registration.failed(moving.name(), "registration error: " + e);
                    }
                    f.afterRegister(p.index(), attempt);
                    res.add(new Registered(p.index(), r));
                }
            } catch (IOException | RuntimeException e) {
                if (attempt + 1 < attempts) throw e;
                res.clear();
                for (Pair p : mine)
                    res.add(new Registered(p.index(), Registration.failed(p.moving().path().substring(p.moving().path().lastIndexOf('/') + 1),
                            "the registration task failed: " + UserMessages.describe(e))));
            }
            return res.iterator();
        }).collect();
        Registration[] regs = new Registration[pairs.size()];
        for (Registered r : done) regs[r.index()] = r.registration();
        retryTurned(pairs, regs);
        progress.update(1, pairs.size() + " frame(s) registered on Spark");
        return List.of(regs);
    }

    /** A frame to register again with the field rotation its session's star registrations give. */
    record Retry(int index, FrameRef reference, FrameRef moving, SessionRotation.Turn turn) implements Serializable {}

    /**
     * As one machine does ({@code LocalPlacement}): the frames the area correlation placed without
     * a turn, or could not place, for want of a field rotation in their headers, registered again
     * in a job of their own with the rotation that their reference's other frames, registered by
     * their stars, give ({@link SessionRotation#retries}); {@code regs} updated in place. A retry
     * whose task fails on its last attempt leaves the first registration.
     */
    private void retryTurned(List<RawFrameAstrometry.Pair> pairs, Registration[] regs) {
        List<Retry> items = new ArrayList<>();
        for (int i = 0, j; i < pairs.size(); i = j) { // the pairs of one reference are consecutive
            FitsFrame ref = pairs.get(i).reference();
            List<FitsFrame> moving = new ArrayList<>();
            for (j = i; j < pairs.size() && pairs.get(j).reference() == ref; j++) moving.add(pairs.get(j).moving());
            List<SessionRotation.Turn> turns = SessionRotation.retries(ref, moving, java.util.Arrays.asList(regs).subList(i, j));
            for (int k = 0; k < turns.size(); k++)
                if (turns.get(k) != null)
                    items.add(new Retry(i + k, FrameRef.of(ref, st), FrameRef.of(moving.get(k), st), turns.get(k)));
        }
        if (items.isEmpty()) return;
        String json = configJson, out = outputDir;
        int attempts = SparkMosaic.maxTaskAttempts(sc);
        List<Registered> done = sc.parallelize(items, Math.min(items.size(), 2 * sc.defaultParallelism())).mapPartitions(
                (Iterator<Retry> it) -> {
            int attempt = attempt();
            List<Registered> res = new ArrayList<>();
            try {
                FrameAligner aligner = stage(json, out).aligner();
                Map<String, FitsFrame> refs = new HashMap<>(); // one object per reference: the aligner keeps its stars
                while (it.hasNext()) {
                    Retry t = it.next();
                    FitsFrame ref = refs.get(t.reference().path());
                    if (ref == null) refs.put(t.reference().path(), ref = t.reference().open());
                    Registration r;
                    try {
                        r = aligner.alignTurned(ref, t.moving().open(), t.turn());
                    } catch (RuntimeException e) {
                        r = null; // the first registration stands
                    }
                    if (r != null) res.add(new Registered(t.index(), r));
                }
            } catch (IOException | RuntimeException e) {
                if (attempt + 1 < attempts) throw e;
                res.clear();
            }
            return res.iterator();
        }).collect();
        for (Registered r : done) regs[r.index()] = r.registration();
    }

    /**
     * The solve job and the registration job at once, from two driver threads (Spark runs jobs
     * of different threads concurrently; with the default FIFO scheduling the second job's tasks
     * take the slots the first leaves free): the frames are registered on each group's first
     * reference candidate ({@link FirstCandidate}), then a group whose first candidate did not
     * solve is registered again on the frame that did, in a job of its own, as one machine does.
     * The outcome is that of the solves first, whatever finishes first.
     */
    @Override
    public List<RawFrameAstrometry.GroupOutcome> placeGroups(RawFrameAstrometry stage, List<RawGroups.Group> groups,
                                                            Progress progress) throws InterruptedException {
        if (groups.isEmpty()) return List.of();
        FitsFrame[] on = new FitsFrame[groups.size()];
        List<RawFrameAstrometry.Pair> pairs = new ArrayList<>();
        for (int k = 0; k < groups.size(); k++) {
            on[k] = FirstCandidate.of(groups.get(k));
            for (FitsFrame f : RawFrameAstrometry.others(groups.get(k), on[k])) pairs.add(new RawFrameAstrometry.Pair(on[k], f));
        }
        // The driver's lines before either job starts: the log reads the same whichever job ends first.
        LOG.info(String.format(Locale.ROOT, "[SOLVE] %d group reference solve(s) as Spark tasks", groups.size()));
        if (!pairs.isEmpty())
            LOG.info(String.format(Locale.ROOT, "[SOLVE] %d frame(s) to register on the first reference candidates as %d Spark task(s),"
                    + " beside the solves", pairs.size(), registerTasks(pairs)));
        // the two jobs' ends move the bar by their estimates (WorkBar), whichever ends first
        List<FitsFrame> toRegister = new ArrayList<>();
        for (RawFrameAstrometry.Pair p : pairs) toRegister.add(p.moving());
        ProgressParts bar = new ProgressParts(progress.forwardOnly(),
                new double[] {WorkBar.registrations(toRegister), WorkBar.solves(groups.size())});
        ExecutorService jobs = Executors.newFixedThreadPool(2, r -> {
            Thread t = new Thread(r, "tessera-spark-phase1");
            t.setDaemon(true);
            return t;
        });
        try {
            String group = "tessera-phase1-" + java.util.UUID.randomUUID();
            Future<List<RawFrameAstrometry.Reference>> solves = jobs.submit(() -> {
                sc.setJobGroup(group, "Phase 1 plate solves", true);
                return solveJob(groups, Progress.NONE);
            });
            Future<List<Registration>> registered = jobs.submit(() -> {
                sc.setJobGroup(group, "Phase 1 registrations on the first reference candidates", true);
                return registerJob(pairs, Progress.NONE);
            });
            List<Registration> all = get(registered, group);
            bar.update(0, 1, pairs.size() + " frame(s) registered on Spark");
            List<RawFrameAstrometry.Reference> refs = get(solves, group);
            bar.update(1, 1, groups.size() + " group(s) solved on Spark");
            List<List<Registration>> regs = new ArrayList<>();
            int i = 0;
            for (int k = 0; k < groups.size(); k++) {
                int n = groups.get(k).frames().size() - 1;
                regs.add(List.copyOf(all.subList(i, i + n)));
                i += n;
            }
            List<RawFrameAstrometry.GroupOutcome> out = FirstCandidate.settle(groups, on, regs, refs::get, (k, ref, moving) -> {
                List<RawFrameAstrometry.Pair> again = new ArrayList<>();
                for (FitsFrame f : moving) again.add(new RawFrameAstrometry.Pair(ref, f));
                return register(stage, again, Progress.NONE);
            });
            bar.bar().update(1, groups.size() + " group(s) placed on Spark");
            return out;
        } finally {
            jobs.shutdownNow();
        }
    }

    /** A job's result; the driver's wait interrupted cancels the jobs of {@code group}. */
    private <T> T get(Future<T> job, String group) throws InterruptedException {
        try {
            return job.get();
        } catch (InterruptedException e) {
            sc.cancelJobGroup(group);
            throw e;
        } catch (ExecutionException e) {
            WorkerFailures.throwIfUnchecked(e.getCause());
            throw new IllegalStateException("Phase 1 Spark job failed", e.getCause());
        }
    }

    private static int attempt() {
        TaskContext ctx = TaskContext.get();
        return ctx == null ? 0 : ctx.attemptNumber();
    }
}

package org.tessera.solve;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.logging.Logger;

import org.tessera.Progress;
import org.tessera.config.Config;
import org.tessera.io.FitsFrame;
import org.tessera.io.FrameScanner;
import org.tessera.plan.ResourcePlan;
import org.tessera.plan.WorkCosts;
import org.tessera.register.Registration;
import org.tessera.wcs.FitsWcs;

/**
 * Phase 1's astrometry stage: gives every frame a celestial WCS without solving every frame.
 * <ol>
 * <li>Frames whose header has a WCS keep it (unless {@code force_resolve_existing_wcs}).</li>
 * <li>Frames found in the cache of this output folder ({@link WcsCache}) take the WCS found for
 * them by an earlier run.</li>
 * <li>The others are grouped by session and header pointing ({@link RawGroups}); one frame per group
 * is plate-solved (the middle of the session first; on failure the next, up to
 * {@value #MAX_SOLVE_ATTEMPTS} frames, one for a solve without pointing; none when the header
 * gives neither pointing nor scale, as a fully blind solve mostly spends the whole timeout to
 * fail); every other frame of the group is registered on it by its
 * stars ({@link FrameAligner}) and gets the reference's WCS composed with its registration
 * (frame pixel → reference pixel → sky, {@link FitsWcs#withPixelTransform}).</li>
 * </ol>
 * A frame that cannot be placed (its group found no solution, its registration failed, no solver
 * is installed) comes back with the reason, and the run goes on with the rest.
 * <p>
 * A stack ({@link #inReferencePixels}) whose frames none can be placed on the sky (none has a WCS
 * or a cached one, and no group has a solution: unguided, every solve failed, no solver) is
 * registered instead in the pixels of one of its frames ({@link #placeInPixels}): the same
 * reference choice and the same registrations, composed with a stand-in WCS of the reference
 * ({@link #standIn}) that only says "the reference's pixel grid"; the stack's writer must leave it
 * out of its file ({@link Result#pixels}). Such frames are never cached. Input files are
 * never written: solvers read them in a temporary folder, results go to the cache. Log tag
 * {@code [SOLVE]}, one line per frame.
 */
public final class RawFrameAstrometry {

    private static final Logger LOG = Logger.getLogger("org.tessera.solve");

    /** Frames of a group tried as the solved reference before the group is reported unsolved. */
    public static final int MAX_SOLVE_ATTEMPTS = 3;

    /**
     * Why a frame whose header gives neither pointing nor scale is not solved, naming the cards
     * that are there and those that are missing: a header with XPIXSZ but no FOCALLEN (most camera
     * software without a telescope profile) must not read as if it had neither.
     */
    static String unguided(Map<String, String> keys) {
        String f = keys.get("FOCALLEN"), px = keys.get("XPIXSZ");
        String scale = f == null && px == null ? "FOCALLEN and XPIXSZ missing"
                : f == null ? "FOCALLEN missing, XPIXSZ " + px.trim()
                : px == null ? "XPIXSZ missing, FOCALLEN " + f.trim()
                : "FOCALLEN " + f.trim() + ", XPIXSZ " + px.trim() + ": not a scale";
        String add = f == null && px != null ? "FOCALLEN (mm)" : px == null && f != null ? "XPIXSZ (µm)" : "FOCALLEN and XPIXSZ";
        return "no pointing (RA/DEC or OBJCTRA/OBJCTDEC) and no pixel scale (" + scale + ") in it to guide a plate solve (add "
                + add + ", or RA/DEC, or plate-solve it first with ASTAP or solve-field)";
    }

    /**
     * The frames placed (input order) and those that could not be, with the reason. {@code pixels}:
     * not null when the frames were registered in the pixels of one of them, not on the sky
     * ({@link #inReferencePixels}): their WCS are stand-ins that must never be written.
     */
    public record Result(List<FitsFrame> frames, List<FrameScanner.Problem> unplaced, int solves, int registered, int cached,
                         InPixels pixels) {
        /** Frames placed on the sky (or none placed). */
        public Result(List<FitsFrame> frames, List<FrameScanner.Problem> unplaced, int solves, int registered, int cached) {
            this(frames, unplaced, solves, registered, cached, null);
        }
    }

    /**
     * Frames registered in the pixels of {@code reference} (the frame they were registered on)
     * because none could be placed on the sky, {@code why} (the reasons, without the frame names).
     */
    public record InPixels(String reference, String why) {}

    private final Solvers.Choice solver;
    private final FrameAligner aligner;
    private final WcsCache cache;
    private final double radiusDeg;
    private final boolean force;
    private final int workers;
    /** A stack's frames registered in the pixels of one of them when none can be placed on the sky. */
    private final boolean pixelsWithoutSky;
    /** The groups whose WCS are in the cache already (a {@link Work} may hand each over as it settles). */
    private final Set<RawGroups.Group> cachedGroups = ConcurrentHashMap.newKeySet();

    /** @param workers frames registered at once */
    public RawFrameAstrometry(Solvers.Choice solver, FrameAligner aligner, WcsCache cache, double radiusDeg, boolean force,
                              int workers) {
        this(solver, aligner, cache, radiusDeg, force, workers, false);
    }

    private RawFrameAstrometry(Solvers.Choice solver, FrameAligner aligner, WcsCache cache, double radiusDeg, boolean force,
                               int workers, boolean pixelsWithoutSky) {
        this.pixelsWithoutSky = pixelsWithoutSky;
        this.workers = workers;
        this.solver = solver;
        this.aligner = aligner;
        this.cache = cache;
        this.radiusDeg = radiusDeg;
        this.force = force;
    }

    /** The stage as a mosaic run configures it: solver from the config, cache in {@code outputDir}. */
    public static RawFrameAstrometry fromConfig(Config cfg, FrameAligner aligner, Path outputDir) {
        return new RawFrameAstrometry(Solvers.fromConfig(cfg), aligner, new WcsCache(outputDir),
                cfg.getDouble(Solvers.KEY_RADIUS), cfg.getBoolean(Solvers.KEY_FORCE), ResourcePlan.fromRuntime(cfg).workers());
    }

    /**
     * The same stage for a stack ({@code tessera stack}): when no frame can be placed on the sky,
     * the frames are registered in the pixels of one of them instead of all being left out
     * (Siril's registration without astrometry). A mosaic never does this: frames without a place
     * on the sky cannot be put side by side.
     */
    public RawFrameAstrometry inReferencePixels() {
        return new RawFrameAstrometry(solver, aligner, cache, radiusDeg, force, workers, true);
    }

    /** True when some frame needs this stage (no WCS, or re-solving forced). */
    public static boolean needed(List<FitsFrame> frames, Config cfg) {
        return cfg.getBoolean(Solvers.KEY_FORCE) ? !frames.isEmpty() : frames.stream().anyMatch(f -> !f.hasWcs());
    }

    /** What one call of {@link #place} has found so far. */
    private static final class Run {
        final Map<FitsFrame, FitsFrame> placed = new HashMap<>();
        final List<FrameScanner.Problem> unplaced = new ArrayList<>();
        int solves, registered;

        void leaveOut(FitsFrame f, String why) {
            unplaced.add(new FrameScanner.Problem(f.path(), noWcs(f) + why));
        }
    }

    public Result place(List<FitsFrame> frames, Progress progress) throws InterruptedException {
        return place(frames, progress, Work.LOCAL);
    }

    /**
     * A group's solved reference: the frame plate-solved and its WCS, or (frame null) none, with
     * the failed attempts ("name: why") and the number of solves run.
     */
    public record Reference(FitsFrame frame, FitsWcs wcs, List<String> failures, int solves) {}

    /** One frame to register on its group's solved reference. */
    public record Pair(FitsFrame reference, FitsFrame moving) {}

    /**
     * A group's outcome: its reference (solved, or why not) and, when solved, the registrations of
     * the group's other frames on it, in the group's order ({@link #others}).
     */
    public record GroupOutcome(Reference reference, List<Registration> registrations) {}

    /**
     * Where the heavy work of {@link #place} runs: the reference solves of the groups and the
     * registrations of their other frames, on this machine ({@link #LOCAL}) or as a cluster's tasks
     * (the Spark module), each task calling {@link #solveReference} or the stage's
     * {@link #aligner()}. The caching, the composition of the WCS and the report stay in
     * {@link #place}, so a frame is placed, or left out with its reason, alike either way.
     */
    public interface Work {
        /** Each group's {@link #solveReference}, in the order of {@code groups}. */
        List<Reference> solve(RawFrameAstrometry stage, List<RawGroups.Group> groups, Progress progress)
                throws InterruptedException;

        /** Each pair's registration (moving → reference), in the order of {@code pairs}; a failure is a failed registration. */
        List<Registration> register(RawFrameAstrometry stage, List<Pair> pairs, Progress progress) throws InterruptedException;

        /**
         * Each group's outcome, in the order of {@code groups}: by default the solves, then the
         * registrations on the solved references ({@link #LOCAL} overlaps the two).
         */
        default List<GroupOutcome> placeGroups(RawFrameAstrometry stage, List<RawGroups.Group> groups, Progress progress)
                throws InterruptedException {
            double share = solveShare(groups);
            List<Reference> refs = solve(stage, groups, progress.sub(0, share));
            List<Pair> pairs = new ArrayList<>();
            for (int k = 0; k < groups.size(); k++) {
                FitsFrame ref = refs.get(k).frame();
                if (ref != null) for (FitsFrame f : others(groups.get(k), ref)) pairs.add(new Pair(ref, f));
            }
            List<Registration> regs = register(stage, pairs, progress.sub(share, 1));
            List<GroupOutcome> out = new ArrayList<>();
            int i = 0;
            for (int k = 0; k < groups.size(); k++) {
                int n = refs.get(k).frame() == null ? 0 : groups.get(k).frames().size() - 1;
                out.add(new GroupOutcome(refs.get(k), List.copyOf(regs.subList(i, i + n))));
                i += n;
            }
            return out;
        }

        /**
         * This machine: the groups' reference solves on a small pool of their own, overlapped with
         * the registrations of the groups' frames on the worker threads ({@link LocalPlacement}).
         */
        Work LOCAL = LocalPlacement.INSTANCE;
    }

    /**
     * The share of Phase 1's bar for the groups' solves, the rest for the registrations, by their
     * estimated work ({@link WorkCosts#solveShare}): a solve each, and the frames other than the
     * reference registered, by their pixels (a group's mean frame for the reference not yet chosen).
     * A night of one pointing is nearly all registrations; many short groups mostly solves.
     */
    public static double solveShare(List<RawGroups.Group> groups) {
        double mpx = 0;
        for (RawGroups.Group g : groups) {
            double sum = 0;
            for (FitsFrame f : g.frames()) sum += (double) f.width() * f.height() / 1e6;
            mpx += g.frames().isEmpty() ? 0 : sum * (g.frames().size() - 1) / g.frames().size();
        }
        return WorkCosts.solveShare(groups.size(), mpx);
    }

    /** The frames of {@code g} other than {@code reference}, in the group's order: those registered on it. */
    public static List<FitsFrame> others(RawGroups.Group g, FitsFrame reference) {
        List<FitsFrame> out = new ArrayList<>();
        for (FitsFrame f : g.frames()) if (f != reference) out.add(f);
        return out;
    }

    /** Frames registered at once (the local work's threads). */
    int workers() {
        return workers;
    }

    /** How this stage registers a frame on its reference (a cluster task's entry point). */
    public FrameAligner aligner() {
        return aligner;
    }

    /** As {@link #place(List, Progress)}, with the solves and registrations run by {@code work}. */
    public Result place(List<FitsFrame> frames, Progress progress, Work work) throws InterruptedException {
        Map<FitsFrame, FitsFrame> known = new HashMap<>();
        List<FitsFrame> todo = new ArrayList<>();
        int cached = 0;
        for (FitsFrame f : frames) {
            if (f.hasWcs() && !force) {
                known.put(f, f);
                continue;
            }
            WcsCache.Entry e = cache.lookup(f.path());
            if (e != null) {
                known.put(f, f.withWcs(e.wcs()));
                cached++;
                LOG.info("[SOLVE] " + f.name() + ": WCS from " + WcsCache.DIR + "/ (" + e.how() + ")");
            } else {
                todo.add(f);
            }
        }
        sayBrokenWcs(todo);
        Run run = new Run();
        run.placed.putAll(known);
        // A stack none of whose frames has a place on the sky yet: maybe in the pixels of one of them.
        boolean skyless = pixelsWithoutSky && known.isEmpty() && !frames.isEmpty() && frames.stream().noneMatch(FitsFrame::hasWcs);
        if (!todo.isEmpty() && solver.solver() == null) {
            if (!skyless) LOG.warning("[SOLVE] " + todo.size() + " frame(s) without WCS cannot be placed: " + solver.unavailable());
            for (FitsFrame f : todo) run.leaveOut(f, solver.unavailable());
            todo.clear();
        }
        List<RawGroups.Group> groups = RawGroups.group(todo, radiusDeg);
        if (!todo.isEmpty())
            LOG.info(String.format(Locale.ROOT, "[SOLVE] %d frame(s) to place in %d group(s) with %s (%d already placed, %d from the cache)",
                    todo.size(), groups.size(), solver.solver().name(), frames.size() - todo.size() - cached, cached));
        List<RawGroups.Group> guided = new ArrayList<>();
        for (RawGroups.Group g : groups) {
            LOG.info("[SOLVE] " + g);
            if (!g.hints().hasPosition() && !g.hints().hasScale()) {
                // A fully blind solve takes the whole timeout to fail on most fields: not worth it per run.
                for (FitsFrame f : g.frames()) run.leaveOut(f, unguided(f.keys()));
            } else {
                guided.add(g);
            }
        }
        // Each group's reference, and the other frames registered on it, then placed.
        // One bar that never moves back, for the solves and registrations and, after them, the
        // registrations in pixels when no group found its place on the sky.
        Progress bar = progress.forwardOnly();
        List<GroupOutcome> outcomes = work.placeGroups(this, guided, bar);
        // A stack none of whose frames has a place on the sky: in the pixels of one of them instead.
        boolean inPixels = skyless && outcomes.stream().allMatch(o -> o.reference().frame() == null);
        for (int k = 0; k < guided.size(); k++) {
            RawGroups.Group g = guided.get(k);
            Reference r = outcomes.get(k).reference();
            run.solves += r.solves();
            if (r.frame() == null) {
                String why = String.format(Locale.ROOT, "group %d unsolved: plate solving failed on %d frame(s) (%s)",
                        g.id(), r.failures().size(), String.join("; ", r.failures()));
                if (!inPixels) // else the one warning of the pixel registration gives the reason
                    LOG.warning("[SOLVE] " + g + ": unsolved, its frames are left out: " + String.join("; ", r.failures()));
                for (FitsFrame f : g.frames()) run.leaveOut(f, why);
                continue;
            }
            settled(g, outcomes.get(k)); // cached already when the work handed it over as it settled
            run.placed.put(r.frame(), r.frame().withWcs(r.wcs()));
        }
        for (int k = 0; k < guided.size(); k++) {
            Reference r = outcomes.get(k).reference();
            if (r.frame() == null) continue;
            FitsFrame ref = r.frame();
            List<FitsFrame> moving = others(guided.get(k), ref);
            for (int i = 0; i < moving.size(); i++) {
                FitsFrame f = moving.get(i);
                Registration a = outcomes.get(k).registrations().get(i);
                if (!a.ok()) {
                    LOG.warning("[SOLVE] " + f.name() + ": cannot be registered on " + ref.name() + ": " + a.failure());
                    run.leaveOut(f, "cannot be registered on its group's reference " + ref.name() + ": " + a.failure());
                    continue;
                }
                FitsWcs w = registeredWcs(r, a);
                String how = registeredOn(ref, a);
                run.placed.put(f, f.withWcs(w));
                run.registered++;
                LOG.info("[SOLVE] " + f.name() + ": " + how);
            }
        }
        if (inPixels) return placeInPixels(frames, run, bar, work);
        List<FitsFrame> out = new ArrayList<>();
        for (FitsFrame f : frames) if (run.placed.containsKey(f)) out.add(run.placed.get(f));
        List<FrameScanner.Problem> unplaced = new ArrayList<>(run.unplaced);
        unplaced.sort(Comparator.comparing(p -> p.file().toString()));
        for (FrameScanner.Problem p : unplaced) org.tessera.SkipNotice.warn(LOG, "[SOLVE] skipped " + p.file() + ": " + p.reason());
        if (!todo.isEmpty() || cached > 0)
            LOG.info(String.format(Locale.ROOT, "[SOLVE] %d of %d frame(s) placed: %d plate solve(s), %d registered, %d from the cache, %d left out",
                    out.size(), frames.size(), run.solves, run.registered, cached, unplaced.size()));
        progress.update(1, out.size() + " frame(s) placed");
        return new Result(out, unplaced, run.solves, run.registered, cached);
    }

    /**
     * A stack's frames none of which could be placed on the sky ({@code run.unplaced}: each with
     * why), registered in the pixels of one of them as a group is on its solved reference: the
     * reference is the middle of the largest session ({@link RawGroups.Group#referenceOrder}, the
     * frame a solve would try first), it gets the stand-in WCS {@link #standIn}, every other frame
     * is registered on it by the stage's aligner ({@code work}) and gets the stand-in composed with
     * its registration; a frame whose registration fails is left out with the reason. Nothing goes
     * to the cache: a stand-in is no sky position, a later mosaic must not take it for one.
     */
    private Result placeInPixels(List<FitsFrame> frames, Run run, Progress progress, Work work) throws InterruptedException {
        // The reasons why nothing is on the sky, once each (every frame of a night usually has the same).
        java.util.LinkedHashSet<String> reasons = new java.util.LinkedHashSet<>();
        for (FrameScanner.Problem p : run.unplaced) reasons.add(p.reason().replaceFirst("^no celestial WCS in the header; ", ""));
        String why = "no celestial WCS in the header and no sky solution: " + String.join("; ", reasons);
        RawGroups.Group largest = null;
        for (RawGroups.Group g : RawGroups.group(frames, radiusDeg))
            if (largest == null || g.frames().size() > largest.frames().size()) largest = g;
        FitsFrame ref = largest.referenceOrder().get(0);
        FitsWcs stand = standIn(ref);
        List<Pair> pairs = new ArrayList<>();
        for (FitsFrame f : frames) if (f != ref) pairs.add(new Pair(ref, f));
        List<Registration> regs = work.register(this, pairs, progress);
        Map<FitsFrame, FitsFrame> placed = new HashMap<>();
        placed.put(ref, ref.withWcs(stand));
        List<FrameScanner.Problem> unplaced = new ArrayList<>();
        int byArea = 0, turned = 0;
        for (int i = 0; i < pairs.size(); i++) {
            FitsFrame f = pairs.get(i).moving();
            Registration a = regs.get(i);
            if (!a.ok()) {
                LOG.warning("[SOLVE] " + f.name() + ": cannot be registered on " + ref.name() + ": " + a.failure());
                unplaced.add(new FrameScanner.Problem(f.path(), noWcs(f) + "no sky solution, and cannot be registered on "
                        + ref.name() + " (the registration reference): " + a.failure()));
                continue;
            }
            placed.put(f, f.withWcs(stand.withPixelTransform(a.transform().matrix())));
            if (a.method() == Registration.Method.AREA_CORRELATION) {
                byArea++;
                if (a.transform().rotationDeg() != 0) turned++;
            }
            LOG.info("[SOLVE] " + f.name() + ": " + registeredOn(ref, a));
        }
        List<FitsFrame> out = new ArrayList<>();
        for (FitsFrame f : frames) if (placed.containsKey(f)) out.add(placed.get(f));
        unplaced.sort(Comparator.comparing(p -> p.file().toString()));
        for (FrameScanner.Problem p : unplaced) org.tessera.SkipNotice.warn(LOG, "[SOLVE] skipped " + p.file() + ": " + p.reason());
        String areaKind = turned == 0 ? "translation only"
                : turned == byArea ? "turned by the field rotation first" : turned + " turned by the field rotation first";
        String how = byArea == 0 ? "by their stars"
                : byArea == out.size() - 1 ? "by area correlation (" + areaKind + ")"
                : "by their stars (" + byArea + " by area correlation, " + areaKind + ")";
        // The reference counts among the frames stacked, not among those registered on it.
        // ref is the frame registered on, not the stack's grid frame (MT_REF, the central one, named by the
        // "[P3] master tile written without WCS" line): with an even count they differ, so it is not called that.
        LOG.warning(String.format(Locale.ROOT, "[SOLVE] %s: %d of %d frame(s) stacked in pixels, not on the sky: the "
                + "other %d registered %s on %s (the registration reference); the stack has no WCS", why, out.size(),
                frames.size(), out.size() - 1, how, ref.name()));
        progress.update(1, out.size() + " frame(s) registered");
        return new Result(out, unplaced, run.solves, out.size() - 1, 0, new InPixels(ref.name(), why));
    }

    /**
     * Keeps a settled group's WCS in the cache of the output folder: its solved reference and each
     * frame registered on it. A {@link Work} calls it as each group settles, so that a run stopped
     * in Phase 1 (Ctrl-C, kill, a power cut) leaves the solves it finished for the rerun, which
     * places those frames from the cache with the very WCS this run gave them; {@link #place}
     * calls it for the groups a work did not hand over. Once per group; a group without solution
     * leaves nothing.
     */
    public void settled(RawGroups.Group g, GroupOutcome o) {
        Reference r = o.reference();
        if (r.frame() == null || !cachedGroups.add(g)) return;
        cache.store(r.frame().path(), r.wcs(), solver.solver().name());
        List<FitsFrame> moving = others(g, r.frame());
        for (int i = 0; i < moving.size(); i++) {
            Registration a = o.registrations().get(i);
            if (a.ok()) cache.store(moving.get(i).path(), registeredWcs(r, a), registeredOn(r.frame(), a));
        }
    }

    /** A registered frame's WCS: its reference's solution composed with the registration. */
    private static FitsWcs registeredWcs(Reference r, Registration a) {
        return r.wcs().withPixelTransform(a.transform().matrix());
    }

    /**
     * How a frame was registered on {@code ref}, for the log and the cache ("registered on NAME: triangles, rms …";
     * "registered on NAME: area correlation, shift (dx, dy) px, peak S/N …, translation only").
     */
    private static String registeredOn(FitsFrame ref, Registration a) {
        if (a.method() == Registration.Method.AREA_CORRELATION) // no stars: the shift and how sure it is
            return "registered on " + ref.name() + ": " + a.areaSummary();
        return String.format(Locale.ROOT, "registered on %s: %s, rms %.2f px, %d stars, rotation %.2f°", ref.name(),
                a.method().name().toLowerCase(Locale.ROOT).replace('_', ' '), a.rmsPx(), a.matchedStars(), a.transform().rotationDeg());
    }

    /**
     * The stand-in WCS of a stack's reference frame when there is no sky solution: a TAN grid of
     * 1″ pixels centred on (0°, 0°). It stands for "the reference's pixels" only, so that the
     * registrations compose with it and the stack is made by the same code as on the sky; any
     * scale and place would do (a tile's grid is that of its reference frame, whatever its WCS).
     */
    public static FitsWcs standIn(FitsFrame reference) {
        double s = 1.0 / 3600;
        return new FitsWcs(org.tessera.wcs.Projections.TAN, (reference.width() + 1) / 2.0, (reference.height() + 1) / 2.0, 0, 0,
                -s, 0, 0, s);
    }

    /**
     * One group's reference: its frames tried in {@link RawGroups.Group#referenceOrder} until one
     * plate-solves (at most {@value #MAX_SOLVE_ATTEMPTS}; one for a group without pointing).
     */
    public Reference solveReference(RawGroups.Group g) throws InterruptedException {
        return solveReference(g, LOG::info);
    }

    /** As {@link #solveReference(RawGroups.Group)}, each attempt's {@code [SOLVE]} line given to {@code log}. */
    Reference solveReference(RawGroups.Group g, Consumer<String> log) throws InterruptedException {
        if (solver.solver() == null) return new Reference(null, null, List.of(solver.unavailable()), 0);
        List<String> failures = new ArrayList<>();
        int solves = 0;
        // A solve without pointing that fails says the field is out of the solver's reach; the
        // group's other frames would fail the same way, slowly.
        int attempts = g.hints().hasPosition() ? MAX_SOLVE_ATTEMPTS : 1;
        for (FitsFrame cand : g.referenceOrder()) {
            if (failures.size() == attempts) break;
            Solution s = solve(cand, g.hints());
            solves++;
            log.accept("[SOLVE] " + cand.name() + ": " + solver.solver().name() + " " + s.describe(cand.width(), cand.height()));
            if (s.ok()) return new Reference(cand, s.wcs(), List.copyOf(failures), solves);
            failures.add(cand.name() + ": " + s.failure());
        }
        return new Reference(null, null, List.copyOf(failures), solves);
    }

    /** The start of a left-out frame's reason: why it needed placing at all. */
    private static String noWcs(FitsFrame f) {
        if (f.hasWcs()) return "re-solving forced (force_resolve_existing_wcs); ";
        String broken = f.brokenWcs();
        return broken != null ? "the WCS in the header is not usable (" + broken + "); " : "no celestial WCS in the header; ";
    }

    /**
     * One line for the frames to place whose header has WCS cards that are not usable: they were
     * solved or registered like raw frames without a word, so a damaged or hand-edited WCS went
     * unnoticed. Up to three named with the reason, one line per run (a camera that writes partial
     * WCS cards into every frame would otherwise fill the console).
     */
    private static void sayBrokenWcs(List<FitsFrame> todo) {
        List<String> named = new ArrayList<>();
        int n = 0;
        for (FitsFrame f : todo) {
            String broken = f.brokenWcs();
            if (broken == null) continue;
            if (n++ < 3) named.add(f.name() + " (" + broken + ")");
        }
        if (n > 0)
            LOG.warning("[SOLVE] " + n + " frame(s) with WCS cards that are not usable, placed like frames without WCS: "
                    + String.join(", ", named) + (n > 3 ? ", …" : ""));
    }

    /** One solve in a fresh temporary folder, removed afterwards. */
    private Solution solve(FitsFrame f, SolveHints groupHints) throws InterruptedException {
        SolveHints h = SolveHints.fromKeys(f.keys(), f.width(), f.height(), radiusDeg);
        if (!h.hasPosition() && groupHints.hasPosition()) h = groupHints;
        Path dir = null;
        try {
            dir = SolverScratch.newFolder();
            return solver.solver().solve(SolveImage.forSolver(f, dir), h, dir);
        } catch (IOException e) {
            return Solution.failed("cannot prepare the solve: " + e.getMessage(), 0);
        } finally {
            if (dir != null) SolverScratch.remove(dir);
        }
    }
}

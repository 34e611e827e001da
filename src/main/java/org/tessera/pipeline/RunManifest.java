package org.tessera.pipeline;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.logging.Logger;
import java.util.stream.Stream;
import java.util.zip.CRC32;

import org.tessera.config.Config;
import org.tessera.config.ConfigCompat;
import org.tessera.config.ConfigKeys;
import org.tessera.config.Json;
import org.tessera.grid.GridInputs;
import org.tessera.grid.GridLayout;
import org.tessera.grid.GridMode;
import org.tessera.io.AtomicFiles;
import org.tessera.io.FitsFrame;
import org.tessera.io.Frame;
import org.tessera.io.FrameSelection;
import org.tessera.io.PreviousRun;
import org.tessera.sds.SdsMode;
import org.tessera.stack.SpooledSource;
import org.tessera.tiles.FrameGroup;
import org.tessera.wcs.WcsCards;
import org.tessera.wcs.WcsGrid;

/**
 * What a run in an output folder has made so far, kept in {@code tessera-run.json} there, so that a
 * rerun after a crash, a cancel or {@code kill -9} reuses every finished piece and never mixes files
 * of an earlier, different run with its own (the original's {@code resume}). The pieces are a
 * mode's intermediate files ({@link Pieces}): Classic's master tiles, SDS mode's mega-tiles, Grid
 * mode's tiles (one manifest per mount's folder); one mechanism for all three.
 * <p>
 * The manifest holds the mode, the inputs (path, size, modification time), the settings that change
 * a piece, what else the pieces depend on (SDS: the global grid), each finished piece with its
 * frames, their WCS (CRC-32 of the cards), its files' sizes and CRC-32, and whether the run
 * completed (then with every setting, so that an unchanged rerun knows its mosaic is current). It
 * is rewritten after each piece through a temp file and an atomic rename, so a killed run leaves
 * either the old or the new manifest, never half of one.
 * <p>
 * {@link #begin} compares the manifest left in the folder with this run. {@code resume=auto} and
 * the same mode, inputs, piece settings and context: each piece whose frames and their WCS are the
 * same and whose files still have the recorded size and CRC-32 is reused (one line each), the
 * others are made again (a piece's file that the earlier run wrote but had not yet recorded, or
 * that changed since, is this run's own: removed, never moved aside). Anything else (a different
 * run, no manifest, {@code resume=off}): the pieces and mosaic files found there are stale and are moved into {@code previous-run/}
 * (replacing an older one) before any work, so nothing of another run can pass for this run's
 * output. The mosaic files of a completed run with every setting the same are left in place (the
 * new ones replace them when complete); any other mosaic files are moved aside too.
 */
public final class RunManifest {

    private static final Logger LOG = Logger.getLogger("org.tessera.pipeline");

    public static final String FILE = "tessera-run.json";
    /** Where stale outputs of an earlier, different run are moved. */
    public static final String PREVIOUS = PreviousRun.FOLDER;
    static final int FORMAT = 1;
    /** How frames without a WCS are placed (Phase 1): changes every piece's geometry. */
    private static final List<String> PLACEMENT_KEYS = List.of("hot_pixel_correction", "solver_", "astap_",
            "astrometry_net_", "force_resolve_existing_wcs");
    /** Keys that change a master tile: Phase 2 grouping, the stack core, the ALT-AZ cleanup, Phase 1. */
    static final List<String> TILE_KEY_PREFIXES = concat(List.of("stacking_", "apply_radial_weight", "radial_", "cluster_",
            "max_raw_per_master_tile", "auto_limit_frames_per_master_tile", "altaz_"), PLACEMENT_KEYS);
    /**
     * Keys that change an SDS mega-tile: the global grid, the batches, the Phase 5 coadd of a batch,
     * the frames' demosaic (the one {@code stacking_} key a mega-tile reads), Phase 1. Not the combine of the mega-tiles, the coverage cut, the crop, DBE or preview: a
     * rerun that changes only those reuses the mega-tiles and redoes the combine.
     */
    static final List<String> MEGA_TILE_KEY_PREFIXES = concat(List.of("global_wcs_pixelscale_mode", "global_wcs_res_override",
            "global_wcs_padding_percent", "global_wcs_orientation", "sds_coverage_threshold", "sds_min_batch_size",
            "sds_target_batch_size", "apply_master_tile_crop", "master_tile_crop_percent", "match_background_",
            "intertile_", "two_pass_", "enable_tile_weighting", "phase5_alpha_weight_floor", "reproject_kernel",
            "stacking_demosaic"), PLACEMENT_KEYS);
    /**
     * Keys that change a Grid tile: the raster, the stack core (and the frames' reading: hot pixels,
     * demosaic), the ALT-AZ gating of the frames.
     */
    static final List<String> GRID_TILE_KEY_PREFIXES = List.of("stacking_", "grid_size_factor", "batch_overlap_pct", "altaz_",
            "hot_pixel_correction");
    /** Keys that change nothing in the outputs: workers, memory and GPU use, resume itself. */
    static final List<String> NEUTRAL_KEY_PREFIXES = List.of("num_processing_workers", "grid_workers", "resume",
            "use_gpu_", "stack_use_gpu", "phase5_chunk_", "phase5_vram_", "gpu_id_phase5", "gpu_simulate",
            "allow_cpu_fallback");

    /**
     * The intermediate files of a mode that a rerun may reuse, in a folder of their own.
     *
     * @param mode        the mode's name in the manifest (a manifest of another mode is a different run)
     * @param folder      their folder in the output folder
     * @param tag         the log tag of their lines ({@code [P3]}, {@code [SDS]})
     * @param noun        what one is called in the log ("master tile", "mega-tile")
     * @param glob        the names of their files in the folder (what is stale when not this run's)
     * @param keyPrefixes the settings that change one
     * @param outputs     the mosaic files made from them (modes of the same outputs share a folder's
     *                    layout: a run of one sets aside the other's pieces)
     * @param anyName     whether files of other programs may match {@code glob} (Grid's {@code tile_*.fits}):
     *                    then only files Tessera wrote are set aside as stale
     */
    public record Pieces(String mode, String folder, String tag, String noun, String glob, List<String> keyPrefixes,
                         List<String> outputs, boolean anyName) {}

    private static final List<String> MOSAIC_FILES = List.of(MosaicPipeline.MOSAIC, MosaicPipeline.COVERAGE, MosaicPipeline.PREVIEW);
    /** Classic mode's master tiles, {@code master_tiles/master_tile_NNN.fits}. */
    public static final Pieces MASTER_TILES = new Pieces("classic", MosaicPipeline.TILES_DIR, "[P3]", "master tile", "master_tile_*.fits",
            TILE_KEY_PREFIXES, MOSAIC_FILES, false);
    /** SDS mode's mega-tiles, {@code sds_megatiles/megatile_NNN.fits} and their coverage files. */
    public static final Pieces MEGA_TILES = new Pieces("sds", SdsMode.WORK_DIR, "[SDS]", "mega-tile", "megatile_*.fits",
            MEGA_TILE_KEY_PREFIXES, MOSAIC_FILES, false);
    /** Grid mode's tiles of one mount's part, {@code tiles/tile_NNNN.fits}, beside its {@code mosaic_grid.fits}. */
    public static final Pieces GRID_TILES = new Pieces("grid", GridMode.TILES_DIR, "[GRID]", "Grid tile", "tile_*.fits",
            GRID_TILE_KEY_PREFIXES, GridMode.NAMES.all(), true);
    private static final List<Pieces> KINDS = List.of(MASTER_TILES, MEGA_TILES, GRID_TILES);

    /**
     * One piece this run makes: its id, the frames it is made of and its files in the pieces'
     * folder (the first is the piece itself; the others, e.g. its coverage, belong to it).
     */
    public record Unit(int id, List<? extends Frame> frames, List<String> files) {
        public Unit {
            frames = List.copyOf(frames);
            files = List.copyOf(files);
        }
    }

    /**
     * A piece of the earlier run that this run takes as it is; {@code file} is its first file;
     * {@code note}: what the run recorded with it ({@link #done(int, boolean, Object)}), or null.
     */
    public record Reused(int id, Path file, boolean empty, Object note) {}

    private final Path manifest;
    private final Path dir;
    private final Map<String, Object> state;
    private final Map<String, Object> tiles;
    private final Map<String, Object> allSettings;
    private final Map<Integer, Reused> reused;
    private final Map<Integer, Unit> units;
    private final Map<Integer, Map<String, Object>> identity;

    private RunManifest(Path manifest, Path dir, Map<String, Object> state, Map<String, Object> allSettings,
                        Map<Integer, Reused> reused, Map<Integer, Unit> units, Map<Integer, Map<String, Object>> identity) {
        this.manifest = manifest;
        this.dir = dir;
        this.state = state;
        @SuppressWarnings("unchecked") Map<String, Object> t = (Map<String, Object>) state.get("tiles");
        this.tiles = t;
        this.allSettings = allSettings;
        this.reused = reused;
        this.units = units;
        this.identity = identity;
    }

    /**
     * Opens a Classic run in {@code outputDir}: its master tiles (one per group) in {@code tilesDir};
     * see {@link #begin(Path, Path, Pieces, List, Map, Config)}.
     */
    public static RunManifest begin(Path outputDir, Path tilesDir, List<FrameGroup> groups, Config config)
            throws IOException {
        List<Unit> units = new ArrayList<>();
        java.util.SortedSet<Double> mixed = new java.util.TreeSet<>();
        for (FrameGroup g : groups) {
            units.add(new Unit(g.id(), g.frames(), List.of(tileName(g.id()))));
            java.util.SortedSet<Double> own = exposures(g.frames());
            if (own.size() > 1) mixed.addAll(own);
        }
        // A master tile of frames of other exposures says its unit since 2026-12-07 (EXPTIME, the
        // stack's reference's): one an earlier run made has none and keeps the exposure prior off,
        // so a run with such a group records it, and a manifest without it reuses no tile.
        Map<String, Object> ctx = mixed.isEmpty() ? Map.of()
                : Map.of("exposures", "tiles of several exposures in their reference's unit: " + mixed + " s");
        return begin(outputDir, tilesDir, MASTER_TILES, units, ctx, config);
    }

    /** The distinct exposures (s) of {@code frames} ({@code EXPTIME} or {@code EXPOSURE}), those that give none left out. */
    private static java.util.SortedSet<Double> exposures(List<? extends Frame> frames) {
        java.util.SortedSet<Double> out = new java.util.TreeSet<>();
        for (Frame f : frames) {
            double e = org.tessera.reproject.MosaicProvenance.commonExposure(List.of(f));
            if (Double.isFinite(e)) out.add(e);
        }
        return out;
    }

    /**
     * Opens this run in {@code outputDir}: decides which of {@code units} an earlier run left
     * finished and valid in {@code dir}, moves the stale files aside and writes the manifest of
     * this run (no piece yet beyond the reused ones).
     *
     * @param context what every piece depends on beyond its frames and the settings (SDS: the
     *                global grid), as text; a change makes every piece stale
     */
    public static RunManifest begin(Path outputDir, Path dir, Pieces kind, List<Unit> units, Map<String, Object> context,
                                    Config config) throws IOException {
        Path file = outputDir.resolve(FILE);
        Map<String, Object> old = read(file, kind);
        boolean resume = !"off".equalsIgnoreCase(String.valueOf(config.get("resume")).trim());
        Map<Integer, Unit> byId = new TreeMap<>();
        Map<Integer, Map<String, Object>> identity = new TreeMap<>();
        List<Frame> all = new ArrayList<>();
        for (Unit u : units) {
            byId.put(u.id(), u);
            identity.put(u.id(), identity(u));
            all.addAll(u.frames());
        }
        Map<String, Object> inputs = inputs(all);
        Map<String, Object> pieceSettings = settings(config, kind.keyPrefixes()), allSettings = settings(config, null);
        Map<String, Object> ctx = new TreeMap<>(context);

        boolean samePieces = old != null && kind.mode().equals(modeOf(old)) && inputs.equals(old.get("inputs"))
                && pieceSettings.equals(old.get("tile_settings"))
                && (ctx.isEmpty() ? old.get("context") == null : ctx.equals(old.get("context")));
        boolean sameMosaic = samePieces && Boolean.TRUE.equals(old.get("complete")) && allSettings.equals(old.get("settings"));
        Map<Integer, Reused> reused = new TreeMap<>();
        List<Path> stale = new ArrayList<>();
        Set<Path> keep = new HashSet<>();
        Map<String, Object> tiles = new TreeMap<>();
        // This run's own pieces that the earlier run of the same pieces left unverified: written but
        // not yet recorded when it was stopped, or changed since. They are made again under the same
        // names; moving them aside would replace the previous-run/ of a really different run.
        Set<Path> own = new HashSet<>();
        if (resume && samePieces) {
            @SuppressWarnings("unchecked") Map<String, Object> was = old.get("tiles") instanceof Map<?, ?> m
                    ? (Map<String, Object>) m : Map.of();
            for (Unit u : byId.values()) {
                String name = u.files().get(0);
                Map<?, ?> entry = was.get(name) instanceof Map<?, ?> m ? m : null;
                if (entry != null && !sameIdentity(identity.get(u.id()), entry)) continue; // of other WCS: stale
                String why = entry == null ? "not recorded as finished" : verify(dir, u, entry);
                if (why != null) {
                    List<Path> there = new ArrayList<>();
                    for (String f : u.files()) if (Files.exists(dir.resolve(f))) there.add(dir.resolve(f));
                    own.addAll(there);
                    // a recorded piece whose file is gone (deleted, moved) is named too: the user sees what is redone
                    if (!there.isEmpty() || entry != null)
                        LOG.info(kind.tag() + " " + name + " of the earlier run is made again: " + why);
                    continue;
                }
                boolean empty = Boolean.TRUE.equals(entry.get("empty"));
                reused.put(u.id(), new Reused(u.id(), dir.resolve(name), empty, entry.get("note")));
                tiles.put(name, entry);
                for (String f : u.files()) keep.add(dir.resolve(f));
                int nf = u.frames().size();
                LOG.info(String.format(Locale.ROOT, "%s %s %d reused from the earlier run: %s (%d frame%s, "
                        + "size and CRC-32 verified)", kind.tag(), kind.noun(), u.id(), name, nf, nf == 1 ? "" : "s"));
            }
            if (!reused.isEmpty())
                LOG.info(String.format(Locale.ROOT, "%s resume: %d of %d %s(s) reused, %d to make",
                        kind.tag(), reused.size(), units.size(), kind.noun(), units.size() - reused.size()));
        }
        // Files not reused: from a different run (another mode's pieces included), or unverified;
        // either way not this run's. A half-written file of a killed run (FitsImageWriter's .part)
        // is never worth keeping.
        for (Pieces k : KINDS) {
            if (!k.outputs().equals(kind.outputs())) continue; // another folder layout: not this run's business
            Path d = k.equals(kind) ? dir : outputDir.resolve(k.folder());
            if (!Files.isDirectory(d)) continue;
            try (DirectoryStream<Path> ds = Files.newDirectoryStream(d, k.glob() + ".part")) {
                for (Path p : ds) Files.deleteIfExists(p);
            }
            // a frame spool a killed JVM left (it is unlinked once open: a name here is a dead run's)
            try (DirectoryStream<Path> ds = Files.newDirectoryStream(d, SpooledSource.GLOB)) {
                for (Path p : ds) Files.deleteIfExists(p);
            }
            try (DirectoryStream<Path> ds = Files.newDirectoryStream(d, k.glob())) {
                for (Path p : ds) if (!keep.contains(p) && !own.contains(p) && (!k.anyName() || FrameSelection.writtenByTessera(p))) stale.add(p);
            }
        }
        for (Path p : own) Files.deleteIfExists(p);
        // The mosaic files of an interrupted run of the same pieces are that run's unfinished work,
        // not another run's result: this run makes them again. Moving them aside would replace the
        // previous-run/ of a really different run and warn of a "different run" that is not one.
        boolean interrupted = resume && samePieces && !Boolean.TRUE.equals(old.get("complete"));
        List<String> remade = new ArrayList<>();
        for (String n : kind.outputs()) Files.deleteIfExists(outputDir.resolve(n + ".part")); // a killed run's half file
        if (!sameMosaic)
            for (String n : kind.outputs()) {
                Path p = outputDir.resolve(n);
                if (!Files.exists(p)) continue;
                if (interrupted) {
                    Files.delete(p);
                    remade.add(n);
                } else {
                    stale.add(p);
                }
            }
        if (!remade.isEmpty())
            LOG.info(kind.tag() + " " + String.join(", ", remade) + " of the interrupted run removed: this run makes them again");
        if (!stale.isEmpty()) {
            if (!resume && samePieces) LOG.info(kind.tag() + " resume=off: starting clean");
            String why = !samePieces ? "every " + kind.noun() + " is made again: " + difference(old, kind, inputs, pieceSettings, ctx)
                    : !resume ? null : changed(old.get("settings"), allSettings);
            if (samePieces && why != null) why = "the " + kind.noun() + "s are reused, the mosaic is made again: " + why;
            moveAside(outputDir, stale, file, kind, why);
        }
        for (Pieces k : KINDS) { // another mode's folder, emptied: not this run's either
            Path d = outputDir.resolve(k.folder());
            if (!k.equals(kind) && k.outputs().equals(kind.outputs()) && Files.isDirectory(d))
                try (Stream<Path> s = Files.list(d)) {
                    if (s.findAny().isEmpty()) Files.delete(d);
                }
        }

        Map<String, Object> state = new LinkedHashMap<>();
        state.put("format", FORMAT);
        state.put("mode", kind.mode());
        state.put("complete", false);
        state.put("inputs", inputs);
        state.put("tile_settings", pieceSettings);
        if (!ctx.isEmpty()) state.put("context", ctx);
        state.put("tiles", tiles);
        if (sameMosaic) { // the mosaic there is this run's result already; a kill now leaves it current
            state.put("settings", allSettings);
            state.put("complete", true);
        }
        RunManifest m = new RunManifest(file, dir, state, allSettings, reused, byId, identity);
        m.save();
        return m;
    }

    /**
     * Opens an SDS run in {@code outputDir}: its mega-tiles (one per valid batch of {@code plan}) in
     * {@code dir}, which depend on the global grid too.
     */
    public static RunManifest begin(Path outputDir, Path dir, SdsMode.Plan plan, Config config) throws IOException {
        List<Unit> units = new ArrayList<>();
        for (int id = 1; id <= plan.batches().size(); id++)
            units.add(new Unit(id, plan.framesOf(id), SdsMode.Plan.files(id)));
        Map<String, Object> ctx = new TreeMap<>();
        ctx.put("global_grid", gridText(plan.global()));
        // Mega-tiles of frames of other exposures are put on one (since 2026-12-07): those an
        // earlier run made without it are in mixed units, so a run whose frames differ in
        // exposure records it, and a manifest without it reuses none of them.
        java.util.SortedSet<Double> exposures = exposures(plan.frames());
        if (exposures.size() > 1) ctx.put("exposures", "put on one: " + exposures + " s");
        return begin(outputDir, dir, MEGA_TILES, units, ctx, config);
    }

    /** This manifest as the store of an SDS run's mega-tiles. */
    public SdsMode.Store megaTiles() {
        return new SdsMode.Store() {
            @Override public boolean reused(int id) { return reused.containsKey(id); }
            @Override public void done(int id) throws IOException { RunManifest.this.done(id, false); }
        };
    }

    /**
     * Opens a Grid run's part in {@code dir} (the output folder, or {@code grid_EQ/}, {@code grid_ALTZ/}
     * with mixed mounts; its manifest there): its tiles in {@code tilesDir}, which depend on the
     * part's raster (global grid, tile size, step), on the stack plan's lines (their exposures
     * weigh the frames) and, where the frames differ in exposure, on the tiles saying their unit too.
     */
    public static RunManifest begin(Path dir, Path tilesDir, GridMode.PartPlan part, Path stackPlan, Config config)
            throws IOException {
        List<Unit> units = new ArrayList<>();
        GridLayout.Layout layout = part.layout();
        for (int i = 0; i < layout.tiles().size(); i++) {
            List<Frame> frames = new ArrayList<>();
            for (GridInputs.GridFrame f : part.tileFrames().get(i)) frames.add(f.frame());
            units.add(new Unit(layout.tiles().get(i).id(), frames, List.of(layout.tiles().get(i).fileName())));
        }
        Map<String, Object> ctx = new TreeMap<>();
        ctx.put("global_grid", gridText(layout.global()));
        ctx.put("raster", String.format(Locale.ROOT, "tile %d px, step %d px", layout.tileSize(), layout.step()));
        ctx.put("stack_plan", stackPlan.toAbsolutePath().normalize() + ", CRC-32 " + crc32(stackPlan));
        // A Grid tile says its unit since 2026-12-07 (EXPTIME, its stack's reference's): where the
        // part's frames differ in exposure, a tile an earlier run made has none and keeps the
        // exposure prior off, so such a part records it, and a manifest without it reuses no tile.
        java.util.SortedSet<Double> exposures = exposures(part.frames().stream().map(GridInputs.GridFrame::frame).toList());
        if (exposures.size() > 1) ctx.put("exposures", "tiles in their reference's unit: " + exposures + " s");
        return begin(dir, tilesDir, GRID_TILES, units, ctx, config);
    }

    /** A global grid as a manifest records it: its size and the CRC-32 of its WCS cards. */
    private static String gridText(WcsGrid g) throws IOException {
        CRC32 crc = new CRC32();
        crc.update(WcsCards.of(g.wcs()).getBytes(StandardCharsets.UTF_8));
        return String.format(Locale.ROOT, "%dx%d, WCS CRC-32 %08x", g.width(), g.height(), crc.getValue());
    }

    /** This manifest as the ledger of a Grid part's tiles: each tile recorded with its frames' use. */
    public GridMode.Ledger gridTiles() {
        Map<Integer, List<String>> use = new TreeMap<>();
        for (Reused r : reused.values()) {
            List<String> u = new ArrayList<>();
            if (r.note() instanceof Map<?, ?> m && m.get("frame_use") instanceof List<?> l)
                for (Object o : l) u.add(o == null ? null : String.valueOf(o));
            use.put(r.id(), java.util.Collections.unmodifiableList(u));
        }
        Map<Integer, List<String>> reusedUse = java.util.Collections.unmodifiableMap(use);
        return new GridMode.Ledger() {
            @Override public Map<Integer, List<String>> reused() { return reusedUse; }
            @Override public void done(int id, List<String> frameUse) throws IOException {
                Map<String, Object> note = new LinkedHashMap<>();
                note.put("frame_use", new ArrayList<>(frameUse));
                RunManifest.this.done(id, false, note);
            }
            @Override public void complete() throws IOException { RunManifest.this.complete(); }
        };
    }

    /** The pieces taken from the earlier run, by id. */
    public Map<Integer, Reused> reused() {
        return reused;
    }

    /** The groups whose tile still has to be made. */
    public List<FrameGroup> toBuild(List<FrameGroup> groups) {
        List<FrameGroup> out = new ArrayList<>();
        for (FrameGroup g : groups) if (!reused.containsKey(g.id())) out.add(g);
        return out;
    }

    /** Records a finished master tile (called from the tile workers as each file is complete). */
    public void tileDone(int id, Path file, boolean empty) throws IOException {
        String name = units.containsKey(id) ? units.get(id).files().get(0) : null;
        if (!file.getFileName().toString().equals(name))
            throw new IllegalArgumentException("master tile " + id + " is recorded as " + name + ", not " + file);
        done(id, empty);
    }

    /** Records a finished piece: every file of unit {@code id} is complete in the pieces' folder. */
    public void done(int id, boolean empty) throws IOException {
        done(id, empty, null);
    }

    /**
     * Records a finished piece with {@code note} (JSON-able: maps, lists, strings, numbers; null:
     * none), which a rerun that reuses it gets back in {@link Reused#note}.
     */
    public synchronized void done(int id, boolean empty, Object note) throws IOException {
        Unit u = units.get(id);
        if (u == null) throw new IllegalArgumentException("no piece " + id + " in this run");
        Map<String, Object> e = new LinkedHashMap<>(identity.get(id));
        Path first = dir.resolve(u.files().get(0));
        e.put("size", Files.size(first));
        e.put("crc32", crc32(first));
        e.put("empty", empty);
        if (note != null) e.put("note", note);
        if (u.files().size() > 1) {
            Map<String, Object> more = new TreeMap<>();
            for (String f : u.files().subList(1, u.files().size())) more.put(f, checksum(dir.resolve(f)));
            e.put("companions", more);
        }
        tiles.put(u.files().get(0), e);
        save();
    }

    /** Marks the run complete: its mosaic files are current for these settings. */
    public synchronized void complete() throws IOException {
        state.put("settings", allSettings);
        state.put("complete", true);
        save();
    }

    // ---------------------------------------------------------------- helpers

    static String tileName(int id) {
        return String.format(Locale.ROOT, "master_tile_%03d.fits", id);
    }

    private static String id(Frame f) {
        return f instanceof FitsFrame ff ? ff.path().toAbsolutePath().normalize().toString() : f.name();
    }

    /** What a piece is made of: its frames, and their WCS (solved or registered ones included). */
    private static Map<String, Object> identity(Unit u) {
        List<String> names = new ArrayList<>();
        CRC32 crc = new CRC32();
        for (Frame f : u.frames()) {
            names.add(id(f));
            String cards;
            try {
                cards = WcsCards.of(f.wcs());
            } catch (IOException | RuntimeException e) { // a WCS that has no FITS cards: its own words
                cards = String.valueOf(f.wcs());
            }
            crc.update(cards.getBytes(StandardCharsets.UTF_8));
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("frames", names);
        m.put("wcs_crc32", String.format(Locale.ROOT, "%08x", crc.getValue()));
        return m;
    }

    /** Whether a recorded piece was made of the same frames with the same WCS. */
    private static boolean sameIdentity(Map<String, Object> now, Map<?, ?> entry) {
        for (Map.Entry<String, Object> e : now.entrySet()) if (!e.getValue().equals(entry.get(e.getKey()))) return false;
        return true;
    }

    /** Every input file with its size and modification time, by absolute path. */
    private static Map<String, Object> inputs(List<Frame> frames) throws IOException {
        Map<String, Object> m = new TreeMap<>();
        for (Frame f : frames) {
            Map<String, Object> e = new LinkedHashMap<>();
            if (f instanceof FitsFrame ff) {
                BasicFileAttributes a = Files.readAttributes(ff.path(), BasicFileAttributes.class);
                e.put("size", (double) a.size());
                e.put("mtime_ms", (double) a.lastModifiedTime().toMillis());
            }
            m.put(id(f), e);
        }
        return m;
    }

    /** The documented settings that change a master tile ({@code tileOnly}) or any output, as text. */
    static Map<String, Object> settings(Config config, boolean tileOnly) {
        return settings(config, tileOnly ? TILE_KEY_PREFIXES : null);
    }

    /** The documented settings that change a piece ({@code prefixes}), or any output (null), as text. */
    static Map<String, Object> settings(Config config, List<String> prefixes) {
        Map<String, Object> m = new TreeMap<>();
        for (ConfigKeys.Key k : ConfigKeys.KEYS) {
            String n = k.name();
            if (ConfigCompat.NO_EFFECT.containsKey(n)) continue; // accepted, changes nothing (stacking_winsor_limits …)
            boolean neutral = NEUTRAL_KEY_PREFIXES.stream().anyMatch(n::startsWith);
            if (prefixes != null ? prefixes.stream().noneMatch(n::startsWith) : neutral) continue;
            m.put(n, canonical(k.defaultValue(), k.allowed().canonical(config.get(n))));
        }
        return m;
    }

    /** A setting's value as the manifest compares it: {@link ConfigKeys#valueText} (3 and 3.0 one value, the same tiles). */
    static String canonical(Object def, Object v) {
        return ConfigKeys.valueText(def, v);
    }

    /** Null when every file of the piece has the recorded size and CRC-32, else what differs. */
    private static String verify(Path dir, Unit u, Map<?, ?> entry) {
        String why = verify(dir.resolve(u.files().get(0)), entry);
        if (why != null || u.files().size() == 1) return why;
        Map<?, ?> more = entry.get("companions") instanceof Map<?, ?> m ? m : Map.of();
        for (String f : u.files().subList(1, u.files().size())) {
            if (!(more.get(f) instanceof Map<?, ?> c)) return f + " not recorded";
            why = verify(dir.resolve(f), c);
            if (why != null) return f + ": " + why;
        }
        return null;
    }

    private static String verify(Path file, Map<?, ?> entry) {
        try {
            if (!Files.isRegularFile(file)) return "file missing";
            if (!(entry.get("size") instanceof Number n) || Files.size(file) != n.longValue()) return "size differs";
            if (!crc32(file).equals(entry.get("crc32"))) return "checksum differs";
            return null;
        } catch (IOException e) {
            return "cannot be read (" + e.getMessage() + ")";
        }
    }

    private static Map<String, Object> checksum(Path file) throws IOException {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("size", Files.size(file));
        m.put("crc32", crc32(file));
        return m;
    }

    /** A manifest's mode; manifests written before SDS resume were Classic's. */
    private static String modeOf(Map<String, Object> manifest) {
        return manifest.get("mode") instanceof String m ? m : MASTER_TILES.mode();
    }

    static String crc32(Path file) throws IOException {
        CRC32 crc = new CRC32();
        byte[] buf = new byte[1 << 16];
        try (InputStream in = Files.newInputStream(file)) {
            for (int r; (r = in.read(buf)) > 0; ) crc.update(buf, 0, r);
        }
        return String.format(Locale.ROOT, "%08x", crc.getValue());
    }

    private static Map<String, Object> read(Path file, Pieces kind) {
        if (!Files.isRegularFile(file)) return null;
        try {
            Object o = Json.parse(Files.readString(file, StandardCharsets.UTF_8));
            if (o instanceof Map<?, ?> m && m.get("format") instanceof Number f && f.intValue() == FORMAT) {
                @SuppressWarnings("unchecked") Map<String, Object> map = (Map<String, Object>) m;
                return map;
            }
        } catch (IOException | RuntimeException e) {
            LOG.warning(kind.tag() + " " + file + " cannot be read (" + e.getMessage() + "): starting clean");
        }
        return null;
    }

    /** Moves {@code files} (and the old manifest) into {@code previous-run/}, replacing an older one. */
    private static void moveAside(Path outputDir, List<Path> files, Path manifest, Pieces kind, String why)
            throws IOException {
        if (Files.isRegularFile(manifest)) files = concat(files, manifest);
        Path prev = PreviousRun.moveAside(outputDir, files);
        // the pieces a run of this folder layout sets aside: "master tiles or mega-tiles", "Grid tiles"
        String pieces = String.join(" or ", KINDS.stream().filter(k -> k.outputs().equals(kind.outputs()))
                .map(k -> k.noun() + "s").toList());
        LOG.warning(String.format(Locale.ROOT, "%s %d file(s) of an earlier, different run (%s, "
                + "mosaic) moved to %s so they are not mixed with this run's%s", kind.tag(), files.size(), pieces, prev,
                why == null ? "" : "; " + why));
    }

    /** How many names a difference lists before "…". */
    private static final int NAMED = 3;

    /**
     * What makes the earlier run's pieces not this run's, in the user's terms: no manifest, the other
     * mode, frames added, removed or changed (named), piece settings changed (key: old → new), SDS's
     * global grid. A user who changed one key, or added a night, sees why every tile is made again.
     */
    static String difference(Map<String, Object> old, Pieces kind, Map<String, Object> inputs,
                             Map<String, Object> pieceSettings, Map<String, Object> ctx) {
        if (old == null) return "no readable " + FILE + " of it";
        if (!kind.mode().equals(modeOf(old)))
            return "the earlier run was in " + modeName(modeOf(old)) + " mode, this one in " + modeName(kind.mode());
        List<String> parts = new ArrayList<>();
        Map<?, ?> was = old.get("inputs") instanceof Map<?, ?> m ? m : Map.of();
        List<String> added = new ArrayList<>(), removed = new ArrayList<>(), changed = new ArrayList<>();
        for (Map.Entry<String, Object> e : inputs.entrySet()) {
            if (!was.containsKey(e.getKey())) added.add(e.getKey());
            else if (!e.getValue().equals(was.get(e.getKey()))) changed.add(e.getKey());
        }
        for (Object k : was.keySet()) if (!inputs.containsKey(String.valueOf(k))) removed.add(String.valueOf(k));
        if (!added.isEmpty()) parts.add(named(added.size() + " frame(s) added", added));
        if (!removed.isEmpty()) parts.add(named(removed.size() + " frame(s) gone", removed));
        if (!changed.isEmpty()) parts.add(named(changed.size() + " frame(s) changed (size or date)", changed));
        String keys = changed(old.get("tile_settings"), pieceSettings);
        if (keys != null) parts.add(keys);
        Object ctxWas = old.get("context");
        if (!(ctx.isEmpty() ? ctxWas == null : ctx.equals(ctxWas)))
            parts.add("the run's context differs (" + ctxWas + " -> " + (ctx.isEmpty() ? null : ctx) + ")");
        return parts.isEmpty() ? "its record differs" : String.join("; ", parts);
    }

    private static String modeName(String mode) {
        return mode.equals("sds") ? "SDS" : mode.equals("classic") ? "Classic" : mode.equals("grid") ? "Grid" : mode;
    }

    /** The settings of {@code now} whose value differs from {@code was}'s (key old -> new), or null. */
    private static String changed(Object was, Map<String, Object> now) {
        Map<?, ?> w = was instanceof Map<?, ?> m ? m : Map.of();
        List<String> keys = new ArrayList<>();
        for (Map.Entry<String, Object> e : now.entrySet())
            if (!java.util.Objects.equals(e.getValue(), w.get(e.getKey())))
                keys.add(e.getKey() + " " + w.get(e.getKey()) + " -> " + e.getValue());
        return keys.isEmpty() ? null : named("setting(s) changed", keys);
    }

    private static String named(String what, List<String> names) {
        return what + ": " + String.join(", ", names.subList(0, Math.min(NAMED, names.size())))
                + (names.size() > NAMED ? ", …" : "");
    }

    private static List<Path> concat(List<Path> a, Path b) {
        List<Path> l = new ArrayList<>(a);
        l.add(b);
        return l;
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> l = new ArrayList<>(a);
        l.addAll(b);
        return List.copyOf(l);
    }

    private synchronized void save() throws IOException {
        Path tmp = manifest.resolveSibling(FILE + ".tmp");
        Files.writeString(tmp, Json.write(state) + "\n", StandardCharsets.UTF_8);
        AtomicFiles.commit(tmp, manifest);
    }
}

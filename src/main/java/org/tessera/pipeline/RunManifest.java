package org.tessera.pipeline;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Comparator;
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
import org.tessera.config.ConfigKeys;
import org.tessera.config.Json;
import org.tessera.io.FitsFrame;
import org.tessera.io.Frame;
import org.tessera.tiles.FrameGroup;

/**
 * What a Classic run in an output folder has made so far, kept in {@code tessera-run.json} there,
 * so that a rerun after a crash or {@code kill -9} reuses every finished master tile and never
 * mixes files of an earlier, different run with its own (the original's {@code resume}).
 * <p>
 * The manifest holds the inputs (path, size, modification time), the settings that change a
 * master tile (grouping, stacking, ALT-AZ keys), each finished tile with its frames, size and
 * CRC-32, and whether the run completed (then with every setting, so that an unchanged rerun knows
 * its mosaic is current). It is rewritten after each tile through a temp file and an atomic rename,
 * so a killed run leaves either the old or the new manifest, never half of one.
 * <p>
 * {@link #begin} compares the manifest left in the folder with this run. {@code resume=auto} and
 * the same inputs and tile settings: each tile whose frames are the same and whose file still has
 * the recorded size and CRC-32 is reused (one {@code [P3]} line each), the others are made again.
 * Anything else (a different run, no manifest, {@code resume=off}): the master tiles and mosaic
 * files found there are stale and are moved into {@code previous-run/} (replacing an older one)
 * before any work, so nothing of another run can pass for this run's output. The mosaic files of
 * a completed run with every setting the same are left in place (the new ones replace them when
 * complete); any other mosaic files are moved aside too.
 */
public final class RunManifest {

    private static final Logger LOG = Logger.getLogger("org.tessera.pipeline");

    public static final String FILE = "tessera-run.json";
    /** Where stale outputs of an earlier, different run are moved. */
    public static final String PREVIOUS = "previous-run";
    static final int FORMAT = 1;
    /** Keys that change a master tile: Phase 2 grouping, the stack core, the ALT-AZ cleanup. */
    static final List<String> TILE_KEY_PREFIXES = List.of("stacking_", "apply_radial_weight", "radial_", "cluster_",
            "max_raw_per_master_tile", "auto_limit_frames_per_master_tile", "altaz_", "hot_pixel_correction",
            // how frames without a WCS are placed changes the tiles' geometry
            "solver_", "astap_", "astrometry_net_", "force_resolve_existing_wcs");
    /** Keys that change nothing in the outputs: workers, memory and GPU use, resume itself. */
    static final List<String> NEUTRAL_KEY_PREFIXES = List.of("num_processing_workers", "grid_workers", "resume",
            "use_gpu_", "stack_use_gpu", "phase5_chunk_", "phase5_vram_", "gpu_id_phase5", "gpu_simulate",
            "allow_cpu_fallback");

    /** A tile of the earlier run that this run takes as it is. */
    public record Reused(int id, Path file, boolean empty) {}

    private final Path manifest;
    private final Path tilesDir;
    private final Map<String, Object> state;
    private final Map<String, Object> tiles;
    private final Map<String, Object> allSettings;
    private final Map<Integer, Reused> reused;
    private final Map<Integer, List<String>> groupFrames;

    private RunManifest(Path manifest, Path tilesDir, Map<String, Object> state, Map<String, Object> allSettings,
                        Map<Integer, Reused> reused, Map<Integer, List<String>> groupFrames) {
        this.manifest = manifest;
        this.tilesDir = tilesDir;
        this.state = state;
        @SuppressWarnings("unchecked") Map<String, Object> t = (Map<String, Object>) state.get("tiles");
        this.tiles = t;
        this.allSettings = allSettings;
        this.reused = reused;
        this.groupFrames = groupFrames;
    }

    /**
     * Opens this run in {@code outputDir}: decides what of an earlier run is reused, moves the
     * stale files aside and writes the manifest of this run (no tile yet beyond the reused ones).
     */
    public static RunManifest begin(Path outputDir, Path tilesDir, List<FrameGroup> groups, Config config)
            throws IOException {
        Path file = outputDir.resolve(FILE);
        Map<String, Object> old = read(file);
        boolean resume = !"off".equalsIgnoreCase(String.valueOf(config.get("resume")).trim());
        Map<Integer, List<String>> groupFrames = new TreeMap<>();
        for (FrameGroup g : groups) {
            List<String> names = new ArrayList<>();
            for (Frame f : g.frames()) names.add(id(f));
            groupFrames.put(g.id(), names);
        }
        Map<String, Object> inputs = inputs(groups);
        Map<String, Object> tileSettings = settings(config, true), all = settings(config, false);

        boolean sameTiles = old != null && inputs.equals(old.get("inputs")) && tileSettings.equals(old.get("tile_settings"));
        boolean sameMosaic = sameTiles && Boolean.TRUE.equals(old.get("complete")) && all.equals(old.get("settings"));
        Map<Integer, Reused> reused = new TreeMap<>();
        List<Path> stale = new ArrayList<>();
        Set<Path> keep = new HashSet<>();
        Map<String, Object> tiles = new TreeMap<>();
        if (resume && sameTiles) {
            @SuppressWarnings("unchecked") Map<String, Object> was = old.get("tiles") instanceof Map<?, ?> m
                    ? (Map<String, Object>) m : Map.of();
            for (Map.Entry<Integer, List<String>> g : groupFrames.entrySet()) {
                String name = tileName(g.getKey());
                Object e = was.get(name);
                Path tile = tilesDir.resolve(name);
                if (!(e instanceof Map<?, ?> entry) || !g.getValue().equals(entry.get("frames"))) continue;
                String why = verify(tile, entry);
                if (why != null) {
                    LOG.info("[P3] " + name + " of the interrupted run is made again: " + why);
                    continue;
                }
                boolean empty = Boolean.TRUE.equals(entry.get("empty"));
                reused.put(g.getKey(), new Reused(g.getKey(), tile, empty));
                tiles.put(name, entry);
                keep.add(tile);
                LOG.info(String.format(Locale.ROOT, "[P3] master tile %d reused from the earlier run: %s (%d frames, "
                        + "size and CRC-32 verified)", g.getKey(), name, g.getValue().size()));
            }
            if (!reused.isEmpty())
                LOG.info(String.format(Locale.ROOT, "[P3] resume: %d of %d master tile(s) reused, %d to make",
                        reused.size(), groups.size(), groups.size() - reused.size()));
        }
        // Tile files not reused: from a different run, or unverified; either way not this run's.
        // A half-written tile of a killed run (FitsImageWriter's .part) is never worth keeping.
        if (Files.isDirectory(tilesDir))
            try (DirectoryStream<Path> ds = Files.newDirectoryStream(tilesDir, "master_tile_*.fits.part")) {
                for (Path p : ds) Files.deleteIfExists(p);
            }
        if (Files.isDirectory(tilesDir))
            try (DirectoryStream<Path> ds = Files.newDirectoryStream(tilesDir, "master_tile_*.fits")) {
                for (Path p : ds) if (!keep.contains(p)) stale.add(p);
            }
        if (!sameMosaic)
            for (String n : List.of(MosaicPipeline.MOSAIC, MosaicPipeline.COVERAGE, MosaicPipeline.PREVIEW)) {
                Path p = outputDir.resolve(n);
                if (Files.exists(p)) stale.add(p);
            }
        if (!stale.isEmpty()) {
            if (!resume && sameTiles) LOG.info("[P3] resume=off: starting clean");
            moveAside(outputDir, stale, file);
        }

        Map<String, Object> state = new LinkedHashMap<>();
        state.put("format", FORMAT);
        state.put("complete", false);
        state.put("inputs", inputs);
        state.put("tile_settings", tileSettings);
        state.put("tiles", tiles);
        if (sameMosaic) { // the mosaic there is this run's result already; a kill now leaves it current
            state.put("settings", all);
            state.put("complete", true);
        }
        RunManifest m = new RunManifest(file, tilesDir, state, all, reused, groupFrames);
        m.save();
        return m;
    }

    /** The tiles taken from the earlier run, by group id. */
    public Map<Integer, Reused> reused() {
        return reused;
    }

    /** The groups whose tile still has to be made. */
    public List<FrameGroup> toBuild(List<FrameGroup> groups) {
        List<FrameGroup> out = new ArrayList<>();
        for (FrameGroup g : groups) if (!reused.containsKey(g.id())) out.add(g);
        return out;
    }

    /** Records a finished tile (called from the tile workers as each file is complete). */
    public synchronized void tileDone(int id, Path file, boolean empty) throws IOException {
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("frames", groupFrames.get(id));
        e.put("size", Files.size(file));
        e.put("crc32", crc32(file));
        e.put("empty", empty);
        tiles.put(file.getFileName().toString(), e);
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

    /** Every input file with its size and modification time, by absolute path. */
    private static Map<String, Object> inputs(List<FrameGroup> groups) throws IOException {
        Map<String, Object> m = new TreeMap<>();
        for (FrameGroup g : groups)
            for (Frame f : g.frames()) {
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

    /** The documented settings that change a tile ({@code tileOnly}) or any output, as text. */
    static Map<String, Object> settings(Config config, boolean tileOnly) {
        Map<String, Object> m = new TreeMap<>();
        for (ConfigKeys.Key k : ConfigKeys.KEYS) {
            String n = k.name();
            boolean tile = TILE_KEY_PREFIXES.stream().anyMatch(n::startsWith);
            boolean neutral = NEUTRAL_KEY_PREFIXES.stream().anyMatch(n::startsWith);
            if (tileOnly ? !tile : neutral) continue;
            Object v = config.get(n);
            m.put(n, v == null ? null : v.toString());
        }
        return m;
    }

    /** Null when the file has the recorded size and CRC-32, else what differs. */
    private static String verify(Path tile, Map<?, ?> entry) {
        try {
            if (!Files.isRegularFile(tile)) return "file missing";
            if (!(entry.get("size") instanceof Number n) || Files.size(tile) != n.longValue()) return "size differs";
            if (!crc32(tile).equals(entry.get("crc32"))) return "checksum differs";
            return null;
        } catch (IOException e) {
            return "cannot be read (" + e.getMessage() + ")";
        }
    }

    static String crc32(Path file) throws IOException {
        CRC32 crc = new CRC32();
        byte[] buf = new byte[1 << 16];
        try (InputStream in = Files.newInputStream(file)) {
            for (int r; (r = in.read(buf)) > 0; ) crc.update(buf, 0, r);
        }
        return String.format(Locale.ROOT, "%08x", crc.getValue());
    }

    private static Map<String, Object> read(Path file) {
        if (!Files.isRegularFile(file)) return null;
        try {
            Object o = Json.parse(Files.readString(file, StandardCharsets.UTF_8));
            if (o instanceof Map<?, ?> m && m.get("format") instanceof Number f && f.intValue() == FORMAT) {
                @SuppressWarnings("unchecked") Map<String, Object> map = (Map<String, Object>) m;
                return map;
            }
        } catch (IOException | RuntimeException e) {
            LOG.warning("[P3] " + file + " cannot be read (" + e.getMessage() + "): starting clean");
        }
        return null;
    }

    /** Moves {@code files} (and the old manifest) into {@code previous-run/}, replacing an older one. */
    private static void moveAside(Path outputDir, List<Path> files, Path manifest) throws IOException {
        Path prev = outputDir.resolve(PREVIOUS);
        if (Files.exists(prev))
            try (Stream<Path> s = Files.walk(prev)) {
                for (Path p : s.sorted(Comparator.reverseOrder()).toList()) Files.delete(p);
            }
        Files.createDirectories(prev);
        if (Files.isRegularFile(manifest)) files = concat(files, manifest);
        for (Path f : files) {
            Path to = prev.resolve(outputDir.relativize(f));
            Files.createDirectories(to.getParent());
            Files.move(f, to, StandardCopyOption.REPLACE_EXISTING);
        }
        LOG.warning(String.format(Locale.ROOT, "[P3] %d file(s) of an earlier, different run (master tiles, mosaic) "
                + "moved to %s so they are not mixed with this run's", files.size(), prev));
    }

    private static List<Path> concat(List<Path> a, Path b) {
        List<Path> l = new ArrayList<>(a);
        l.add(b);
        return l;
    }

    private synchronized void save() throws IOException {
        Path tmp = manifest.resolveSibling(FILE + ".tmp");
        Files.writeString(tmp, Json.write(state) + "\n", StandardCharsets.UTF_8);
        try {
            Files.move(tmp, manifest, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, manifest, StandardCopyOption.REPLACE_EXISTING);
        }
    }
}

package org.tessera.io;

import java.io.IOException;
import java.nio.file.FileVisitOption;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import java.util.logging.Logger;
import java.util.stream.Collectors;

import org.tessera.UserMessages;

/**
 * Finds the input frames: FITS files ({@code .fit}, {@code .fits}, {@code .fts}, any case) given
 * directly or found in folders <b>recursively</b> (night sub-folders are the usual layout), opened in
 * path order. A file that cannot be used is skipped with its reason, never aborting the scan.
 * Raw input frames (Classic and SDS mosaic, stack, Grid mode) are opened with the run's
 * {@link FrameReading} (Phase 1 hot-pixel correction, demosaic: {@code FrameReading.of(config)}); the
 * forms without one read frames {@link FrameReading#AS_STORED}, as images given to reproject (master
 * tiles, stacks) must be.
 */
public final class FrameScanner {

    private static final Logger LOG = Logger.getLogger("org.tessera.io");

    /**
     * A file that was set aside and why; {@code kind} says whether the file is at fault or the
     * disk ({@link #stopAtFullDisk} decides on it, never on the words of {@code reason}).
     */
    public record Problem(Path file, String reason, Kind kind) {
        public Problem {
            java.util.Objects.requireNonNull(kind, "kind");
        }

        /** A problem of the file itself ({@link Kind#FILE}). */
        public Problem(Path file, String reason) {
            this(file, reason, Kind.FILE);
        }

        /** The same problem, of the same kind, said of {@code file} with {@code reason}. */
        public Problem as(Path file, String reason) {
            return new Problem(file, reason, kind);
        }
    }

    /** What a {@link Problem} is. */
    public enum Kind {
        /** The file cannot be used: it is skipped, the run goes on. */
        FILE,
        /** The disk is full (a compressed input's copy did not fit): the run stops, as every later copy would fail. */
        DISK_FULL
    }

    /** The usable frames in path order, and the files skipped. */
    public record Scan(List<FitsFrame> frames, List<Problem> skipped) {
        public Scan {
            frames = List.copyOf(frames);
            skipped = List.copyOf(skipped);
        }
    }

    private FrameScanner() {}

    /** The names a folder's search takes, as the messages list them. */
    public static final String FITS_PATTERNS = "*.fit, *.fits, *.fts, or those gzip'ed (.gz) or fpack'ed (.fz)";

    /**
     * True for gzip'ed or fpack'ed FITS names (.fits.gz, .fit.gz, .fts.gz, .fz; any case): read
     * through their decompressed copies ({@link FitsFrame#open}).
     */
    public static boolean isCompressedFitsName(Path p) {
        String n = p.getFileName().toString().toLowerCase(Locale.ROOT);
        return n.endsWith(".fz") || (n.endsWith(".gz") && isFitsName(p.resolveSibling(n.substring(0, n.length() - 3))));
    }

    /** True for the names a folder's search takes as frames: {@link #isFitsName} or {@link #isCompressedFitsName}. */
    public static boolean isFrameName(Path p) {
        return isFitsName(p) || isCompressedFitsName(p);
    }

    /** True for names ending in .fit, .fits or .fts (any case). */
    public static boolean isFitsName(Path p) {
        String n = p.getFileName().toString().toLowerCase(Locale.ROOT);
        return n.endsWith(".fit") || n.endsWith(".fits") || n.endsWith(".fts");
    }

    /** One file opened: its frame, or (frame null) why it is skipped. */
    public record Opened(FitsFrame frame, Problem problem) {}

    /**
     * Opens one file as {@link #scan} does: with {@code requireWcs}, a frame whose header holds no
     * usable WCS is skipped too. Never throws: a file that cannot be read comes back as a problem.
     */
    public static Opened open(Path p, boolean requireWcs) {
        return open(p, requireWcs, FrameReading.AS_STORED);
    }

    /** As {@link #open(Path, boolean)}, the frame's pixels read as {@code reading} says (a raw frame: the run's). */
    public static Opened open(Path p, boolean requireWcs, FrameReading reading) {
        try {
            FitsFrame f = FitsFrame.open(p).withReading(reading);
            if (requireWcs && !f.hasWcs()) return new Opened(null, new Problem(p, "no usable WCS: " + f.wcsProblem()));
            return new Opened(f, null);
        } catch (FitsReadException | RuntimeException e) {
            return new Opened(null, new Problem(p, reason(e), kind(e)));
        }
    }

    /** Why a file cannot be opened, as a scan reports it. */
    private static String reason(Exception e) {
        return e instanceof FitsReadException r ? r.problem() : "cannot read: " + UserMessages.problemWith(e);
    }

    /**
     * The kind of the problem {@code e}: a full disk where the decompression said so
     * ({@link FitsReadException#diskFull()}) or where an unexpected failure is the system's own
     * disk-full error; otherwise the file's.
     */
    public static Kind kind(Exception e) {
        if (e instanceof FitsReadException r) return r.diskFull() ? Kind.DISK_FULL : Kind.FILE;
        return UserMessages.isDiskFull(e) ? Kind.DISK_FULL : Kind.FILE;
    }

    /**
     * One file's headers read where the file is ({@link FitsFrame#readHeaders}), or (headers null)
     * why it is skipped and the kind of that problem.
     */
    public record HeaderRead(FitsFrame.Headers headers, String problem, Kind kind) implements java.io.Serializable {
        private static final long serialVersionUID = 2L;

        /** Headers read, or a problem of the file itself. */
        public HeaderRead(FitsFrame.Headers headers, String problem) {
            this(headers, problem, Kind.FILE);
        }
    }

    /**
     * Reads the headers of one file as {@link #open} would open it, checking that the frame builds from
     * them, for a frame opened on another machine ({@link #opened}). Never throws: a file that cannot
     * be used comes back with the reason {@link #open} gives.
     */
    public static HeaderRead readHeaders(Path p) {
        try {
            FitsFrame.Headers h = FitsFrame.readHeaders(p);
            FitsFrame.open(p, h); // the checks of the frame itself (pixel type, shape, Bayer pattern)
            return new HeaderRead(h, null);
        } catch (FitsReadException | RuntimeException e) {
            return new HeaderRead(null, reason(e), kind(e));
        }
    }

    /** The frame of {@code file} (a raw frame: read as the run's {@code reading} says) from headers read elsewhere, as {@link #open} opens it. */
    public static Opened opened(Path file, HeaderRead read, FrameReading reading) {
        if (read.headers() == null) return new Opened(null, new Problem(file, read.problem(), read.kind()));
        try {
            return new Opened(FitsFrame.open(file, read.headers()).withReading(reading), null);
        } catch (FitsReadException | RuntimeException e) {
            return new Opened(null, new Problem(file, reason(e), kind(e)));
        }
    }

    /**
     * Opens the frames of {@code inputs} (files or folders). With {@code requireWcs}, frames whose
     * header holds no usable WCS are skipped too. Any FITS image is taken, Tessera's own outputs
     * included (Phase 5 alone reprojects master tiles); see {@link #scanFrames} for raw frames.
     *
     * @throws IOException when an input does not exist, or when no FITS file is found at all (the
     *                     message names the inputs)
     */
    public static Scan scan(List<Path> inputs, boolean requireWcs) throws IOException {
        return scan(inputs, requireWcs, null, false, FrameReading.AS_STORED);
    }

    /**
     * Opens the raw frames of a mosaic or a stack (with a usable WCS): never the output folder
     * {@code outputDir} (may be null) when it lies inside an input folder, never a file Tessera
     * wrote ({@link FrameSelection#writtenByTessera}), each left out with a note in the log; and
     * only frames of the run's colour layout, the others set aside by name
     * ({@link FrameSelection#oneChannelLayout}). Their pixels are read as {@code reading} says (the
     * run's hot-pixel correction and demosaic).
     */
    public static Scan scanFrames(List<Path> inputs, Path outputDir, FrameReading reading) throws IOException {
        return scanFrames(inputs, outputDir, reading, true);
    }

    /**
     * As {@link #scanFrames(List, Path, FrameReading)}; without {@code requireWcs}, frames whose header
     * has no WCS are kept (a mosaic places them in Phase 1 by plate solving, package solve).
     */
    public static Scan scanFrames(List<Path> inputs, Path outputDir, FrameReading reading, boolean requireWcs) throws IOException {
        return scan(inputs, requireWcs, outputDir, true, reading);
    }

    /** The FITS files a scan opens (path order) and those found unusable while listing them. */
    public record Listing(List<Path> files, List<Problem> problems) {
        public Listing {
            files = List.copyOf(files);
            problems = List.copyOf(problems);
        }
    }

    /**
     * The files {@link #scanFrames} opens for {@code inputs}, without opening them (the output folder
     * {@code outputDir}, may be null, left out): their headers may be read elsewhere
     * ({@link #readHeaders}) and the scan finished by {@link #selectFrames}.
     */
    public static Listing listFrames(List<Path> inputs, Path outputDir) throws IOException {
        return list(inputs, outputDir, true);
    }

    /**
     * Finishes what {@link #scanFrames} does with the files of a listing opened ({@code opened}, in
     * the listing's order; {@code problems}: the listing's): Tessera's own outputs left out, one
     * colour layout, the notes and the summary logged.
     */
    public static Scan selectFrames(List<Opened> opened, List<Problem> problems) throws IOException {
        return select(opened, problems, true);
    }

    /**
     * Throws the first problem that is a full disk ({@link Kind#DISK_FULL}: a compressed input's
     * copy that did not fit, {@link DecompressedCopies}): the run's failure, not a skipped file,
     * since the other compressed inputs would not fit either and the mosaic would quietly lack them
     * all. The kind decides, not the reason's words (a file problem that quotes them is skipped).
     */
    public static void stopAtFullDisk(List<Problem> problems) throws IOException {
        for (Problem p : problems)
            if (p.kind() == Kind.DISK_FULL) throw new IOException(p.file() + ": " + p.reason());
    }

    private static Scan scan(List<Path> inputs, boolean requireWcs, Path outputDir, boolean framesOnly,
                             FrameReading reading) throws IOException {
        Listing listing = list(inputs, outputDir, framesOnly);
        // Header reads are independent small I/O: open them in parallel, keep path order.
        List<Opened> results = listing.files().parallelStream().map(p -> open(p, requireWcs, reading))
                .collect(Collectors.toList());
        return select(results, listing.problems(), framesOnly);
    }

    private static Listing list(List<Path> inputs, Path outputDir, boolean framesOnly) throws IOException {
        TreeSet<Path> files = new TreeSet<>();
        List<Problem> unreadable = new ArrayList<>();
        List<Path> others = new ArrayList<>(); // files of other names: what a folder without frames holds
        Path out = outputDir == null ? null : canonical(outputDir);
        for (Path in : inputs) {
            if (Files.isDirectory(in)) {
                Path root = canonical(in);
                boolean rootInOutput = out != null && root.startsWith(out);
                Files.walkFileTree(in, EnumSet.of(FileVisitOption.FOLLOW_LINKS), Integer.MAX_VALUE,
                        new SimpleFileVisitor<>() {
                            @Override
                            public FileVisitResult preVisitDirectory(Path d, BasicFileAttributes a) {
                                if (framesOnly && out != null && !rootInOutput && canonical(d).equals(out)) {
                                    LOG.info("[READ] output folder " + d + " lies inside the input folder: "
                                            + "not searched for frames (it holds Tessera's outputs)");
                                    return FileVisitResult.SKIP_SUBTREE;
                                }
                                return FileVisitResult.CONTINUE;
                            }

                            @Override
                            public FileVisitResult visitFile(Path p, BasicFileAttributes a) {
                                if (!isFrameName(p)) {
                                    if (a.isRegularFile()) others.add(p);
                                    return FileVisitResult.CONTINUE;
                                }
                                if (a.isRegularFile()) files.add(p.toAbsolutePath().normalize());
                                else if (a.isSymbolicLink()) // a followed link is never a link: this one leads nowhere
                                    unreadable.add(new Problem(p, "broken link: its target " + linkTarget(p)
                                            + " does not exist"));
                                else if (!a.isDirectory())
                                    unreadable.add(new Problem(p, "not a regular file (a device, pipe or socket)"));
                                return FileVisitResult.CONTINUE;
                            }

                            @Override
                            public FileVisitResult visitFileFailed(Path p, IOException e) {
                                // an unreadable sub-folder or a link loop: report it, keep scanning
                                unreadable.add(new Problem(p, "cannot be listed: " + UserMessages.problemWith(e)));
                                return FileVisitResult.CONTINUE;
                            }
                        });
            } else if (Files.isRegularFile(in)) {
                files.add(in.toAbsolutePath().normalize()); // named explicitly: taken whatever its extension
            } else if (Files.isSymbolicLink(in)) {
                unreadable.add(new Problem(in, "broken link: its target " + linkTarget(in) + " does not exist"));
            } else {
                throw new NoSuchFileException(in.toString(), null, "input does not exist");
            }
        }
        if (files.isEmpty() && unreadable.isEmpty())
            throw new IOException("no FITS files (" + FITS_PATTERNS + ") in "
                    + inputs.stream().map(Path::toString).collect(Collectors.joining(", ")) + otherFiles(others));

        return new Listing(oncePerFile(files, unreadable), unreadable);
    }

    /**
     * What a folder without frames holds instead, for the "no FITS files" message: frames in another
     * format (TIFF, XISF, camera raw) or an archive not yet unpacked looked like an empty folder.
     * "" when it holds no other file; else " (it holds N other file(s), none of them FITS: a, b, c, …;
     * Tessera reads FITS frames only)", the first three names in order.
     */
    public static String otherFiles(List<Path> others) {
        if (others.isEmpty()) return "";
        List<String> names = others.stream().map(p -> String.valueOf(p.getFileName())).sorted().toList();
        return " (it holds " + names.size() + " other file(s), none of them FITS: "
                + String.join(", ", names.subList(0, Math.min(3, names.size()))) + (names.size() > 3 ? ", …" : "")
                + "; Tessera reads FITS frames only)";
    }

    /**
     * The files with one path per file: a frame reached by two paths (a link to a folder of frames
     * inside the input folder, a folder named twice under another spelling) was stacked twice, twice
     * its weight and its exposure. The path without links is kept, else the first; each other path
     * becomes a problem naming the one kept.
     */
    private static List<Path> oncePerFile(TreeSet<Path> files, List<Problem> problems) {
        Map<Path, Path> kept = new java.util.HashMap<>(); // real path → the path read
        for (Path f : files) {
            Path real = canonical(f);
            if (f.equals(real)) kept.put(real, f);
            else kept.putIfAbsent(real, f);
        }
        List<Path> once = new ArrayList<>();
        for (Path f : files) {
            Path k = kept.get(canonical(f));
            if (k.equals(f)) once.add(f);
            else problems.add(new Problem(f, "the same file as " + k + " (another path to it, through a link): "
                    + "a frame is stacked once, this path is left out"));
        }
        return once;
    }

    /** Why a file Tessera wrote is no frame, when the inputs hold nothing else. */
    static final String TESSERA_OUTPUT_REASON = "written by Tessera (a master tile or a mosaic: ORIGIN = 'Tessera'), not a raw "
            + "frame: coadd master tiles with 'tessera reproject OUTPUT tiles...' (Fiji: Reproject and Coadd)";

    private static Scan select(List<Opened> results, List<Problem> unreadable, boolean framesOnly) throws IOException {
        stopAtFullDisk(results.stream().map(Opened::problem).filter(java.util.Objects::nonNull).toList());
        List<FitsFrame> frames = new ArrayList<>();
        List<Problem> skipped = new ArrayList<>(unreadable);
        List<String> outputs = new ArrayList<>();
        for (Opened r : results) {
            if (r.frame() == null) skipped.add(r.problem());
            else if (framesOnly && FrameSelection.zeMosaicMasterTile(r.frame().keys()))
                skipped.add(new Problem(r.frame().path(), FrameSelection.ZEMOSAIC_TILE_REASON));
            else if (framesOnly && FrameSelection.writtenByTessera(r.frame().keys())) outputs.add(r.frame().path().toString());
            else frames.add(r.frame());
        }
        if (!outputs.isEmpty())
            LOG.info("[READ] left out " + outputs.size() + " file(s) that Tessera wrote (outputs are never read back "
                    + "as frames): " + String.join(", ", outputs.subList(0, Math.min(10, outputs.size())))
                    + (outputs.size() > 10 ? " and " + (outputs.size() - 10) + " more" : ""));
        if (frames.isEmpty() && skipped.isEmpty()) // only Tessera's outputs: say why each is no frame, and what to run
            for (String o : outputs) skipped.add(new Problem(Path.of(o), TESSERA_OUTPUT_REASON));
        if (framesOnly) frames = identicalCopiesOnce(frames, skipped);
        if (framesOnly) frames = FrameSelection.oneChannelLayout(frames, skipped);
        sayNotes(frames);
        for (Problem p : skipped) org.tessera.SkipNotice.warn(LOG, "[READ] skipped " + p.file() + ": " + p.reason());
        logSummary(frames, skipped);
        return new Scan(Collections.unmodifiableList(frames), skipped);
    }

    /**
     * The frames with each identical copy left out (the same bytes under another name: a night's
     * folder copied twice, "night1 - Copy"), which would be stacked twice, twice its weight and
     * exposure; the first in path order is kept and each copy named with it. A compressed file is
     * compared by its decompressed copy (a night's frames kept beside their .fits.gz archive). Only
     * files of the same size and the same header cards are compared, by a checksum of their first bytes and then
     * byte for byte, so frames that differ cost no read.
     */
    private static List<FitsFrame> identicalCopiesOnce(List<FitsFrame> frames, List<Problem> skipped) {
        Map<List<Object>, List<FitsFrame>> alike = new java.util.LinkedHashMap<>();
        for (FitsFrame f : frames) {
            try {
                alike.computeIfAbsent(List.of(Files.size(f.readableFile()), f.keys()), k -> new ArrayList<>()).add(f);
            } catch (IOException | RuntimeException e) { // not a local file (a cluster's URI): not compared
            }
        }
        java.util.Set<FitsFrame> copies = new java.util.HashSet<>();
        for (List<FitsFrame> group : alike.values()) {
            if (group.size() < 2) continue;
            Map<Long, List<FitsFrame>> kept = new java.util.HashMap<>(); // checksum of the first bytes → distinct files
            for (FitsFrame f : group) {
                try {
                    List<FitsFrame> same = kept.computeIfAbsent(headChecksum(f.readableFile()), k -> new ArrayList<>());
                    FitsFrame original = null;
                    for (FitsFrame o : same) if (Files.mismatch(o.readableFile(), f.readableFile()) == -1) original = o;
                    if (original == null) {
                        same.add(f);
                    } else {
                        copies.add(f);
                        skipped.add(new Problem(f.path(), "an identical copy of " + original.path() + " (the same bytes"
                                + (f.compressed() || original.compressed() ? " once uncompressed" : "")
                                + "): a frame is stacked once, this copy is left out"));
                    }
                } catch (IOException e) { // unreadable now: its read says so later
                }
            }
        }
        return sameExposureOnce(without(frames, copies), skipped);
    }

    /** {@code frames} without {@code copies}, in order ({@code frames} itself when there are none). */
    private static List<FitsFrame> without(List<FitsFrame> frames, java.util.Set<FitsFrame> copies) {
        if (copies.isEmpty()) return frames;
        List<FitsFrame> once = new ArrayList<>(frames);
        once.removeIf(copies::contains);
        return once;
    }

    /**
     * The frames with each second copy of one exposure under another header left out: a frame
     * plate-solved or edited by another program and kept beside the raw one holds the same pixels
     * under other header cards, and was stacked twice, twice its weight and exposure. Only frames of
     * one start time ({@code DATE-OBS}), exposure, size and pixel encoding are compared, their data
     * sections byte for byte (two exposures never share a start time and every pixel's noise; frames
     * of equal pixels but other start times stay frames of their own). Kept: the first in path
     * order with a usable WCS (nothing to solve), else the first.
     */
    private static List<FitsFrame> sameExposureOnce(List<FitsFrame> frames, List<Problem> skipped) {
        // (two frames whose own WCS put them in two places are kept apart whatever their pixels: one
        // exposure has one place, and a synthetic sky may draw one image at several pointings)
        Map<List<Object>, List<FitsFrame>> alike = new java.util.LinkedHashMap<>();
        for (FitsFrame f : frames) {
            String date = f.keys().get("DATE-OBS");
            if (date == null || date.isBlank()) continue;
            alike.computeIfAbsent(List.of(date.trim(), f.exposureSeconds(), f.width(), f.height(), f.channels(),
                    String.valueOf(f.keys().get("BITPIX")).trim(), String.valueOf(f.keys().get("BZERO")).trim(),
                    String.valueOf(f.keys().get("BSCALE")).trim()), k -> new ArrayList<>()).add(f);
        }
        java.util.Set<FitsFrame> copies = new java.util.HashSet<>();
        for (List<FitsFrame> group : alike.values()) {
            if (group.size() < 2) continue;
            List<FitsFrame> order = new ArrayList<>(group);
            order.sort(java.util.Comparator.comparing(f -> !f.hasWcs())); // stable: path order among equals
            List<FitsFrame> distinct = new ArrayList<>();
            for (FitsFrame f : order) {
                FitsFrame original = null;
                for (FitsFrame o : distinct) {
                    if (!samePlace(f, o)) continue;
                    try {
                        if (f.samePixelBytes(o)) original = o;
                    } catch (IOException e) { // unreadable now: its read says so later
                    }
                    if (original != null) break;
                }
                if (original == null) {
                    distinct.add(f);
                    continue;
                }
                copies.add(f);
                skipped.add(new Problem(f.path(), "the same pixels as " + original.path() + " under another header "
                        + "(one exposure, DATE-OBS " + f.keys().get("DATE-OBS").trim() + ": a copy solved or edited by "
                        + "another program?): a frame is stacked once, this copy is left out"
                        + (original.hasWcs() && !f.hasWcs() ? " (the other has a WCS)" : "")));
            }
        }
        return without(frames, copies);
    }

    /**
     * Whether {@code a} and {@code b} may show one place: either has no usable WCS (a raw frame, or
     * its solved copy), or their centres are within ten pixels of each other (two solves of one frame).
     */
    private static boolean samePlace(FitsFrame a, FitsFrame b) {
        if (!a.hasWcs() || !b.hasWcs()) return true;
        double[] p = new double[2], q = new double[2];
        a.wcs().pixelToWorld((a.width() - 1) / 2.0, (a.height() - 1) / 2.0, p);
        b.wcs().pixelToWorld((b.width() - 1) / 2.0, (b.height() - 1) / 2.0, q);
        return org.tessera.wcs.SkyMath.separationDeg(p[0], p[1], q[0], q[1]) <= 10 * a.wcs().pixelScaleDeg();
    }

    /** CRC-32 of a file's first 64 KiB (its header and first rows). */
    private static long headChecksum(Path p) throws IOException {
        byte[] b = new byte[1 << 16];
        int n;
        try (java.io.InputStream in = Files.newInputStream(p)) {
            n = in.readNBytes(b, 0, b.length);
        }
        java.util.zip.CRC32 crc = new java.util.zip.CRC32();
        crc.update(b, 0, n);
        return crc.getValue();
    }

    /**
     * Logs what each frame's headers held that Tessera worked around ({@link FitsFrame#notes()}:
     * an exposure that is no number, bytes outside ASCII read as '?'), once per file: every scan
     * does, and Grid mode for the frames of its plan.
     */
    public static void sayNotes(List<? extends FitsFrame> frames) {
        for (FitsFrame f : frames)
            for (String note : f.notes()) LOG.warning("[READ] " + f.path() + ": " + note);
    }

    /** Absolute, normalised, links resolved where the path exists. */
    private static Path canonical(Path p) {
        try {
            return p.toRealPath();
        } catch (IOException e) {
            return p.toAbsolutePath().normalize();
        }
    }

    private static String linkTarget(Path link) {
        try {
            return String.valueOf(Files.readSymbolicLink(link));
        } catch (IOException | UnsupportedOperationException e) {
            return "(unreadable)";
        }
    }

    private static void logSummary(List<FitsFrame> frames, List<Problem> skipped) {
        Map<MountMode, Integer> mounts = new EnumMap<>(MountMode.class);
        int seestar = 0, bayer = 0, cubes = 0;
        for (FitsFrame f : frames) {
            mounts.merge(f.mountMode(), 1, Integer::sum);
            if (f.seestar()) seestar++;
            if (f.bayerPattern() != null) bayer++;
            else if (f.channels() == 3) cubes++;
        }
        // A mount card with a value the reader does not know leaves its frames UNKNOWN (the
        // ALT-AZ policy then decides for them): said once, with each value and how many frames carry it.
        Map<String, Integer> unknownCards = new java.util.TreeMap<>();
        for (FitsFrame f : frames) {
            String bad = MountMode.unrecognised(f.keys());
            if (bad != null) unknownCards.merge(bad, 1, Integer::sum);
        }
        if (!unknownCards.isEmpty()) {
            StringBuilder b = new StringBuilder();
            unknownCards.forEach((card, n) -> b.append(b.length() > 0 ? ", " : "").append(card).append(" (")
                    .append(n).append(n == 1 ? " frame)" : " frames)"));
            LOG.warning("[READ] mount mode not recognised, taken as UNKNOWN (altaz_unknown_policy decides): " + b
                    + "; known values: MOUNT_MODE EQ/EQUATORIAL or ALT_AZ/ALTAZ/ALT-AZ/AZ, EQMODE 1 (EQ) or 0 (ALT_AZ)");
        }
        LOG.info(String.format(Locale.ROOT,
                "[READ] %d frames usable, %d skipped (%d Bayer, %d colour cubes, %d mono; %d Seestar); "
                        + "eqmode_summary: eq_count=%d altaz_count=%d unknown_count=%d",
                frames.size(), skipped.size(), bayer, cubes, frames.size() - bayer - cubes, seestar,
                mounts.getOrDefault(MountMode.EQ, 0), mounts.getOrDefault(MountMode.ALT_AZ, 0),
                mounts.getOrDefault(MountMode.UNKNOWN, 0)));
    }
}

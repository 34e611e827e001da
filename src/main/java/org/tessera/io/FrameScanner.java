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

/**
 * Finds the input frames: FITS files ({@code .fit}, {@code .fits}, {@code .fts}, any case) given
 * directly or found in folders <b>recursively</b> (night sub-folders are the usual layout), opened in
 * path order. A file that cannot be used is skipped with its reason, never aborting the scan.
 * Input frames come with the Phase 1 hot-pixel correction on unless the caller turns it off.
 */
public final class FrameScanner {

    private static final Logger LOG = Logger.getLogger("org.tessera.io");

    /** A file that was set aside and why. */
    public record Problem(Path file, String reason) {}

    /** The usable frames in path order, and the files skipped. */
    public record Scan(List<FitsFrame> frames, List<Problem> skipped) {
        public Scan {
            frames = List.copyOf(frames);
            skipped = List.copyOf(skipped);
        }
    }

    private FrameScanner() {}

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
        return open(p, requireWcs, true);
    }

    /**
     * As {@link #open(Path, boolean)}; {@code hotPixels} switches the Phase 1 hot-pixel correction of
     * the frame's pixels ({@link HotPixels}; key {@code hot_pixel_correction}, on by default).
     */
    public static Opened open(Path p, boolean requireWcs, boolean hotPixels) {
        try {
            FitsFrame f = FitsFrame.open(p).withHotPixelCorrection(hotPixels);
            if (requireWcs && !f.hasWcs()) return new Opened(null, new Problem(p, "no usable WCS: " + f.wcsProblem()));
            return new Opened(f, null);
        } catch (FitsReadException e) {
            return new Opened(null, new Problem(p, e.problem()));
        } catch (RuntimeException e) {
            return new Opened(null, new Problem(p, "cannot read: " + e));
        }
    }

    /**
     * Opens the frames of {@code inputs} (files or folders). With {@code requireWcs}, frames whose
     * header holds no usable WCS are skipped too.
     *
     * @throws IOException when an input does not exist, or when no FITS file is found at all (the
     *                     message names the inputs)
     */
    public static Scan scan(List<Path> inputs, boolean requireWcs) throws IOException {
        return scan(inputs, requireWcs, true);
    }

    /**
     * As {@link #scan(List, boolean)}; {@code hotPixels} switches the Phase 1 hot-pixel correction
     * of the frames' pixels (key {@code hot_pixel_correction}, on by default).
     */
    public static Scan scan(List<Path> inputs, boolean requireWcs, boolean hotPixels) throws IOException {
        TreeSet<Path> files = new TreeSet<>();
        List<Problem> unreadable = new ArrayList<>();
        for (Path in : inputs) {
            if (Files.isDirectory(in)) {
                Files.walkFileTree(in, EnumSet.of(FileVisitOption.FOLLOW_LINKS), Integer.MAX_VALUE,
                        new SimpleFileVisitor<>() {
                            @Override
                            public FileVisitResult visitFile(Path p, BasicFileAttributes a) {
                                if (a.isRegularFile() && isFitsName(p)) files.add(p.toAbsolutePath().normalize());
                                return FileVisitResult.CONTINUE;
                            }

                            @Override
                            public FileVisitResult visitFileFailed(Path p, IOException e) {
                                // an unreadable sub-folder or a link loop: report it, keep scanning
                                unreadable.add(new Problem(p, "cannot be listed: " + e));
                                return FileVisitResult.CONTINUE;
                            }
                        });
            } else if (Files.isRegularFile(in)) {
                files.add(in.toAbsolutePath().normalize()); // named explicitly: taken whatever its extension
            } else {
                throw new NoSuchFileException(in.toString(), null, "input does not exist");
            }
        }
        if (files.isEmpty() && unreadable.isEmpty())
            throw new IOException("no FITS files (*.fit, *.fits, *.fts) in "
                    + inputs.stream().map(Path::toString).collect(Collectors.joining(", ")));

        // Header reads are independent small I/O: open them in parallel, keep path order.
        List<Path> sorted = new ArrayList<>(files);
        List<Opened> results = sorted.parallelStream().map(p -> open(p, requireWcs, hotPixels)).collect(Collectors.toList());

        List<FitsFrame> frames = new ArrayList<>();
        List<Problem> skipped = new ArrayList<>(unreadable);
        for (Opened r : results) {
            if (r.frame() != null) frames.add(r.frame());
            else skipped.add(r.problem());
        }
        for (Problem p : skipped) LOG.warning("[READ] skipped " + p.file() + ": " + p.reason());
        logSummary(frames, skipped);
        return new Scan(Collections.unmodifiableList(frames), skipped);
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
        LOG.info(String.format(Locale.ROOT,
                "[READ] %d frames usable, %d skipped (%d Bayer, %d colour cubes, %d mono; %d Seestar); "
                        + "eqmode_summary: eq_count=%d altaz_count=%d unknown_count=%d",
                frames.size(), skipped.size(), bayer, cubes, frames.size() - bayer - cubes, seestar,
                mounts.getOrDefault(MountMode.EQ, 0), mounts.getOrDefault(MountMode.ALT_AZ, 0),
                mounts.getOrDefault(MountMode.UNKNOWN, 0)));
    }
}

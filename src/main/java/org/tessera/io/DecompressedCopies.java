package org.tessera.io;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.util.Comparator;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Logger;
import java.util.stream.Stream;

import org.tessera.UserMessages;

/**
 * The plain FITS copies of compressed inputs ({@link CompressedFits}: .fits.gz, fpack'ed .fz),
 * for every reader of frames: {@link FitsFrame} reads a compressed file's headers and rows from
 * its copy, with positional reads as from any FITS file, so memory stays one band per frame
 * whatever the number of frames. A copy is made once per file, at the first read of it (the
 * scan's header read; on a cluster's executor, its first read there), in one temporary folder of
 * this process ({@code java.io.tmpdir/tessera-decompressed-PID}, or under the folder given to
 * {@link #placeUnder}: a cluster executor's application scratch), written under a {@code .part}
 * name and renamed when complete.
 * <p>
 * The copies live while a run does: every front's run holds a {@link #run()} (through
 * {@code pipeline.OutputRun}), and when the last open run ends, however it ends (done, failed,
 * cancelled), its copies are deleted; what is left at the process's exit is deleted then, and a
 * folder left by a process that was killed is deleted by the next one that makes copies. A frame
 * read after its copy went (a frame kept by a script between runs) is decompressed again.
 */
public final class DecompressedCopies {

    private static final Logger LOG = Logger.getLogger("org.tessera.io");
    private static final String PREFIX = "tessera-decompressed-";

    /** A copy of {@code source} as it was when copied (a changed source is copied again). */
    private record Copy(Path file, long size, FileTime modified) {}

    private static final Map<Path, Copy> COPIES = new ConcurrentHashMap<>();
    private static final Map<Path, Object> LOCKS = new ConcurrentHashMap<>();
    /** Whether the run's first copy said where the copies go (once per run, whatever its threads). */
    private static final java.util.concurrent.atomic.AtomicBoolean SAID = new java.util.concurrent.atomic.AtomicBoolean();
    private static Path folder;
    /** Where the folder is made: null for {@code java.io.tmpdir}; see {@link #placeUnder}. */
    private static Path base;
    private static String baseAdvice;
    /** The folders this process made, each deleted at its exit. */
    private static final java.util.Set<Path> MADE = new java.util.HashSet<>();
    private static int runs;

    private DecompressedCopies() {}

    /**
     * The file to read {@code file}'s FITS bytes from: its decompressed copy, made now when there
     * is none, or null when {@code file} is not compressed (neither gzip'ed nor tile-compressed).
     *
     * @throws FitsReadException naming {@code file}: why it cannot be decompressed, or that the
     *         copy cannot be written (a full disk: which folder, and how to choose another)
     */
    static Path of(Path file) throws FitsReadException {
        Path key = file.toAbsolutePath().normalize();
        synchronized (LOCKS.computeIfAbsent(key, k -> new Object())) {
            long size;
            FileTime modified;
            try {
                size = Files.size(key);
                modified = Files.getLastModifiedTime(key);
            } catch (IOException e) {
                throw new FitsReadException(file, "cannot read: " + UserMessages.problemWith(e), e);
            }
            Copy c = COPIES.get(key);
            if (c != null && c.size == size && c.modified.equals(modified) && Files.isRegularFile(c.file)) return c.file;
            Path dir;
            try {
                dir = folder();
            } catch (IOException e) {
                String problem = "cannot make the folder for decompressed copies in " + parent() + ": "
                        + UserMessages.problemWith(e) + " (" + advice() + ")";
                throw UserMessages.isDiskFull(e) ? FitsReadException.diskFull(file, problem, e) : new FitsReadException(file, problem, e);
            }
            Path target = dir.resolve(copyName(key));
            Path part = dir.resolve(target.getFileName() + ".part"), scratch = dir.resolve(target.getFileName() + ".gunzip");
            try {
                if (!CompressedFits.decompress(key, part, scratch)) return null;
                Files.move(part, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (FitsReadException e) {
                deleteQuietly(part);
                throw e;
            } catch (IOException e) {
                deleteQuietly(part);
                String where = "cannot decompress into " + dir + ": ";
                if (UserMessages.isDiskFull(e)) // the run's failure (FrameScanner.stopAtFullDisk), marked as such
                    throw FitsReadException.diskFull(file, where + "the disk is full (" + e.getMessage() + "): a run's "
                            + "compressed inputs need their uncompressed size there; free some space, or " + advice(), e);
                throw new FitsReadException(file, where + UserMessages.problemWith(e), e);
            }
            if (c != null && !c.file.equals(target)) deleteQuietly(c.file);
            if (SAID.compareAndSet(false, true)) // the first copy of a run: say where the disk space goes
                LOG.info("[READ] compressed inputs are read through plain copies in " + dir
                        + " (their uncompressed size on that disk; deleted when the run ends)");
            COPIES.put(key, new Copy(target, size, modified));
            LOG.fine(() -> "[READ] " + file + ": decompressed into " + target);
            return target;
        }
    }

    /**
     * The copy's name in the folder: a digest of the input's absolute path (two inputs of the same
     * name in two folders are two copies), then its plain name ({@link #plainName}).
     */
    static String copyName(Path file) {
        Path key = file.toAbsolutePath().normalize();
        try {
            byte[] d = java.security.MessageDigest.getInstance("SHA-256").digest(key.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
            return java.util.HexFormat.of().formatHex(d, 0, 8) + "-" + plainName(key);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e); // every JDK has SHA-256
        }
    }

    /** The name of the copy: the input's, its compression suffix replaced by .fits ("a.fits.fz" → "a.fits"). */
    static String plainName(Path file) {
        String n = file.getFileName().toString();
        String low = n.toLowerCase(Locale.ROOT);
        for (String s : new String[] {".gz", ".fz"})
            if (low.endsWith(s)) return n.substring(0, n.length() - s.length()) + (FrameScanner.isFitsName(
                    Path.of(n.substring(0, n.length() - s.length()))) ? "" : ".fits");
        return n + ".fits";
    }

    /**
     * A run's hold on the copies: when the last hold open in the process is closed, the copies
     * are deleted. Every front's run opens one ({@code pipeline.OutputRun}), and so does each entry
     * point of {@code pipeline.MosaicPipeline} (a script calling it directly); closing twice is harmless.
     */
    public static Hold run() {
        synchronized (DecompressedCopies.class) {
            runs++;
        }
        return new Hold();
    }

    /** See {@link #run()}. */
    public static final class Hold implements AutoCloseable {
        private boolean closed;

        private Hold() {}

        @Override
        public void close() {
            synchronized (DecompressedCopies.class) {
                if (closed) return;
                closed = true;
                if (--runs == 0) deleteAll();
            }
        }
    }

    /** The folder of this process's copies (null before the first copy). */
    public static synchronized Path location() {
        return folder;
    }

    /**
     * Makes the copies made from now on in a folder under {@code parent} instead of
     * {@code java.io.tmpdir}: a cluster executor's application scratch (on the disks the cluster
     * gives its jobs, {@code spark.local.dir}, and removed with the application), where the executor
     * holds no run whose end would delete them. {@code advice}: what a user can do when that disk is
     * full. Copies made before stay where they are, and are deleted as before.
     */
    public static synchronized void placeUnder(Path parent, String advice) {
        base = parent.toAbsolutePath().normalize();
        baseAdvice = advice;
    }

    private static synchronized Path parent() {
        return base != null ? base : Path.of(System.getProperty("java.io.tmpdir"));
    }

    private static synchronized String advice() {
        return base != null ? baseAdvice : "give Java another temporary folder (JAVA_OPTS=-Djava.io.tmpdir=/a/larger/disk)";
    }

    private static synchronized Path folder() throws IOException {
        Path tmp = parent();
        Path dir = tmp.resolve(PREFIX + ProcessHandle.current().pid());
        if (dir.equals(folder) && Files.isDirectory(dir)) return dir;
        Files.createDirectories(dir);
        if (MADE.add(dir)) {
            Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteTree(dir), "tessera-decompressed-cleanup"));
            deleteLeftBehind(tmp);
        }
        folder = dir;
        return dir;
    }

    /** Copies deleted at the end of the last run. */
    private static void deleteAll() {
        SAID.set(false);
        for (Map.Entry<Path, Copy> e : COPIES.entrySet()) {
            deleteQuietly(e.getValue().file);
            COPIES.remove(e.getKey(), e.getValue());
        }
    }

    /** The folders of processes that no longer run (killed before their exit could delete them). */
    static void deleteLeftBehind(Path tmp) {
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(tmp, PREFIX + "*")) {
            for (Path d : ds) {
                try {
                    long pid = Long.parseLong(d.getFileName().toString().substring(PREFIX.length()));
                    if (pid != ProcessHandle.current().pid() && ProcessHandle.of(pid).isEmpty()) deleteTree(d);
                } catch (NumberFormatException e) {
                    // not one of ours
                }
            }
        } catch (IOException | RuntimeException e) {
            // a temporary folder that cannot be listed: the copies still go at exit
        }
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(DecompressedCopies::deleteQuietly);
        } catch (IOException | RuntimeException e) {
            // gone already, or not ours to delete
        }
    }

    private static void deleteQuietly(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException e) {
            // a copy that cannot be deleted now goes with the folder at exit
        }
    }
}

package org.tessera.pipeline;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.logging.Logger;

/**
 * One run at a time in an output folder, and one stack run at a time onto an output file.
 * <p>
 * A mosaic or reproject run moves an earlier run's files aside, rewrites the master tiles under
 * fixed names and renames its outputs into place: a second run into the same folder at the same
 * time would move or overwrite the first one's files under it (the first then fails, or worse,
 * finishes with tiles of the other run's settings). So such a run owns its folder: it holds
 * {@value #FILE} in it exclusively ({@link #acquire}); a second run (another process, or another
 * run in this JVM) stops at once with a message naming the holder. A run into a folder below it
 * ({@code OUT/sub}, {@code OUT/master_tiles/x}: a tree the first run deletes or moves aside) stops
 * too, and so does a run into a folder above it: a run holds, shared, byte 0 of the lock file of
 * every folder above its own that has one, for its whole run, as a stack does (below).
 * <p>
 * A stack run ({@link #acquireFile}) writes one named file, and beside it {@code tessera.log}
 * (appended) and {@code solved_wcs/} (entries renamed into place): two stacks of different files may
 * share a folder, two onto one file may not (both write {@code OUT.fits.part} and rename it). It
 * holds, shared, byte 0 of the lock file of its folder and of every folder above it that has one
 * (a folder some run owned, or owns), and exclusively one byte of its folder's lock file that
 * stands for its file's name. So a stack is refused in a folder a running mosaic owns and in any
 * folder below it ({@code master_tiles/}, whose spool and {@code .part} files and tiles the mosaic
 * deletes or moves aside, {@code solved_wcs/}, {@code grid_EQ/} …: a mosaic's subfolders vary with
 * the mode, so all of them), and a mosaic is refused while a stack writes in its folder or below
 * it, at any depth, or another run owns a folder below it. A stack or run that began before a
 * mosaic's folder above it had a lock file holds nothing of it: so the mosaic, once it holds its
 * folder, walks the folders below it (symbolic links not followed) and probes each lock file there,
 * and a stack or run, once it holds its own folder, looks at the folders above it again; of two
 * such runs starting together, one sees the other. Where the folder above had a lock file already
 * (any run into it before), exactly one of the two goes on: the lower one holds that file shared
 * from its first look, and that hold and the upper one's lock exclude each other; where the file is
 * made in that instant, both may be refused, never both go on. (In this JVM the whole taking is
 * done under one monitor: of two threads, the second sees the first.) A refused stack or run
 * leaves the file system as it was: the folders above are held before its folder and lock file are
 * made (only when a run takes a folder above in the instant between its two looks do they stay:
 * another stack may use them already).
 * <p>
 * Every front goes through it: the pipeline's entry points ({@code MosaicPipeline.mosaic},
 * {@code grid}, {@code reproject}, {@code stack}) take it, so scripts calling them directly are
 * guarded too, and the fronts and the Spark driver take it around the whole job. A run re-enters
 * the lock its own thread holds (a front's lock, then the pipeline's; Spark's driver, then its
 * Phase 5 through the pipeline), and the folder or file is free when the outermost holder closes;
 * another thread of the same JVM (a second Fiji command) is refused like another process. A run's
 * thread may take folders and files below the folder it owns (its run holds that tree anyway); a
 * mosaic of its own into a folder above one it holds is refused as another thread's would be.
 * <p>
 * The operating system releases the lock when the process ends, even on {@code kill -9}, so a
 * crashed run never blocks the next one; the file itself stays (deleting it on release would let
 * a waiting run lock an unlinked file while a third creates a new one). This JVM keeps one channel
 * per lock file: POSIX drops all of a process's locks on a file when any of its descriptors of
 * that file is closed. On a file system without locks (some network shares) the run goes on
 * unguarded against other processes, as before.
 */
public final class OutputLock implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger("org.tessera.pipeline");

    /** The lock file in the output folder. */
    public static final String FILE = ".tessera.lock";

    /** Byte of the lock file held shared by each stack run writing in the folder or below it, and each run owning a folder below it. */
    private static final long STACKS = 0;
    /** The bytes standing for the stack outputs' names: one each, after {@link #STACKS}. */
    private static final long OUTPUTS = 1, OUTPUT_SLOTS = 1L << 40;
    /**
     * The last byte of the lock file, held by a run owning the folder once it goes on: the rest of
     * the file is its lock, this byte only names it. A mosaic refused because byte 0 is shared (stacks,
     * or a run below holding its folders above) walks below for a run to name, probing this byte: a
     * probe of the lock itself, in the instant a run below takes it, would refuse that run too.
     */
    static final long MARK = Long.MAX_VALUE - 1;

    /** What a refused run reads when stacks, not a run owning the folder, hold it. */
    static final String STACKS_HOLD = "a stack job writing a file in it or in a folder below it";

    /** The lock files this JVM holds, by the real path of their folder. */
    private static final Map<Path, Folder> HELD = new HashMap<>();

    /** This JVM's holds of one folder's lock file. */
    private static final class Folder {
        final FileChannel channel; // the one channel of this JVM on the file
        boolean guarded = true; // false on a file system without locks
        Thread owner; // the run owning the folder (mosaic, reproject), or null
        int depth;
        FileLock whole; // the owner's lock of the whole file but MARK
        FileLock mark; // and of MARK
        final List<Thread> stacks = new ArrayList<>(); // the runs writing here or below (stacks; runs owning a folder below), one entry per hold
        FileLock shared; // their shared lock of byte STACKS, one for this JVM
        final Map<String, Output> outputs = new HashMap<>(); // the stack outputs in this folder, by file name

        Folder(FileChannel channel) {
            this.channel = channel;
        }

        boolean idle() {
            return owner == null && stacks.isEmpty() && outputs.isEmpty();
        }
    }

    /** A stack run's hold of its output file. */
    private static final class Output {
        final Thread owner;
        final FileLock lock; // null where the file system has no locks, or where the owner run's lock covers it
        int depth = 1;

        Output(Thread owner, FileLock lock) {
            this.owner = owner;
            this.lock = lock;
        }
    }

    private final Thread thread;
    private Path owned; // the folder this hold owns (a run's), or null
    private final List<Path> shares = new ArrayList<>(); // the folders a stack's hold shares
    private Path outputDir; // the folder of a stack's output file, and its name
    private String outputName;
    private boolean closed;

    private OutputLock(Thread thread) {
        this.thread = thread;
    }

    /**
     * Takes the lock of {@code outputDir} (created when missing) for a run that owns it (mosaic,
     * Grid mode, reproject).
     *
     * @throws IOException naming the folder and the run holding it when another run holds it, or a
     *                     stack run writes in it or below it; naming the folder above and its run
     *                     when a run owns a folder above it
     */
    public static OutputLock acquire(Path outputDir) throws IOException {
        Thread me = Thread.currentThread();
        Path planned = planned(outputDir.toAbsolutePath().normalize());
        synchronized (HELD) {
            Folder f = HELD.get(planned);
            if (f != null && f.owner == me) { // this run, one level further in: the folder and the ones above are held already
                Files.createDirectories(outputDir);
                f.depth++;
                OutputLock l = new OutputLock(me);
                l.owned = planned;
                return l;
            }
            OutputLock l = new OutputLock(me);
            try {
                // The folders above held as a stack holds them (byte 0 shared, for the whole run), before this
                // folder and its lock file are made: a run owning one refuses this one, which then leaves the
                // file system as it was, and a run starting there later cannot take that lock file: of the two
                // exactly one goes on. Held, not only looked at: after a mere look, a run above could take its
                // lock before this one takes its own; this run's second look would refuse it, and that run's
                // walk below, seeing this run's lock before it is given back, would refuse that one too.
                for (Path a : marked(planned)) l.share(a, a, false);
                lookedAbove(planned);
                createFolder(outputDir, false);
                l.own(outputDir.toRealPath(), outputDir);
            } catch (IOException | RuntimeException e) {
                l.release();
                throw e;
            }
            return l;
        }
    }

    /** Owns {@code key}, the real path of {@code shown} (with HELD locked; the folders above held by this hold). */
    private void own(Path key, Path shown) throws IOException {
        Folder f = HELD.get(key);
        if (f != null && f.owner == thread) { // this run, reached by another name of its folder
            f.depth++;
            owned = key;
            return;
        }
        if (f != null && f.owner != null) throw busy(shown, holder(f.channel)); // another run of this JVM
        // A run or stack of this JVM writing here or below, as another process's would be seen: the runs
        // first (a run below holds the folders above it as a stack does; it is named, not taken for a stack).
        for (Map.Entry<Path, Folder> e : HELD.entrySet())
            if (e.getKey().startsWith(key) && e.getValue().owner != null) {
                String holder = holder(e.getValue().channel);
                throw busy(shown, "a run writing into " + e.getKey() + (holder.isEmpty() ? "" : ", " + holder));
            }
        for (Map.Entry<Path, Folder> e : HELD.entrySet())
            if (e.getKey().startsWith(key) && !e.getValue().stacks.isEmpty()) throw busy(shown, STACKS_HOLD);
        f = openOwn(key, shown, false);
        try {
            f.whole = f.channel.tryLock(0, MARK, false);
        } catch (OverlappingFileLockException e) { // held in this JVM outside this class
            f.channel.close();
            throw busy(shown, "");
        } catch (IOException e) {
            LOG.fine("[READ] no lock on " + key.resolve(FILE) + " (" + e.getMessage() + "): this run is not guarded against another one");
            f.guarded = false;
        }
        if (f.guarded && f.whole == null) {
            // Stacks, and runs below, hold byte 0 shared: if it can be had shared, no run owns the folder.
            String who = stacksOnly(f.channel) ? heldBelow(key, true) : holder(f.channel);
            f.channel.close(); // this JVM's only channel on the file: it holds no lock there
            throw busy(shown, who == null ? STACKS_HOLD : who);
        }
        try {
            // Again, now that this run holds its folder: a run that took a folder above after the first look
            // sees this one when it walks below (it walks after taking its lock), or this look sees it.
            for (Path a : marked(key)) if (!shares.contains(a)) share(a, a, false);
            String below = f.whole == null ? null : heldBelow(key, false);
            if (below != null) throw busy(shown, below);
            if (f.whole != null) {
                f.channel.truncate(0);
                String line = "pid " + ProcessHandle.current().pid() + ", started "
                        + RunLog.localTime(System.currentTimeMillis()).toString().replace('T', ' ');
                f.channel.write(ByteBuffer.wrap(line.getBytes(StandardCharsets.UTF_8)), 0);
                try { // what a refused run's walk names this one by (MARK): its decision made, its line written
                    f.mark = f.channel.tryLock(MARK, 1, false);
                } catch (OverlappingFileLockException | IOException e) {
                    f.mark = null;
                }
                if (f.mark == null) LOG.fine("[READ] " + key.resolve(FILE) + ": probed as this run went on, a run refused meanwhile does not name it");
            }
        } catch (IOException | RuntimeException e) {
            f.channel.close();
            throw e;
        }
        f.owner = thread;
        f.depth = 1;
        HELD.put(key, f);
        owned = key;
    }

    /**
     * Takes the lock of a stack run writing {@code outputFile} (its folder created when missing):
     * the file for this run alone, its folder and the folders above it that runs own(ed) shared
     * with other stacks only.
     *
     * @throws IOException naming the file when another run writes it, or the folder when a run
     *                     owns it (or a folder above it)
     */
    public static OutputLock acquireFile(Path outputFile) throws IOException {
        Path abs = outputFile.toAbsolutePath().normalize();
        Path dir = abs.getParent();
        String name = abs.getFileName().toString();
        Thread me = Thread.currentThread();
        Path planned = planned(dir);
        synchronized (HELD) {
            OutputLock l = new OutputLock(me);
            try {
                // The folders above with a lock file first, before the file's folder and its lock file are
                // made: a stack refused there (a run owns one) leaves the file system as it was.
                for (Path a : marked(planned)) l.share(a, a, false);
                lookedAbove(planned);
                createFolder(dir, true);
                Path key = dir.toRealPath();
                l.share(key, dir, true);
                // Again, now that this stack holds its folder: a run that took a folder above after the first
                // look sees this stack when it looks below (it looks after taking its lock), or this look sees it.
                // (Refused here, in that instant, the new folder and lock file stay: another stack may use them already.)
                for (Path a : marked(key)) if (!l.shares.contains(a)) l.share(a, a, false);
                l.output(key, dir, name);
            } catch (IOException | RuntimeException e) {
                l.release();
                throw e;
            }
            return l;
        }
    }

    /**
     * Tests: called with the real path a run's folder (a stack's: its file's folder) will have, after
     * the run's first look at the folders above, before that folder is made and held (HELD locked).
     */
    static volatile java.util.function.Consumer<Path> afterFirstLook;

    private static void lookedAbove(Path planned) {
        java.util.function.Consumer<Path> hook = afterFirstLook;
        if (hook != null) hook.accept(planned);
    }

    /**
     * The real path {@code dir} will have once made: the real path of its nearest existing folder
     * and the names below it (absolute and normalized, so none is "..").
     */
    private static Path planned(Path dir) throws IOException {
        Path existing = dir;
        while (existing != null && !Files.exists(existing)) existing = existing.getParent();
        return existing == null ? dir : existing.toRealPath().resolve(existing.relativize(dir));
    }

    /**
     * The folders above {@code key} that a stack in it holds (with HELD locked): those with a lock file
     * (a folder some run owned, or owns) and those this JVM holds, the nearest first.
     */
    private static Set<Path> marked(Path key) {
        Set<Path> marked = new LinkedHashSet<>();
        for (Path a = key.getParent(); a != null; a = a.getParent())
            if (HELD.containsKey(a) || Files.exists(a.resolve(FILE))) marked.add(a);
        return marked;
    }

    /**
     * Holds byte {@link #STACKS} of {@code key}'s lock file shared (with HELD locked). {@code own}:
     * the stack's own folder, where the lock file is created; above it only an existing one is held.
     */
    private void share(Path key, Path shown, boolean own) throws IOException {
        Folder f = HELD.get(key);
        if (f != null && f.owner != null && f.owner != thread) throw busy(shown, holder(f.channel)); // a run of this JVM owns it
        if (f == null) {
            try {
                f = own ? openOwn(key, shown, true) : open(key, false);
            } catch (IOException e) {
                if (own) throw e;
                LOG.fine("[READ] " + key.resolve(FILE) + " cannot be opened (" + e.getMessage() + "): not held");
                return;
            }
            HELD.put(key, f);
        }
        if (f.owner == null && f.shared == null && f.guarded) { // (a folder this thread's run owns is covered by its lock)
            try {
                f.shared = f.channel.tryLock(STACKS, 1, true);
            } catch (OverlappingFileLockException e) {
                f.shared = null;
            } catch (IOException e) {
                LOG.fine("[READ] no lock on " + key.resolve(FILE) + " (" + e.getMessage() + "): this run is not guarded against another one");
                f.guarded = false;
            }
            if (f.guarded && f.shared == null) {
                String who = holder(f.channel);
                closeIfIdle(key, f);
                throw busy(shown, who);
            }
        }
        f.stacks.add(thread);
        shares.add(key);
    }

    /** Holds the byte of {@code name} in {@code key}'s lock file (shared already by this hold; with HELD locked). */
    private void output(Path key, Path dir, String name) throws IOException {
        Folder f = HELD.get(key);
        Output o = f.outputs.get(name);
        if (o != null) {
            if (o.owner != thread) throw busyFile(dir.resolve(name));
            o.depth++;
        } else {
            FileLock lock = null;
            if (f.guarded && f.owner == null) {
                boolean guarded = true;
                try {
                    lock = f.channel.tryLock(slot(name), 1, false);
                } catch (OverlappingFileLockException e) {
                    lock = null;
                } catch (java.nio.channels.NonWritableChannelException | IOException e) { // a lock file it may not write
                    LOG.fine("[READ] no lock of " + name + " in " + key.resolve(FILE) + " (" + e + "): not guarded against another stack");
                    guarded = false;
                }
                if (lock == null && guarded) throw busyFile(dir.resolve(name));
            }
            f.outputs.put(name, new Output(thread, lock));
        }
        outputDir = key;
        outputName = name;
    }

    /** The byte standing for an output file's name: 40 bits of its SHA-256 (a clash of two names in one folder: 1e-12). */
    private static long slot(String name) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(name.getBytes(StandardCharsets.UTF_8));
            long h = 0;
            for (int i = 0; i < 8; i++) h = h << 8 | (d[i] & 0xff);
            return OUTPUTS + Math.floorMod(h, OUTPUT_SLOTS);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
    }

    /**
     * {@link #open}{@code (key, true)} for the folder a run writes into ({@code shown}; {@code stack}:
     * the folder of a stack's output file): the lock file is the first thing a run writes there, so
     * a folder it may not write fails here, and is said in those words, naming the folder; the lock
     * file is Tessera's business ("/out/.tessera.lock: permission denied" sent users looking for it).
     * A lock file there already that this user may not write (another user's run) is left as it is.
     */
    private static Folder openOwn(Path key, Path shown, boolean stack) throws IOException {
        try {
            return open(key, true);
        } catch (java.nio.file.FileSystemException e) {
            String why = refusal(e);
            if (why == null || Files.exists(key.resolve(FILE), java.nio.file.LinkOption.NOFOLLOW_LINKS)) throw e;
            throw new IOException(folder(shown, stack) + " is not writable (" + why + "): choose another output "
                    + (stack ? "file, or make the folder writable" : "folder, or make it writable"), e);
        }
    }

    /**
     * Makes {@code dir} (and the folders above it) when missing; a folder above that may not be
     * written is named ({@code stack}: {@code dir} is the folder of a stack's output file).
     */
    private static void createFolder(Path dir, boolean stack) throws IOException {
        try {
            Files.createDirectories(dir);
        } catch (java.nio.file.FileSystemException e) {
            String why = refusal(e);
            if (why == null) {
                // A file where a folder of the path belongs: the system's words were "/out: already exists"
                // or "/out/sub: Not a directory", neither naming the file in the way
                String blocked = blocked(dir.toAbsolutePath());
                if (blocked == null) throw e;
                throw new IOException("cannot make " + folder(dir, stack) + ": " + blocked + ": choose another output "
                        + (stack ? "file" : "folder"), e);
            }
            Path above = dir.toAbsolutePath().getParent();
            while (above != null && !Files.isDirectory(above)) above = above.getParent();
            throw new IOException("cannot make " + folder(dir, stack) + ": " + above + " is not writable (" + why
                    + "): choose another output " + (stack ? "file" : "folder") + ", or make " + above + " writable", e);
        }
    }

    /**
     * Why {@code dir} cannot be made as a folder, naming the path in the way: the nearest of it and
     * the paths above it that exists is a file ("F is a file, not a folder"), or a link to nothing;
     * null when that path is a folder (the failure is another one).
     */
    private static String blocked(Path dir) {
        for (Path p = dir; p != null; p = p.getParent()) {
            if (Files.isDirectory(p)) return null;
            if (Files.exists(p)) return p + " is a file, not a folder";
            if (Files.isSymbolicLink(p)) {
                String target;
                try {
                    target = String.valueOf(Files.readSymbolicLink(p));
                } catch (IOException e) {
                    target = "?";
                }
                return p + " is a link to " + target + ", which does not exist";
            }
        }
        return null;
    }

    /** What the messages call a run's folder: "the output folder D", or "the folder D of the output file" (a stack's). */
    private static String folder(Path dir, boolean stack) {
        return stack ? "the folder " + dir + " of the output file" : "the output folder " + dir;
    }

    /**
     * "permission denied", "operation not permitted" (EPERM: an immutable folder, a pseudo file
     * system) or "read-only file system" when that is why a file or folder could not be made, else null.
     */
    private static String refusal(java.nio.file.FileSystemException e) {
        if (e instanceof java.nio.file.AccessDeniedException) return "permission denied";
        String r = e.getReason() == null ? "" : e.getReason().toLowerCase(java.util.Locale.ROOT);
        return r.contains("read-only") ? "read-only file system" : r.contains("not permitted") ? "operation not permitted" : null;
    }

    /**
     * This JVM's channel on {@code key}'s lock file, for reading and writing: a stack's folder may
     * be held first as the folder above another stack's, then be a stack's own (its file's byte is
     * locked exclusively, which needs a writable channel). {@code create}: made when missing; else
     * an existing file that cannot be written (another user's folder) is opened for reading.
     */
    private static Folder open(Path key, boolean create) throws IOException {
        Path file = key.resolve(FILE);
        if (create) return new Folder(FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE));
        try {
            return new Folder(FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE));
        } catch (java.nio.file.AccessDeniedException e) {
            return new Folder(FileChannel.open(file, StandardOpenOption.READ));
        }
    }

    /**
     * Who holds a lock file in a folder below {@code key} in another process, or null. A stack or
     * run that began there before this folder had a lock file could not hold this one; once this run
     * holds it, one starting below sees it, so the look is made after taking the lock.
     * {@code runsOnly}: only a run owning a folder below, by its {@link #MARK} (to name it to a run
     * refused, which takes nothing). Every depth
     * ({@code master_tiles/}, {@code grid_EQ/} …, and a stack's folder deeper down): the walk reads
     * each folder once and each entry's attributes once, without following symbolic links (no
     * cycles, nothing outside the folder), and probes only the lock files it meets: its cost grows
     * with the entries below the folder, which for a mosaic's folder are its tiles, plate solutions
     * and earlier run's files ({@code bench/lock/run.sh} measures it). The folders this JVM holds are
     * walked through but their lock file is not probed (their holds were checked above; a second
     * channel on their file would drop their locks when closed).
     */
    private static String heldBelow(Path key, boolean runsOnly) {
        String[] held = {null};
        try {
            Files.walkFileTree(key, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                    Path sub = file.getParent();
                    if (!attrs.isRegularFile() || !file.getFileName().toString().equals(FILE) || sub.equals(key) || HELD.containsKey(sub))
                        return FileVisitResult.CONTINUE;
                    held[0] = probe(sub, runsOnly);
                    return held[0] == null ? FileVisitResult.CONTINUE : FileVisitResult.TERMINATE;
                }

                @Override
                public FileVisitResult visitFileFailed(Path file, IOException e) { // not ours to look into (another user's folder)
                    LOG.fine("[READ] " + file + " not looked at: " + e);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            LOG.fine("[READ] the folders in " + key + " not looked at: " + e);
        }
        return held[0];
    }

    /**
     * Who holds the lock file of {@code sub} (a folder this JVM does not hold), or null: one byte taken
     * exclusively for an instant and given back. Byte {@link #STACKS}, as a mosaic would take it: a
     * stack or a run there; with {@code runsOnly}, byte {@link #MARK}, which no run takes to decide
     * whether it may go on: only a run owning {@code sub}.
     */
    private static String probe(Path sub, boolean runsOnly) {
        Path file = sub.resolve(FILE);
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            FileLock probe = ch.tryLock(runsOnly ? MARK : STACKS, 1, false);
            if (probe != null) {
                probe.release();
                return null;
            }
            String holder = holder(ch);
            return !runsOnly && stacksOnly(ch) ? STACKS_HOLD : "a run writing into " + sub + (holder.isEmpty() ? "" : ", " + holder);
        } catch (IOException | RuntimeException e) { // not ours to look at (another user's folder), or no locks there
            LOG.fine("[READ] " + file + " not looked at: " + e);
            return null;
        }
    }

    /** Whether byte {@link #STACKS} can be had shared (then stacks, not a run owning the folder, hold the file); this JVM holds nothing of it. */
    private static boolean stacksOnly(FileChannel ch) {
        try {
            FileLock s = ch.tryLock(STACKS, 1, true);
            if (s == null) return false;
            s.release();
            return true;
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    private static IOException busy(Path dir, String holder) {
        return new IOException("another Tessera run is writing into " + dir + (holder.isEmpty() ? "" : " (" + holder + ")")
                + ": wait for it to end, or choose another output folder");
    }

    private static IOException busyFile(Path file) {
        return new IOException("another Tessera run is writing " + file + ": wait for it to end, or choose another output file");
    }

    /** What the holder wrote ("pid 123, started 2026-12-06 21:04:05"), or "" when it cannot be read. */
    private static String holder(FileChannel ch) {
        try {
            ByteBuffer b = ByteBuffer.allocate(200);
            int n = ch.read(b, 0);
            return n <= 0 ? "" : new String(b.array(), 0, n, StandardCharsets.UTF_8).strip();
        } catch (IOException e) { // a system with mandatory locks (Windows) does not let it be read
            return "";
        }
    }

    /** Releases this hold; a folder or file is free once the outermost hold of its run is closed. Idempotent. */
    @Override
    public void close() throws IOException {
        synchronized (HELD) {
            if (closed) return;
            closed = true;
            release();
        }
    }

    /** Gives back what this hold took (with HELD locked); the first failure is thrown once all is given back. */
    private void release() throws IOException {
        IOException failed = null;
        Set<Path> touched = new LinkedHashSet<>();
        if (outputName != null) {
            Folder f = HELD.get(outputDir);
            Output o = f.outputs.get(outputName);
            if (--o.depth == 0) {
                f.outputs.remove(outputName);
                failed = release(o.lock, failed);
            }
            touched.add(outputDir);
            outputName = null;
        }
        for (Path a : shares) {
            Folder f = HELD.get(a);
            f.stacks.remove(thread);
            if (f.stacks.isEmpty() && f.shared != null) {
                failed = release(f.shared, failed);
                f.shared = null;
            }
            touched.add(a);
        }
        shares.clear();
        if (owned != null) {
            Folder f = HELD.get(owned);
            if (--f.depth == 0) {
                f.owner = null;
                failed = release(f.mark, failed);
                failed = release(f.whole, failed);
                f.whole = f.mark = null;
                // stacks this thread started inside its own run keep their folder held
                if (!f.stacks.isEmpty() && f.guarded)
                    try {
                        f.shared = f.channel.tryLock(STACKS, 1, true);
                    } catch (IOException | RuntimeException e) {
                        LOG.fine("[READ] " + owned.resolve(FILE) + ": " + e);
                    }
            }
            touched.add(owned);
            owned = null;
        }
        for (Path a : touched) {
            try {
                closeIfIdle(a, HELD.get(a));
            } catch (IOException e) {
                if (failed == null) failed = e;
            }
        }
        if (failed != null) throw failed;
    }

    private static IOException release(FileLock l, IOException failed) {
        try {
            if (l != null && l.isValid()) l.release();
            return failed;
        } catch (IOException e) {
            return failed != null ? failed : e;
        }
    }

    /** Closes a folder's channel (dropping what is left of its locks) once nothing of this JVM holds it. */
    private static void closeIfIdle(Path key, Folder f) throws IOException {
        if (f == null || !f.idle()) return;
        if (HELD.get(key) == f) HELD.remove(key);
        f.channel.close();
    }
}

package org.tessera.pipeline;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.Map;
import java.util.logging.Logger;

/**
 * One run at a time in an output folder. A mosaic or reproject run moves an earlier run's files
 * aside, rewrites the master tiles under fixed names and renames its outputs into place: a second
 * run into the same folder at the same time would move or overwrite the first one's files under
 * it (the first then fails, or worse, finishes with tiles of the other run's settings). So a run
 * holds an exclusive lock on {@value #FILE} in its output folder; a second run (another process,
 * or another run in this JVM) stops at once with a message naming the holder.
 * <p>
 * Every front goes through it: the pipeline's entry points ({@code MosaicPipeline.mosaic},
 * {@code grid}, {@code reproject}) take it, so scripts calling them directly are guarded too, and
 * the fronts and the Spark driver take it around the whole job. A run re-enters the lock its own
 * thread holds (a front's lock, then the pipeline's; Spark's driver, then its Phase 5 through the
 * pipeline), and the folder is free when the outermost holder closes; another thread of the same
 * JVM (a second Fiji command) is refused like another process.
 * <p>
 * The operating system releases the lock when the process ends, even on {@code kill -9}, so a
 * crashed run never blocks the next one; the file itself stays (deleting it on release would let
 * a waiting run lock an unlinked file while a third creates a new one). On a file system without
 * locks (some network shares) the run goes on unguarded, as before.
 */
public final class OutputLock implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger("org.tessera.pipeline");

    /** The lock file in the output folder. */
    public static final String FILE = ".tessera.lock";

    /** The folders this JVM holds, by real path: the holding thread, how deep, the file lock. */
    private static final Map<Path, Held> HELD = new HashMap<>();

    private static final class Held {
        final Thread owner;
        final FileChannel channel;
        final FileLock lock; // null on a file system without locks
        int depth = 1;

        Held(Thread owner, FileChannel channel, FileLock lock) {
            this.owner = owner;
            this.channel = channel;
            this.lock = lock;
        }
    }

    private final Path key;
    private Held held; // null once closed

    private OutputLock(Path key, Held held) {
        this.key = key;
        this.held = held;
    }

    /**
     * Takes the lock of {@code outputDir} (created when missing).
     *
     * @throws IOException naming the folder and the run holding it when another run holds it
     */
    public static OutputLock acquire(Path outputDir) throws IOException {
        Files.createDirectories(outputDir);
        Path key = outputDir.toRealPath();
        Path file = outputDir.resolve(FILE);
        synchronized (HELD) {
            Held h = HELD.get(key);
            if (h != null && h.owner == Thread.currentThread()) { // this run, one level further in
                h.depth++;
                return new OutputLock(key, h);
            }
            FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
            FileLock lock;
            if (h != null) {
                lock = null; // another run of this JVM
            } else {
                try {
                    lock = ch.tryLock();
                } catch (OverlappingFileLockException e) { // held in this JVM outside this class
                    lock = null;
                } catch (IOException e) {
                    LOG.fine("[READ] no lock on " + file + " (" + e.getMessage() + "): this run is not guarded against another one");
                    Held unguarded = new Held(Thread.currentThread(), ch, null);
                    HELD.put(key, unguarded);
                    return new OutputLock(key, unguarded);
                }
            }
            if (lock == null) {
                String holder = holder(ch);
                ch.close();
                throw new IOException("another Tessera run is writing into " + outputDir + (holder.isEmpty() ? "" : " (" + holder + ")")
                        + ": wait for it to end, or choose another output folder");
            }
            ch.truncate(0);
            String me = "pid " + ProcessHandle.current().pid() + ", started "
                    + RunLog.localTime(System.currentTimeMillis()).toString().replace('T', ' ');
            ch.write(ByteBuffer.wrap(me.getBytes(StandardCharsets.UTF_8)), 0);
            Held mine = new Held(Thread.currentThread(), ch, lock);
            HELD.put(key, mine);
            return new OutputLock(key, mine);
        }
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

    /** Releases this hold; the folder is free once the outermost hold of its run is closed. Idempotent. */
    @Override
    public void close() throws IOException {
        Held h;
        synchronized (HELD) {
            h = held;
            held = null;
            if (h == null || --h.depth > 0) return;
            HELD.remove(key);
            try {
                if (h.lock != null && h.lock.isValid()) h.lock.release();
            } finally {
                h.channel.close();
            }
        }
    }
}

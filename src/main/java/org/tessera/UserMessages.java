package org.tessera;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.FileSystemLoopException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.util.Locale;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/**
 * The one place that turns a failure into words a user can act on: what went wrong with which
 * file and what to do, never a Java class name. Every front (CLI, Fiji, macros), every skipped
 * frame's reason and every failed tile's reason goes through {@link #describe}; out-of-memory gets
 * {@link #outOfMemory}, which names the heap settings.
 */
public final class UserMessages {
    private UserMessages() {}

    /** What to do when the Java heap is too small: the CLI's and Fiji's memory settings. */
    public static final String HEAP_HINT = "give Tessera more memory: on the command line set JAVA_OPTS, e.g. "
            + "JAVA_OPTS=-Xmx8g bin/tessera ...; in Fiji use Edit > Options > Memory & Threads and restart Fiji";

    /** The message for an {@link OutOfMemoryError} while doing {@code what} (may be null). */
    public static String outOfMemory(String what) {
        long mb = Runtime.getRuntime().maxMemory() >> 20;
        return "out of memory" + (what == null || what.isBlank() ? "" : " while " + what)
                + " (Java heap of " + mb + " MB is too small): " + HEAP_HINT;
    }

    /**
     * A failure whose message is already written for the user (what failed and what to do), thrown
     * on purpose rather than by a bug: {@link #describe} gives its message as it is.
     */
    public interface UserFacing {}

    /** One line for a failure: the file and the problem in plain words. */
    public static String describe(Throwable e) {
        if (isCancel(e)) return CANCELLED;
        Throwable t = unwrap(e);
        if (t instanceof OutOfMemoryError) return outOfMemory(null);
        String msg = t.getMessage() == null ? "" : t.getMessage().strip();
        if (t instanceof FileSystemException f) return fileProblem(f);
        if (t instanceof IOException) {
            String disk = diskFull(msg);
            return disk != null ? disk : msg.isEmpty() ? "input/output error" : msg;
        }
        if (t instanceof IllegalArgumentException && msg.toLowerCase(Locale.ROOT).contains("negative position"))
            return "the file's header points before the start of the file (damaged header)";
        if (t instanceof IllegalArgumentException || t instanceof IllegalStateException)
            return msg.isEmpty() ? "invalid value" : msg;
        if (t instanceof UserFacing && !msg.isEmpty()) return msg;
        if (t instanceof StackOverflowError) return "internal error: the computation recursed too deeply";
        // Anything else is a bug in Tessera: say so in words, keep the detail for the report.
        return "internal error (please report it with tessera.log)" + (msg.isEmpty() ? "" : ": " + msg);
    }

    /** What every front says when the user stopped a run (Esc, the cancel of a SciJava module). */
    public static final String CANCELLED = "cancelled by the user";

    /**
     * Whether {@code e} is the user's cancel: a {@link java.util.concurrent.CancellationException}
     * anywhere in its causes (the pipeline's phases throw one when {@code Progress.cancelled()}).
     */
    public static boolean isCancel(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause())
            if (t instanceof java.util.concurrent.CancellationException) return true;
        return false;
    }

    /** A problem with the file {@code p}, e.g. "cannot read: " + {@code problemWith(e)}. */
    public static String problemWith(Throwable e) {
        Throwable t = unwrap(e);
        if (t instanceof FileSystemException f) return reason(f);
        return describe(t);
    }

    private static Throwable unwrap(Throwable e) {
        Throwable t = e;
        while ((t instanceof UncheckedIOException || t instanceof ExecutionException || t instanceof CompletionException)
                && t.getCause() != null)
            t = t.getCause();
        return t;
    }

    /**
     * "FILE: reason", or "FILE -> OTHER: reason" for a move or copy (the form of the exception's own
     * message: a log line that holds it does not append the exception, class name included).
     */
    private static String fileProblem(FileSystemException f) {
        String file = f.getFile(), other = f.getOtherFile();
        return (file == null ? "" : other == null ? file + ": " : file + " -> " + other + ": ") + reason(f);
    }

    /** The reason alone (no file name) for a file-system failure. */
    private static String reason(FileSystemException f) {
        if (f instanceof NoSuchFileException) return "does not exist";
        if (f instanceof AccessDeniedException) return "permission denied (check the file's and its folder's permissions)";
        if (f instanceof FileSystemLoopException) return "a folder link points back to a folder above it (link loop): not followed";
        if (f instanceof NotDirectoryException) return "is not a folder";
        if (f instanceof FileAlreadyExistsException) return "already exists";
        if (f instanceof DirectoryNotEmptyException) return "folder is not empty";
        String r = f.getReason() == null ? "" : f.getReason().strip();
        String disk = diskFull(r);
        if (disk != null) return disk;
        // EROFS: a folder mounted read-only under a writable output (master_tiles/ of an earlier run,
        // a read-only bind or network share); the system's bare words said neither what nor what to do
        if (r.toLowerCase(Locale.ROOT).contains("read-only file system"))
            return "the file system is read-only (mounted read-only): Tessera cannot write, move or remove files "
                    + "there; choose another output folder, or make it writable";
        return r.isEmpty() ? "input/output error" : r;
    }

    private static final String DISK_FULL = "the disk is full (";

    /**
     * Whether {@code e} (or a cause of it) is the system's disk-full or quota failure, or a message
     * already worded from one: no later file fits either, so it is the run's failure, not a tile's.
     */
    public static boolean isDiskFull(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            String m = t instanceof FileSystemException f ? f.getReason() : t.getMessage();
            if (m != null && (m.toLowerCase(Locale.ROOT).contains(DISK_FULL) || diskFull(m) != null)) return true;
        }
        return false;
    }

    /** "the disk is full …" when {@code msg} is the system's disk-full or quota message, else null. */
    private static String diskFull(String msg) {
        String m = msg.toLowerCase(Locale.ROOT);
        // Already said by a writer ("FILE: cannot write: the disk is full (…): …"): wrapped again, the
        // line read "the disk is full (FILE: cannot write: the disk is full (…): …): …".
        if (m.contains(DISK_FULL)) return null;
        if (m.contains("no space left") || m.contains("disk full") || m.contains("not enough space")
                || m.contains("quota exceeded"))
            return DISK_FULL + msg + "): free some space or choose another output folder";
        return null;
    }
}

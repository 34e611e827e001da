package org.tessera;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.FileSystemException;

import org.junit.jupiter.api.Test;

/**
 * A rerun with other settings over an output whose {@code master_tiles/} is on a read-only mount
 * (an earlier run's folder mounted read-only, a share) failed with the system's bare words:
 * {@code failed: …/master_tiles/master_tile_000.fits: Read-only file system}. The line now says what
 * it means and what to do, as the up-front check of a read-only output folder does.
 */
class UserMessagesTest {

    @Test
    void aReadOnlyFileSystemIsSaidInWords() {
        FileSystemException e = new FileSystemException("/out/master_tiles/master_tile_000.fits", null, "Read-only file system");
        assertEquals("/out/master_tiles/master_tile_000.fits: the file system is read-only (mounted read-only): Tessera "
                + "cannot write, move or remove files there; choose another output folder, or make it writable",
                UserMessages.describe(new java.io.UncheckedIOException(e)));
        assertEquals("/a.fits -> /prev/a.fits: the file system is read-only (mounted read-only): Tessera cannot write, "
                + "move or remove files there; choose another output folder, or make it writable",
                UserMessages.describe(new FileSystemException("/a.fits", "/prev/a.fits", "Read-only file system")));
        // the console line holds the words once, not "… (java.nio.file.FileSystemException: …: Read-only file system)" after them
        java.util.logging.LogRecord r = new java.util.logging.LogRecord(java.util.logging.Level.SEVERE,
                "failed: " + UserMessages.describe(e));
        r.setThrown(e);
        r.setLoggerName("org.tessera.cli");
        String line = new org.tessera.pipeline.RunLog.LineFormatter(false).format(r);
        assertEquals(" SEVERE [cli] failed: " + UserMessages.describe(e) + "\n", line.substring(8));
        // other system reasons stay as the system words them
        assertEquals("/a.fits: Stale file handle", UserMessages.describe(new FileSystemException("/a.fits", null,
                "Stale file handle")));
    }
}

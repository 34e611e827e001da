package org.tessera.io;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * Files that appear whole or not at all, one way for every output (FITS images, the PNG preview,
 * the run manifest, cached WCS headers): written beside their final name, then renamed over it.
 */
public final class AtomicFiles {
    private AtomicFiles() {}

    /**
     * Renames {@code tmp} over {@code target}: atomically where the file system can (a reader sees
     * the old file or the new one, never part of it), else a plain replace.
     */
    public static void move(Path tmp, Path target) throws IOException {
        try {
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /**
     * Forces {@code tmp}'s bytes to the device, then {@link #move}s it: a rename can reach the disk
     * before the data it names, so after a power cut an unforced file may be there, under its
     * final name, empty.
     */
    public static void commit(Path tmp, Path target) throws IOException {
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
            ch.force(true);
        }
        move(tmp, target);
    }
}

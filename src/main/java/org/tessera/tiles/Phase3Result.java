package org.tessera.tiles;

import java.util.List;

import org.tessera.io.MountMode;

/**
 * What Phase 3 did: the run-level ALT-AZ cleanup flag, one summary per finished tile (in tile id
 * order), the tiles that failed with their reason, and whether the user cancelled.
 */
public record Phase3Result(boolean cleanupRunFlag, List<Summary> tiles, List<Failure> failures, boolean cancelled) {

    /** A finished tile (given to the sink). */
    public record Summary(int id, int frames, int framesUsed, MountMode mount, boolean cleanupEnabled,
                          boolean cleaned, boolean empty, int width, int height) {}

    /** A tile that could not be made or written. */
    public record Failure(int id, String message) {}
}

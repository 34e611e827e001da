package org.tessera.stack;

import java.io.IOException;

/**
 * Which backend makes one tile's whole stack, and what happens when it fails. The callers (Phase 3
 * master tiles, Grid tiles) describe one complete stack of the tile as an {@link Attempt}; the
 * policy runs it with the backend of its choice, possibly several times, and returns the accepted
 * outcome. {@link #CPU} runs it once on the CPU backend; the GPU policies (package {@code gpu}:
 * Phase 3 mode C, Grid) try the GPU first and recompute the whole tile on the CPU when the GPU
 * fails, so that a tile is never made of GPU and CPU parts. This interface keeps {@code tiles} and
 * {@code grid} free of any GPU type: the pipeline hands them the policy.
 */
public interface TileStackPolicy {

    /**
     * One complete stack of a tile with {@code backend}. Every call must rewrite all of its
     * outputs (or start them afresh), so that a failed attempt leaves nothing behind.
     */
    @FunctionalInterface
    interface Attempt<T> {
        T run(StackBackend backend) throws IOException;
    }

    /** Runs the stack of tile {@code tileId} and returns the accepted outcome. */
    <T> T stack(int tileId, Attempt<T> attempt) throws IOException;

    /** The CPU backend, once: today's behaviour, bit for bit. */
    TileStackPolicy CPU = new TileStackPolicy() {
        @Override
        public <T> T stack(int tileId, Attempt<T> attempt) throws IOException {
            return attempt.run(CpuStackBackend.INSTANCE);
        }
    };
}

package org.tessera.solve;

import java.io.IOException;

import org.tessera.io.FitsFrame;
import org.tessera.register.FrameRegistrar;
import org.tessera.register.Registration;
import org.tessera.register.SessionRotation;

/**
 * Registers a frame on its group's reference: a {@link Registration} (frame pixel → reference
 * pixel, or why there is none). {@link RawFrameAstrometry} composes it with the reference's solved
 * WCS, so only one frame per group needs a plate solve.
 */
@FunctionalInterface
public interface FrameAligner {

    /** @throws InterruptedException when the run is stopped */
    Registration align(FitsFrame reference, FitsFrame moving) throws InterruptedException;

    /**
     * Registers {@code moving} again with a field rotation learnt from its session
     * ({@link SessionRotation#retries}) for an area correlation to try; null when this aligner
     * has no such second try (the first registration stands).
     *
     * @throws InterruptedException when the run is stopped
     */
    default Registration alignTurned(FitsFrame reference, FitsFrame moving, SessionRotation.Turn turn) throws InterruptedException {
        return null;
    }

    /**
     * Star registration ({@link FrameRegistrar}): the reference's stars are found once per
     * reference; frames may then be registered on it from several threads at once.
     */
    static FrameAligner stars(FrameRegistrar registrar) {
        return new FrameAligner() {
            /** The last reference prepared, or why it could not be. */
            private record Prepared(FitsFrame frame, FrameRegistrar.Reference ref, String failure) {}

            private Prepared last;

            private synchronized Prepared prepare(FitsFrame reference) {
                if (last == null || last.frame() != reference) {
                    try {
                        last = new Prepared(reference, registrar.reference(reference), null);
                    } catch (IOException | RuntimeException e) {
                        last = new Prepared(reference, null, "cannot read the reference " + reference.name() + ": " + e.getMessage());
                    }
                }
                return last;
            }

            @Override
            public Registration align(FitsFrame reference, FitsFrame moving) {
                Prepared p = prepare(reference);
                return p.ref() == null ? Registration.failed(moving.name(), p.failure()) : registrar.register(p.ref(), moving);
            }

            @Override
            public Registration alignTurned(FitsFrame reference, FitsFrame moving, SessionRotation.Turn turn) {
                Prepared p = prepare(reference);
                return p.ref() == null ? null : registrar.register(p.ref(), moving, turn);
            }
        };
    }
}

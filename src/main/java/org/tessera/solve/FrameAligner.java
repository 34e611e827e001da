package org.tessera.solve;

import java.io.IOException;

import org.tessera.io.FitsFrame;
import org.tessera.register.FrameRegistrar;
import org.tessera.register.Registration;

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
        };
    }
}

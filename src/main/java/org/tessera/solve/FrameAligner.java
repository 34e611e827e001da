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

    /** Star registration ({@link FrameRegistrar}), the reference's stars found once per reference. */
    static FrameAligner stars(FrameRegistrar registrar) {
        return new FrameAligner() {
            private FitsFrame last;
            private FrameRegistrar.Reference prepared;
            private String unreadable;

            @Override
            public synchronized Registration align(FitsFrame reference, FitsFrame moving) {
                if (reference != last) {
                    last = reference;
                    prepared = null;
                    unreadable = null;
                    try {
                        prepared = registrar.reference(reference);
                    } catch (IOException | RuntimeException e) {
                        unreadable = "cannot read the reference " + reference.name() + ": " + e.getMessage();
                    }
                }
                return prepared == null ? Registration.failed(moving.name(), unreadable) : registrar.register(prepared, moving);
            }
        };
    }
}

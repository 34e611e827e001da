package org.tessera.solve;

import java.util.ArrayList;
import java.util.List;
import java.util.logging.Logger;

import org.tessera.io.FitsFrame;
import org.tessera.register.Registration;

/**
 * Phase 1's solves overlapped with the registrations, the part every {@link RawFrameAstrometry.Work}
 * shares: each group's frames are registered on its first reference candidate (the middle frame,
 * {@link RawGroups.Group#referenceOrder}) while the solves run, since the registration does not
 * need the solution; once a group's solve is known, a group whose first candidate did not solve
 * is registered again on the frame that did, and a group with no solution keeps no registration.
 * Each frame thus gets the registration it would get with the solves first, whatever finishes first.
 * {@link LocalPlacement} runs it on this machine's threads, the Spark module as jobs.
 */
public final class FirstCandidate {

    private static final Logger LOG = Logger.getLogger("org.tessera.solve");

    private FirstCandidate() {}

    /** The frame a group is registered on before its solve is known: its first reference candidate. */
    public static FitsFrame of(RawGroups.Group g) {
        return g.referenceOrder().get(0);
    }

    /** Group {@code k}'s reference, once solved (may wait). */
    public interface Solved {
        RawFrameAstrometry.Reference await(int k) throws InterruptedException;
    }

    /** Registers {@code moving} (group {@code k}'s frames) on {@code reference}, results in that order. */
    public interface Register {
        List<Registration> on(int k, FitsFrame reference, List<FitsFrame> moving) throws InterruptedException;
    }

    /**
     * Each group's outcome, in group order: {@code on[k]} the frame group {@code k}'s frames were
     * registered on before its solve was known (null: not registered), {@code regs.get(k)} those
     * registrations; a group whose solve found another frame is registered again on it by
     * {@code again}, in group order, as soon as its solve is known.
     */
    public static List<RawFrameAstrometry.GroupOutcome> settle(List<RawGroups.Group> groups, FitsFrame[] on,
                                                              List<List<Registration>> regs, Solved solved, Register again)
            throws InterruptedException {
        return settle(groups, on, regs, solved, again, (k, o) -> { });
    }

    /** A group's outcome, final: group {@code k} settled as {@code outcome}. */
    public interface Settled {
        void settled(int k, RawFrameAstrometry.GroupOutcome outcome);
    }

    /**
     * As {@link #settle(List, FitsFrame[], List, Solved, Register)}, handing each group's outcome
     * to {@code settled} as soon as it is final, before the later groups' solves are awaited.
     */
    public static List<RawFrameAstrometry.GroupOutcome> settle(List<RawGroups.Group> groups, FitsFrame[] on,
                                                              List<List<Registration>> regs, Solved solved, Register again,
                                                              Settled settled)
            throws InterruptedException {
        List<RawFrameAstrometry.GroupOutcome> out = new ArrayList<>();
        for (int k = 0; k < groups.size(); k++) {
            RawFrameAstrometry.Reference r = solved.await(k);
            List<Registration> mine = regs.get(k);
            if (r.frame() == null) {
                mine = List.of();
            } else if (r.frame() != on[k]) { // the first candidate did not solve: register on the one that did
                List<FitsFrame> moving = RawFrameAstrometry.others(groups.get(k), r.frame());
                LOG.fine("[SOLVE] group " + groups.get(k).id() + ": registering again on " + r.frame().name());
                mine = again.on(k, r.frame(), moving);
            }
            RawFrameAstrometry.GroupOutcome o = new RawFrameAstrometry.GroupOutcome(r, mine);
            settled.settled(k, o);
            out.add(o);
        }
        return out;
    }
}

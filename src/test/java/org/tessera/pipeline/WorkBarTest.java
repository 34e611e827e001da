package org.tessera.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.tessera.Progress;
import org.tessera.plan.WorkCosts;

class WorkBarTest {

    /**
     * Each phase takes cost / (cost + later) of what is left; a phase without work takes nothing;
     * a new estimate of the later phases re-weights only what is left, so the bar never goes back.
     */
    @Test
    void phasesShareWhatIsLeftByTheirCost() {
        List<Double> f = new ArrayList<>();
        WorkBar bar = new WorkBar((x, m) -> f.add(x));
        Progress scan = bar.share(0.02);
        scan.update(1, "scanned");
        Progress place = bar.next(0, 98); // every frame has a WCS: nothing to place
        place.update(1, "placed");
        Progress stack = bar.next(60, 20); // 60 s of stacking against 20 s estimated after it
        stack.update(0.5, "half the tiles");
        stack.update(1, "tiles");
        Progress coadd = bar.next(10, 30); // the estimate after it grew: 10 of the 40 s left
        coadd.update(1, "coadd");
        bar.next(1, 0).update(1, "written");
        assertEquals(6, f.size());
        assertEquals(0.02, f.get(0), 1e-12);
        assertEquals(0.02, f.get(1), 1e-12);
        assertEquals(0.02 + 0.98 * 0.75 / 2, f.get(2), 1e-12);
        assertEquals(0.02 + 0.98 * 0.75, f.get(3), 1e-12);
        assertEquals(0.755 + 0.245 * 0.25, f.get(4), 1e-12);
        assertEquals(1.0, f.get(5), 1e-12);
        stack.update(0.9, "a late report"); // a worker's report after the phase ended: the bar stays
        assertEquals(1.0, f.get(6), 1e-12);
    }

    /** What is left after the scan, for a caller that shares it itself (Grid mode's stages). */
    @Test
    void theRestIsWhatIsLeft() {
        List<Double> f = new ArrayList<>();
        WorkBar bar = new WorkBar((x, m) -> f.add(x));
        bar.share(WorkBar.SCAN_SHARE).update(1, "read");
        Progress rest = bar.rest();
        rest.update(0, "start");
        rest.update(0.5, "half");
        rest.update(1, "end");
        assertEquals(List.of(0.02, 0.02, 0.51, 1.0), f);
    }

    /** The cost model: no frame to place costs nothing; one solve plus the registrations otherwise. */
    @Test
    void placingCostsNothingWhenEveryFrameHasAWcs() {
        assertEquals(0, WorkBar.place(List.of(), null, false), 0);
        assertEquals(WorkCosts.SAVE_S + WorkCosts.SAVE_S_PER_MPX * 2, WorkCosts.save(2), 1e-12);
        assertEquals(2 * WorkCosts.COADD_S + WorkCosts.COADD_S_PER_MPX * 3, WorkCosts.coadd(List.of(1.0, 2.0)), 1e-12);
        assertEquals(WorkCosts.coadd(List.of(1.0, 1.0, 1.0)) + 3 * WorkCosts.MATCH_S_PER_PAIR,
                WorkBar.megaTile(List.of(1.0, 1.0, 1.0)), 1e-12);
        // a Grid tile of 50 frames costs 10× one of 5 on the same pixels; each frame by the tile's pixels
        assertEquals(10, WorkCosts.stack(50, 0.3) / WorkCosts.stack(5, 0.3), 1e-12);
        assertEquals(2 * (WorkCosts.STACK_S + WorkCosts.STACK_S_PER_MPX * 0.5), WorkCosts.stack(2, 0.5), 1e-12);
        // two band ranges of a mosaic of 4 Mpx from tiles of 1 + 3 Mpx: each task half the coadd, each merge half the writing
        double[] w = WorkBar.bandRanges(List.of(1.0, 3.0), 4, 2);
        assertEquals(4, w.length);
        assertEquals(WorkCosts.COADD_S_PER_MPX * 2, w[0], 1e-12);
        assertEquals(w[0], w[1], 0);
        assertEquals(WorkCosts.SAVE_S_PER_MPX * 2, w[2], 1e-12);
        assertEquals(w[2], w[3], 0);
        assertEquals(3 * WorkCosts.SOLVE_S, WorkBar.solves(3), 1e-12);
        assertEquals(0, WorkBar.registrations(List.of()), 0);
    }
}

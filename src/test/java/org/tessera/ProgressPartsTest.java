package org.tessera;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

class ProgressPartsTest {

    /** A part moves the bar by its weight: a tile of 50 frames 10× as far as a tile of 5. */
    @Test
    void partsMoveTheBarByTheirWeight() {
        List<Double> seen = new ArrayList<>();
        ProgressParts parts = new ProgressParts((f, m) -> seen.add(f), new double[] {50, 5});
        parts.part(1).update(1, "small tile");
        parts.part(0).update(0.5, "half the large one");
        parts.part(0).update(0.2, "a late report"); // never lowers the part
        parts.update(0, 1, "large tile");
        assertEquals(4, seen.size());
        assertEquals(5 / 55.0, seen.get(0), 1e-12);
        assertEquals(30 / 55.0, seen.get(1), 1e-12);
        assertEquals(30 / 55.0, seen.get(2), 1e-12);
        assertEquals(1.0, seen.get(3), 1e-12);
    }

    /** No usable weight (all zero, negative or not finite): every part counts alike, as the tasks' mean did. */
    @Test
    void withoutWeightsEveryPartCountsAlike() {
        List<Double> seen = new ArrayList<>();
        ProgressParts parts = new ProgressParts((f, m) -> seen.add(f), new double[] {0, -1, Double.NaN, 0});
        parts.part(2).update(1, null);
        assertEquals(0.25, seen.get(0), 1e-12);
        ProgressParts some = new ProgressParts((f, m) -> seen.add(f), new double[] {3, Double.POSITIVE_INFINITY, 1});
        some.part(1).update(1, null); // a weight that is not finite takes no share
        some.part(2).update(1, null);
        assertEquals(List.of(0.25, 0.0, 0.25), seen);
        assertEquals(2, ProgressParts.equal(Progress.NONE, 2).size());
    }
}

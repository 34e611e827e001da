package org.tessera.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.tessera.plan.ResourcePlan;

class GroupingBudgetTest {

    /** Uncollected garbage lowers the free heap; the grouping budget (and so the tiles) must not move. */
    @Test
    void groupingBudgetDoesNotDependOnGarbage() {
        long before = MosaicPipeline.groupingBudget(2);
        byte[][] garbage = new byte[40][];
        for (int i = 0; i < garbage.length; i++) garbage[i] = new byte[4 << 20];
        long freeBudgetWithGarbage = ResourcePlan.fromRuntime(null).budgetBytes();
        long during = MosaicPipeline.groupingBudget(2);
        assertEquals(before, during);
        assertTrue(during >= freeBudgetWithGarbage, "the free-heap budget is the smaller one while garbage is live");
        assertEquals(40, garbage.length);
    }
}

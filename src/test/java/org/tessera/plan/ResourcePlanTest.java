package org.tessera.plan;

import static org.junit.jupiter.api.Assertions.*;

import java.util.List;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;
import org.tessera.config.Config;
import org.tessera.plan.StackLayout.Mode;

class ResourcePlanTest {
    static final long MIB = ResourcePlan.MIB, GIB = 1024 * MIB;

    @Test
    void derivesWorkersBudgetAndThresholdFromHeapAndCores() {
        ResourcePlan big = ResourcePlan.forHeap(8 * GIB, 8 * GIB, 16, 0);
        assertEquals(15, big.workers(), "round(0.95 × 16)");
        assertEquals((long) (0.70 * 8 * GIB - 32 * MIB), big.budgetBytes(), "min(0.855 × max heap, 0.70 × available − 32 MiB)");
        assertEquals(big.budgetBytes() / 15, big.chunkBytes());
        assertEquals(512 * MIB, big.wholeFrameThresholdBytes(), "min(512 MiB, 25 % of available)");

        ResourcePlan busy = ResourcePlan.forHeap(8 * GIB, 2 * GIB, 16, 0);
        assertEquals((long) (0.70 * 2 * GIB - 32 * MIB), busy.budgetBytes(), "a heap in use leaves less");
        assertEquals(512 * MIB, busy.wholeFrameThresholdBytes());

        ResourcePlan laptop = ResourcePlan.forHeap(GIB, GIB, 2, 0);
        assertEquals(2, laptop.workers(), "round(0.95 × 2)");
        assertEquals(256 * MIB, laptop.wholeFrameThresholdBytes());

        ResourcePlan small = ResourcePlan.forHeap(32 * MIB, 30 * MIB, 2, 0);
        assertEquals((long) (0.70 * 30 * MIB - 4 * MIB), small.budgetBytes(), "small heaps keep an eighth free");

        ResourcePlan tiny = ResourcePlan.forHeap(64 * MIB, 64 * MIB, 16, 0);
        assertEquals(1, tiny.workers(), "workers shrink rather than chunks below 32 MiB");
        assertTrue(tiny.chunkBytes() <= tiny.budgetBytes());

        assertEquals(3, ResourcePlan.forHeap(GIB, GIB, 16, 3).workers(), "explicit worker count");
        assertEquals(3, ResourcePlan.fromRuntime(new Config().set("num_processing_workers=3")).workers());
        assertTrue(ResourcePlan.fromRuntime(new Config()).budgetBytes() <= Runtime.getRuntime().maxMemory());
        assertThrows(IllegalArgumentException.class, () -> new ResourcePlan(0, GIB));
    }

    @Test
    void seestarStacksPickTheirMode() {
        ResourcePlan plan = ResourcePlan.forHeap(GIB, GIB, 2, 0); // chunk ≈ 358 MiB
        int w = 1920, h = 1080, c = 3;
        long frameRow = 4L * w * c;

        StackLayout small = plan.layoutStack(w, h, c, 3, false);
        assertEquals(Mode.WHOLE_FRAME, small.mode(), "3 frames = 75 MiB ≤ 256 MiB");
        assertEquals(540, small.rowsPerBand());
        assertEquals(2, small.bands());

        StackLayout hundred = plan.layoutStack(w, h, c, 100, false);
        assertEquals(Mode.BANDS, hundred.mode());
        long expectRows = plan.chunkBytes() / (100 * frameRow + 4L * w * (2 * c + 1));
        assertEquals(expectRows, hundred.rowsPerBand());
        assertEquals((int) Math.ceil(1080.0 / expectRows), hundred.bands());
        assertTrue(hundred.bandPassBytes() <= plan.budgetBytes());

        StackLayout huge = plan.layoutStack(w, h, c, 20000, false);
        assertEquals(Mode.FRAME_BLOCKS, huge.mode(), "20000 frames × 4 rows do not fit a chunk");
        assertEquals(256, huge.sampleFrames());
        assertEquals(128, huge.framesPerBlock());
        assertTrue(huge.rowsPerBand() >= 4);
        assertTrue(huge.bandPassBytes() <= plan.budgetBytes(), huge.describe());
        assertTrue(huge.describe().contains("sample=256"));
    }

    @Test
    void layoutsAlwaysCoverTheImageWithinTheBudget() {
        SplittableRandom r = new SplittableRandom(1);
        for (int trial = 0; trial < 3000; trial++) {
            int w = 1 + r.nextInt(r.nextBoolean() ? 300 : 30000), h = 1 + r.nextInt(3000);
            int c = 1 + r.nextInt(3), n = 1 + r.nextInt(r.nextBoolean() ? 50 : 50000);
            boolean pw = r.nextBoolean();
            long budget = (1 + r.nextInt(4096)) * MIB / 4;
            ResourcePlan plan = new ResourcePlan(1 + r.nextInt(16), budget).withFrameBlocks(2 + r.nextInt(300),
                    1 + r.nextInt(200));
            StackLayout l = plan.layoutStack(w, h, c, n, pw);
            String what = l.describe() + " for " + w + "x" + h + "x" + c + " n=" + n + " " + plan.describe();
            assertTrue(l.rowsPerBand() >= 1 && (long) l.rowsPerBand() * l.bands() >= h
                    && (long) l.rowsPerBand() * (l.bands() - 1) < h, what);
            assertTrue(l.workers() >= 1 && l.workers() <= plan.workers() && l.workers() <= l.bands(), what);
            assertTrue((long) l.framesHeld() * l.rowsPerBand() * w <= Integer.MAX_VALUE, "one Java array per channel: " + what);
            if (l.mode() != Mode.FRAME_BLOCKS) assertEquals(n, l.sampleFrames(), what);
            else assertTrue(l.sampleFrames() <= n && l.framesPerBlock() <= n, what);
            // The band pass stays within the budget unless even a one-row band of the smallest
            // sample cannot (then it is one row: the least possible).
            boolean minimal = l.rowsPerBand() == 1;
            assertTrue(l.bandPassBytes() <= budget || minimal, what + " uses " + l.bandPassBytes());
        }
    }

    /**
     * The heap the plan's buffers can use: under the serial (and parallel) collector the old
     * generation, where arrays of megabytes are born (2/3 of the heap by default); under G1, whose
     * old generation's max is the heap's, the whole heap; no old pool, the whole heap.
     */
    @Test
    void largeArraysArePlannedInTheOldGenerationWhereItIsSmallerThanTheHeap() {
        long heap = GIB, used = 300 * MIB;
        long[] serial = ResourcePlan.largeArrayHeap(heap, used, List.of(new long[] {683 * MIB, 40 * MIB}));
        assertArrayEquals(new long[] {683 * MIB, 40 * MIB}, serial);
        long[] g1 = ResourcePlan.largeArrayHeap(heap, used, List.of(new long[] {heap, 200 * MIB}));
        assertArrayEquals(new long[] {heap, used}, g1);
        assertArrayEquals(new long[] {heap, used}, ResourcePlan.largeArrayHeap(heap, used, List.of(new long[] {-1, 5})));
        assertArrayEquals(new long[] {heap, used}, ResourcePlan.largeArrayHeap(heap, used, List.of()));
        assertTrue(ResourcePlan.oldGeneration("Tenured Gen") && ResourcePlan.oldGeneration("PS Old Gen")
                && ResourcePlan.oldGeneration("G1 Old Gen") && !ResourcePlan.oldGeneration("Eden Space")
                && !ResourcePlan.oldGeneration("G1 Eden Space") && !ResourcePlan.oldGeneration("ZHeap"));
        // The launcher's 1 GiB serial heap at the start of Phase 3: two tiles' shares now fit the
        // old generation with their output planes (~77 MiB each), where the whole heap's did not.
        ResourcePlan before = ResourcePlan.forHeap(heap, heap - 80 * MIB, 2, 0);
        ResourcePlan after = ResourcePlan.forHeap(serial[0], serial[0] - serial[1], 2, 0);
        assertTrue(before.budgetBytes() + 2 * 77 * MIB > 683 * MIB, "before: " + before.budgetBytes() / MIB);
        assertTrue(after.budgetBytes() + 2 * 77 * MIB + serial[1] < 683 * MIB, "after: " + after.budgetBytes() / MIB);
    }
}

package org.tessera.sds;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.tessera.wcs.FitsWcs;
import org.tessera.wcs.Projection;
import org.tessera.wcs.WcsException;
import org.tessera.wcs.WcsGrid;

/** SDS batches by coverage, as the original's policy: close by coverage at min size, force at target, merge a small rest. */
class SdsBatchesTest {

    private static final WcsGrid GLOBAL = global(200, 200);

    private static WcsGrid global(int w, int h) {
        double s = 2.0 / 3600;
        try {
            return new WcsGrid(new FitsWcs(Projection.forCode("TAN"), (w + 1) / 2.0, (h + 1) / 2.0, 150, 20, -s, 0, 0, s), w, h);
        } catch (WcsException e) {
            throw new AssertionError(e);
        }
    }

    private static final WcsGrid LEFT = GLOBAL.crop(0, 0, 100, 200), RIGHT = GLOBAL.crop(100, 0, 100, 200);

    private static List<Integer> sizes(List<SdsBatches.Batch> b) {
        List<Integer> out = new ArrayList<>();
        for (SdsBatches.Batch x : b) out.add(x.frames().size());
        return out;
    }

    @Test
    void fullFieldFramesCloseAtTheMinimumSizeAndASmallRestJoinsTheLastBatch() {
        List<SdsBatches.Batch> b = SdsBatches.build(Collections.nCopies(12, GLOBAL), GLOBAL, SdsBatches.Policy.DEFAULTS);
        assertEquals(List.of(5, 7), sizes(b));
        assertEquals(List.of(0, 1, 2, 3, 4), b.get(0).frames());
        assertEquals(List.of(5, 6, 7, 8, 9, 10, 11), b.get(1).frames());
        assertEquals(1.0, b.get(0).coverage(), 0);
    }

    @Test
    void halfFieldFramesNeverReachTheThresholdAndCloseAtTheTargetSize() {
        List<SdsBatches.Batch> b = SdsBatches.build(Collections.nCopies(23, LEFT), GLOBAL, SdsBatches.Policy.DEFAULTS);
        assertEquals(List.of(10, 13), sizes(b), "10, 10, then a rest of 3 < 5 merged");
        assertEquals(0.5, b.get(0).coverage(), 1e-9);
        List<SdsBatches.Batch> c = SdsBatches.build(Collections.nCopies(16, LEFT), GLOBAL, SdsBatches.Policy.DEFAULTS);
        assertEquals(List.of(10, 6), sizes(c), "a rest of 6 ≥ 5 is a batch of its own");
    }

    @Test
    void twoPanelsMakeBatchesThatCoverBoth() {
        List<WcsGrid> frames = new ArrayList<>();
        for (int i = 0; i < 4; i++) frames.add(LEFT);   // one panel first: 4 frames cover half
        for (int i = 0; i < 8; i++) frames.add(RIGHT);  // the 5th (right) closes the batch at 100 %
        List<SdsBatches.Batch> b = SdsBatches.build(frames, GLOBAL, SdsBatches.Policy.DEFAULTS);
        assertEquals(List.of(5, 7), sizes(b));
        assertEquals(1.0, b.get(0).coverage(), 0);
        assertEquals(0.5, b.get(1).coverage(), 1e-9, "the rest covers the right panel only");
        // a threshold of 0.5 closes the first batch after 5 left frames, before the panel changes
        List<SdsBatches.Batch> c = SdsBatches.build(Collections.nCopies(6, LEFT), GLOBAL, new SdsBatches.Policy(0.5, 5, 10));
        assertEquals(List.of(6), sizes(c), "5 close by coverage, the rest of 1 is merged");
    }

    @Test
    void oneFrameIsOneBatchAndSettingsAreCoercedAsTheOriginal() {
        assertEquals(List.of(1), sizes(SdsBatches.build(List.of(LEFT), GLOBAL, SdsBatches.Policy.DEFAULTS)));
        SdsBatches.Policy p = new SdsBatches.Policy(1.5, 0, -3);
        assertEquals(0.99, p.coverageThreshold(), 0);
        assertEquals(1, p.minBatchSize());
        assertEquals(1, p.targetBatchSize());
        assertEquals(0.10, new SdsBatches.Policy(0.0, 5, 10).coverageThreshold(), 0);
    }
}

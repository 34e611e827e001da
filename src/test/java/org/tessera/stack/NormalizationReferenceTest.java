package org.tessera.stack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import org.junit.jupiter.api.Test;

/**
 * An all-zero frame first in a stack (issue 14, item 10) must not become the linear_fit reference:
 * it gave every other frame a gain of 0, which turned normalisation off for all of them.
 */
class NormalizationReferenceTest {

    private static FrameStats stats(double lo, double hi) {
        return new FrameStats(100, new long[] {100}, new double[] {lo}, new double[] {hi}, lo, new double[] {1},
                Double.NaN, 0, Double.NaN, Double.NaN, Double.NaN);
    }

    @Test
    void anAllZeroFirstFrameIsPassedOverAndNamed() {
        FrameStats[] s = {stats(0, 0), stats(100, 200), stats(20, 70)};
        List<String> warnings = new ArrayList<>();
        Logger log = Logger.getAnonymousLogger();
        log.setUseParentHandlers(false);
        log.addHandler(new Handler() {
            @Override public void publish(LogRecord r) { warnings.add(r.getMessage()); }
            @Override public void flush() { }
            @Override public void close() { }
        });
        Normalization.Affine a = Normalization.compute(StackParams.Normalize.LINEAR_FIT, s, 1,
                List.of("zero.fits", "good1.fits", "good2.fits"), log);
        // good2 is mapped onto good1: gain (200 - 100) / (70 - 20) = 2, offset 100 - 2 * 20 = 60.
        assertEquals(2.0, a.gain()[2][0], 1e-12);
        assertEquals(60.0, a.offset()[2][0], 1e-12);
        assertEquals(1.0, a.gain()[1][0]);   // the reference itself
        assertEquals(0.0, a.offset()[1][0]);
        assertEquals(1.0, a.gain()[0][0]);   // the flat frame is left as is
        assertEquals(1, warnings.size(), warnings.toString());
        assertTrue(warnings.get(0).contains("zero.fits is flat") && warnings.get(0).contains("good1.fits is the reference"),
                warnings.get(0));
    }

    @Test
    void withoutFlatFramesTheFirstFrameStaysTheReference() {
        FrameStats[] s = {stats(100, 200), stats(20, 70)};
        Normalization.Affine a = Normalization.compute(StackParams.Normalize.LINEAR_FIT, s, 1, List.of("a", "b"),
                Logger.getAnonymousLogger());
        assertEquals(2.0, a.gain()[1][0], 1e-12);
        assertEquals(1.0, a.gain()[0][0]);
    }
}

package org.tessera.stack;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.logging.Logger;

import org.junit.jupiter.api.Test;

/**
 * Which frames linear_fit put in its reference's unit ({@link Normalization.Affine#onReference}):
 * only those whose gain the pixels measured in every channel. A master tile of frames of other
 * exposures says its unit only then (tiles.TileHeaders.exposure).
 */
class NormalizationUnitTest {

    private static final Logger LOG = Logger.getAnonymousLogger();

    /** A frame of percentiles (lo, hi) in both channels, with one fit per channel (null: the reference). */
    private static FrameStats stats(SkyCells.Fit... fit) {
        return new FrameStats(100, new long[] {100, 100}, new double[] {20, 20}, new double[] {70, 70}, 20,
                new double[] {1, 1}, Double.NaN, 0, Double.NaN, Double.NaN, Double.NaN, fit.length == 0 ? null : fit,
                fit.length == 0, Double.NaN);
    }

    private static SkyCells.Fit measured(double gain) {
        return new SkyCells.Fit(gain, 3, null);
    }

    @Test
    void onlyGainsMeasuredOnThePixelsInEveryChannelPutAFrameInTheReferencesUnit() {
        FrameStats ref = stats();
        FrameStats[] s = {
            ref,
            stats(measured(0.5), measured(0.5)),                                        // measured: in the unit
            stats(measured(0.5), SkyCells.Fit.none("source signal 12 sigma < 30", 0.9, 4)), // percentile formula in channel 1
            stats(SkyCells.Fit.none("no common sources", 0.2, 4), measured(0.5)),        // apart: gain 1 in channel 0
            stats(measured(50), measured(0.5)),                                          // gain refused (> 20)
        };
        List<String> names = List.of("ref", "measured", "percentile", "apart", "refused");
        Normalization.Affine a = Normalization.compute(StackParams.Normalize.LINEAR_FIT, s, 2, names, LOG);
        assertEquals(0, a.reference());
        assertArrayEquals(new boolean[] {true, true, false, false, false}, a.onReference());
        assertEquals(0.5, a.gain()[1][1], 0);
        assertEquals(1.0, a.gain()[3][0], 0, "apart: gain 1");
        assertEquals(1.0, a.gain()[4][0], 0, "refused: gain 1");
    }

    @Test
    void normalisationsThatScaleNothingHaveNoReference() {
        FrameStats[] s = {stats(), stats(measured(0.5), measured(0.5))};
        for (StackParams.Normalize n : List.of(StackParams.Normalize.NONE, StackParams.Normalize.SKY_MEAN)) {
            Normalization.Affine a = Normalization.compute(n, s, 2, List.of("a", "b"), LOG);
            assertEquals(-1, a.reference(), n.name());
            assertArrayEquals(new boolean[] {false, false}, a.onReference(), n.name());
        }
    }
}

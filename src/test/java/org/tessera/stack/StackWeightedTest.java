package org.tessera.stack;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;
import org.tessera.Progress;
import org.tessera.image.FloatImage;
import org.tessera.plan.ResourcePlan;

/** {@link StackCore#stackWeighted}: external frame weights (Grid mode's exposure weight). */
class StackWeightedTest {

    private static final ResourcePlan PLAN = new ResourcePlan(2, 64L << 20);

    private static FloatImage constant(float v) {
        FloatImage f = new FloatImage(80, 80, 1);
        f.fill(v);
        return f;
    }

    @Test
    void exposureWeightsMultiplyTheWeightedMean() throws IOException {
        List<FloatImage> frames = List.of(constant(10), constant(40));
        FloatImage out = new FloatImage(80, 80, 1);
        StackResult r = StackCore.stackWeighted(frames, new double[] {1, 3}, StackParams.plainMean(), out, null,
                Progress.NONE, PLAN);
        assertEquals(2, r.framesUsed());
        assertEquals((10 * 1 + 40 * 3) / 4.0, out.get(0, 17, 33), 1e-5);
        assertEquals(3.0, r.frameWeights()[1][0] / r.frameWeights()[0][0], 1e-12);
    }

    @Test
    void noExternalWeightIsBitIdenticalToTheStack() throws IOException {
        SplittableRandom rnd = new SplittableRandom(3);
        List<FloatImage> frames = new ArrayList<>();
        for (int k = 0; k < 5; k++) {
            FloatImage f = new FloatImage(90, 70, 3);
            for (float[] p : f.planes()) for (int i = 0; i < p.length; i++) p[i] = (float) (100 + 10 * k + 5 * rnd.nextGaussian());
            frames.add(f);
        }
        FloatImage a = new FloatImage(90, 70, 3), b = new FloatImage(90, 70, 3);
        FloatImage ca = new FloatImage(90, 70, 1), cb = new FloatImage(90, 70, 1);
        StackCore.stack(frames, StackParams.defaults(), a, ca, Progress.NONE, PLAN);
        StackCore.stackWeighted(frames, null, StackParams.defaults(), b, cb, Progress.NONE, PLAN);
        for (int c = 0; c < 3; c++) assertArrayEquals(a.plane(c), b.plane(c));
        assertArrayEquals(ca.plane(0), cb.plane(0));
        // Equal external weights leave a weighted mean unchanged (to rounding).
        FloatImage e = new FloatImage(90, 70, 3);
        StackCore.stackWeighted(frames, new double[] {2, 2, 2, 2, 2}, StackParams.defaults(), e, null, Progress.NONE, PLAN);
        for (int c = 0; c < 3; c++)
            for (int i = 0; i < e.plane(c).length; i++) assertEquals(a.plane(c)[i], e.plane(c)[i], 1e-3);
    }

    @Test
    void badWeightsAreRefused() {
        List<FloatImage> frames = List.of(constant(1), constant(2));
        FloatImage out = new FloatImage(80, 80, 1);
        assertThrows(IllegalArgumentException.class, () -> StackCore.stackWeighted(frames, new double[] {1},
                StackParams.plainMean(), out, null, Progress.NONE, PLAN));
        assertThrows(IllegalArgumentException.class, () -> StackCore.stackWeighted(frames, new double[] {1, 0},
                StackParams.plainMean(), out, null, Progress.NONE, PLAN));
        assertThrows(IllegalArgumentException.class, () -> StackCore.stackWeighted(frames, new double[] {1, Double.NaN},
                StackParams.plainMean(), out, null, Progress.NONE, PLAN));
    }
}

package org.tessera.stack;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import java.util.Random;

import org.junit.jupiter.api.Test;

/** The median of absolute deviations read off sorted samples equals the second selection it replaces. */
class SmallSelectTest {

    @Test
    void sortedMedianDeviationEqualsTheMedianOfTheDeviations() {
        Random r = new Random(9);
        int cases = 0;
        for (int n = 1; n <= SmallSelect.SORTED_UP_TO; n++) {
            for (int rep = 0; rep < 300; rep++) {
                double[] x = new double[n];
                for (int k = 0; k < n; k++) {
                    x[k] = 1000 + 15 * r.nextGaussian();
                    if (rep % 3 == 1) x[k] = Math.rint(x[k] / 10); // ties
                    if (rep % 7 == 2 && k == 0) x[k] += 5000; // an outlier
                }
                double[] t = x.clone();
                double m = SmallSelect.median(t, n);
                double[] sorted = x.clone();
                Arrays.sort(sorted);
                assertEquals(0, Arrays.compare(sorted, t), "n=" + n + ": median() leaves the samples sorted");
                double[] dev = new double[n];
                for (int k = 0; k < n; k++) dev[k] = Math.abs(x[k] - m);
                double expect = SmallSelect.median(dev, n);
                assertEquals(expect, SmallSelect.sortedMedianDeviation(t, n, m), 0.0, "n=" + n + " rep " + rep);
                cases++;
            }
        }
        assertEquals(300 * SmallSelect.SORTED_UP_TO, cases);
    }
}

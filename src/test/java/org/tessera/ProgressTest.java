package org.tessera;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

class ProgressTest {

    /** Reports that arrive late (a smaller fraction after a larger one) never move the bar back; messages pass. */
    @Test
    void forwardOnlyKeepsTheFurthestFraction() {
        List<Double> f = new ArrayList<>();
        List<String> m = new ArrayList<>();
        Progress bar = ((Progress) (x, s) -> {
            f.add(x);
            m.add(s);
        }).forwardOnly();
        Progress half = bar.sub(0.5, 1.0);
        bar.update(0.2, "a");
        bar.update(0.4, "b");
        bar.update(0.3, "late");
        half.update(0.5, "c");
        half.update(0.2, "late too");
        bar.update(1.0, "done");
        assertEquals(List.of(0.2, 0.4, 0.4, 0.75, 0.75, 1.0), f);
        assertEquals(List.of("a", "b", "late", "c", "late too", "done"), m);
    }
}

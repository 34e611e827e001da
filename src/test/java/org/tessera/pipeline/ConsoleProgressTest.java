package org.tessera.pipeline;

import static org.junit.jupiter.api.Assertions.*;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

class ConsoleProgressTest {

    private static final long S = 1_000_000_000L;

    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
    private final AtomicLong clock = new AtomicLong(100 * S);

    private List<String> lines() {
        return bytes.toString(StandardCharsets.UTF_8).lines().toList();
    }

    @Test
    void throttlesToOneLineEveryTwoSecondsWithEta() {
        ConsoleProgress p = new ConsoleProgress(out, false, clock::get, 2 * S);
        p.update(0.0, "[P1] reading frames");          // t = 0: first report is printed
        clock.addAndGet(S / 2);
        p.update(0.05, "[P1] reading frames");         // t = 0.5 s: throttled
        clock.addAndGet(3 * S / 2);
        p.update(0.10, "[P3] stacking tile 1/4");      // t = 2 s: printed, ETA = 2 * 0.9 / 0.1 = 18 s
        clock.addAndGet(S);
        p.update(0.20, "[P3] stacking tile 2/4");      // t = 3 s: throttled
        clock.addAndGet(117 * S);
        p.update(0.50, "[P5] coadd");                  // t = 120 s: ETA 120 s → 2m00s
        clock.addAndGet(S / 10);
        p.update(1.0, "done");                         // 100 % always printed
        p.update(1.0, "done");                         // but once
        assertEquals(List.of(
                "  0% [P1] reading frames",
                " 10% [P3] stacking tile 1/4  ETA 18s",
                " 50% [P5] coadd  ETA 2m00s",
                "100% done  (done in 2m00s)"), lines());
    }

    @Test
    void quietPrintsNothing() {
        ConsoleProgress p = new ConsoleProgress(out, true, clock::get, 2 * S);
        p.update(0.3, "x");
        p.update(1, "y");
        assertEquals(List.of(), lines());
        assertFalse(p.cancelled());
    }

    @Test
    void clampsOddFractionsAndSubRangesCompose() {
        ConsoleProgress p = new ConsoleProgress(out, false, clock::get, 0);
        p.update(Double.NaN, "nan");
        p.sub(0.5, 1.0).update(0.5, "half of the second half");
        p.update(-3, "negative");
        assertEquals(List.of("  0% nan", " 75% half of the second half", "  0% negative"), lines());
    }

    @Test
    void durations() {
        assertEquals("0s", ConsoleProgress.duration(0.2));
        assertEquals("59s", ConsoleProgress.duration(59));
        assertEquals("1m05s", ConsoleProgress.duration(65));
        assertEquals("2h03m", ConsoleProgress.duration(2 * 3600 + 3 * 60 + 40));
        // No ETA while too little is known (under 1 % or under a second).
        assertEquals("  0% x", ConsoleProgress.format(0.005, "x", 10 * S));
        assertEquals(" 50% x", ConsoleProgress.format(0.5, "x", S / 2));
    }
}

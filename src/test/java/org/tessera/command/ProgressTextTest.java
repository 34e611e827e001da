package org.tessera.command;

import static org.junit.jupiter.api.Assertions.*;

import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;
import org.tessera.Eta;

/** The Fiji status line: per mille, message and time left from a fake clock. */
class ProgressTextTest {

    private static final long S = 1_000_000_000L;

    @Test
    void timeLeftExtrapolatesTheElapsedTimeOverTheFraction() {
        AtomicLong clock = new AtomicLong(5 * S);
        ProgressText p = new ProgressText(clock::get);
        ProgressText.Line first = p.next(0, "Phase 1: reading frames");
        assertEquals("Tessera: Phase 1: reading frames", first.text(), "no estimate before any work is done");
        assertEquals(0, first.permille());

        clock.addAndGet(30 * S);                 // 30 s for 20 %: 120 s left
        ProgressText.Line l = p.next(0.20, "Phase 3: 12/40 bands");
        assertEquals(200, l.permille());
        assertEquals("Tessera: Phase 3: 12/40 bands · ~2 min left", l.text());

        clock.addAndGet(90 * S);                 // 120 s for 60 %: 80 s left, rounded up to 2 min
        assertEquals("Tessera: Phase 3: 30/40 bands · ~2 min left", p.next(0.60, "Phase 3: 30/40 bands").text());

        clock.addAndGet(60 * S);                 // 180 s for 90 %: 20 s left
        assertEquals("Tessera: Phase 5: coadd · ~20 s left", p.next(0.90, "Phase 5: coadd").text());

        clock.addAndGet(100 * S);                // 280 s for 99.9 %: 0.28 s left
        assertEquals("Tessera: Phase 5: coadd · a few seconds left", p.next(0.999, "Phase 5: coadd").text());
        assertEquals("Tessera: done", p.next(1, "done").text(), "no estimate once done");
    }

    @Test
    void unchangedReportsAreDropped() {
        AtomicLong clock = new AtomicLong();
        ProgressText p = new ProgressText(clock::get);
        assertNotNull(p.next(0.1231, "a"));
        clock.addAndGet(10 * S);
        assertNull(p.next(0.1234, "a"), "same per mille, same message");
        assertEquals(124, p.next(0.1244, "a").permille());
        assertNotNull(p.next(0.1244, "b"), "a new message is shown at the same per mille");
        assertEquals(0, p.next(Double.NaN, "c").permille());
        assertEquals(1000, p.next(7, "c").permille());
    }

    @Test
    void longRunsShowHoursAndMinutes() {
        assertEquals("~1 h 32 min left", Eta.left(91.5 * 60));
        assertEquals("~89 min left", Eta.left(88.2 * 60));
        assertEquals("~50 s left", Eta.left(47));
        assertEquals("", Eta.left(Double.NaN));
        assertEquals(3600, Eta.remainingSeconds(0.25, 1200), 1e-9);
        assertTrue(Double.isNaN(Eta.remainingSeconds(0.005, 1200)), "under 1 % the estimate is noise");
        assertTrue(Double.isNaN(Eta.remainingSeconds(0.5, 0.5)), "under a second the estimate is noise");
    }

    @Test
    void withoutAStatusBarProgressIsLoggedAtMostEveryTenSecondsWithTheFirstAndLastLine() {
        java.util.List<String> lines = new java.util.ArrayList<>();
        org.tessera.Progress p = ProgressText.headlessLines(true, lines::add);
        p.update(0, "reading headers");
        p.update(0.45, "master tile 0/2");   // within 10 s of the first: dropped
        p.update(0.76, "master tile 2/2");
        p.update(1, "preview written");
        assertEquals(2, lines.size(), lines.toString());
        assertEquals("  0% reading headers", lines.get(0));
        assertTrue(lines.get(1).startsWith("100% preview written  (done in "), lines.get(1));
        assertEquals(10_000, ProgressText.HEADLESS_INTERVAL_MS);

        java.util.List<String> none = new java.util.ArrayList<>();
        org.tessera.Progress bar = ProgressText.headlessLines(false, none::add);
        bar.update(0, "a");
        bar.update(1, "b");
        assertEquals(java.util.List.of(), none, "a status bar shows it: nothing logged");
    }
}

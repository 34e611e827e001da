package org.tessera.solve;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tessera.Progress;
import org.tessera.io.FitsFrame;
import org.tessera.register.Registration;

/**
 * Phase 1's bar is shared between the plate solves and the registrations by their estimated work
 * (a solve 1.5 s, a registration 0.1 s a megapixel, plan.WorkCosts), not 0.3 / 0.7 whatever the
 * input: one pointing of 11 frames of 1 Mpx gives the solve 1.5 / (1.5 + 1.0) = 0.6 of it; five
 * pointings of 2 frames of 0.25 Mpx 7.5 / (7.5 + 0.125) = 0.984; and the default placement (solves
 * first) hands the registrations the bar from there.
 */
class PlacementShareTest {

    @TempDir
    Path dir;

    /** A FITS file of w × h float pixels, its data never written (a sparse file): only its shape is read. */
    private FitsFrame frame(String name, int w, int h) throws IOException {
        StringBuilder head = new StringBuilder();
        for (String c : new String[] {"SIMPLE  =                    T", "BITPIX  =                  -32", "NAXIS   =                    2",
                String.format("NAXIS1  = %20d", w), String.format("NAXIS2  = %20d", h), "END"})
            head.append(String.format("%-80s", c));
        while (head.length() % 2880 != 0) head.append(' ');
        Path f = dir.resolve(name);
        Files.write(f, head.toString().getBytes(StandardCharsets.US_ASCII));
        try (RandomAccessFile r = new RandomAccessFile(f.toFile(), "rw")) {
            r.setLength(2880 + ((4L * w * h + 2879) / 2880) * 2880);
        }
        return FitsFrame.open(f);
    }

    private List<RawGroups.Group> groups(int groups, int frames, int w, int h) throws IOException {
        List<RawGroups.Group> out = new ArrayList<>();
        for (int g = 0; g < groups; g++) {
            List<FitsFrame> fs = new ArrayList<>();
            for (int i = 0; i < frames; i++) fs.add(frame("g" + g + "_" + i + ".fits", w, h));
            out.add(new RawGroups.Group(g + 1, fs, "night", SolveHints.fromKeys(Map.of(), w, h, 3.0)));
        }
        return out;
    }

    @Test
    void theSolvesShareFollowsTheirWork() throws Exception {
        assertEquals(1.5 / 2.5, RawFrameAstrometry.solveShare(groups(1, 11, 1000, 1000)), 1e-12);
        assertEquals(7.5 / 7.625, RawFrameAstrometry.solveShare(groups(5, 2, 500, 500)), 1e-12);
        assertEquals(1.0, RawFrameAstrometry.solveShare(List.of()), 0);
    }

    /** The default (solves first) placement: the registrations' bar starts where the solves' share ends. */
    @Test
    void theRegistrationsStartAtTheSolvesShare() throws Exception {
        List<RawGroups.Group> gs = groups(1, 11, 1000, 1000);
        List<Double> seen = new ArrayList<>();
        Progress parent = new Progress() {
            @Override public void update(double fraction, String message) {
                seen.add(fraction);
            }
        };
        RawFrameAstrometry.Work work = new RawFrameAstrometry.Work() {
            @Override public List<RawFrameAstrometry.Reference> solve(RawFrameAstrometry st, List<RawGroups.Group> groups, Progress p) {
                p.update(1, "solved");
                List<RawFrameAstrometry.Reference> refs = new ArrayList<>();
                for (RawGroups.Group g : groups) refs.add(new RawFrameAstrometry.Reference(null, null, List.of(), 0));
                return refs;
            }

            @Override public List<Registration> register(RawFrameAstrometry st, List<RawFrameAstrometry.Pair> pairs, Progress p) {
                p.update(0, "registering");
                p.update(0.5, "half");
                return List.of();
            }
        };
        work.placeGroups(null, gs, parent);
        assertEquals(List.of(0.6, 0.6, 0.8), seen.stream().map(v -> Math.round(v * 1e9) / 1e9).toList());
    }
}

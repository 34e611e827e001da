package org.tessera.grid;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import org.tessera.io.FitsFrame;
import org.tessera.io.FrameReading;
import org.tessera.io.FrameScanner;
import org.tessera.io.FrameSelection;
import org.tessera.io.MountMode;
import org.tessera.tiles.AltAzGating;
import org.tessera.tiles.FrameGroup;

/**
 * Opens the frames of a {@link StackPlan} and splits them by mount (reference.md §8). A frame that
 * cannot be read or has no WCS is skipped with its reason, and so is a frame whose channel count
 * differs from most frames' ({@link FrameSelection#oneChannelLayout}). The mount is the CSV's when it gives
 * one, else the frame header's. UNKNOWN frames are resolved as Phase 3 resolves an UNKNOWN group
 * ({@link AltAzGating#effectiveMode}: {@code altaz_unknown_policy} eq / altaz, or auto = alt-az
 * evidence such as Seestar frames or field rotation), all together as one group.
 */
public final class GridInputs {
    private GridInputs() {}

    /** One usable frame with its plan entry and resolved mount (EQ or ALT_AZ). */
    public record GridFrame(StackPlan.Entry entry, FitsFrame frame, MountMode mount) {}

    /** The frames of each mount (in plan order; only mounts that have frames), and the skipped ones. */
    public record Split(Map<MountMode, List<GridFrame>> byMount, List<FrameScanner.Problem> skipped) {
        /** True when the run must be split into {@code grid_EQ/} and {@code grid_ALTZ/}. */
        public boolean mixed() {
            return byMount.size() > 1;
        }
    }

    public static Split open(StackPlan plan, AltAzGating gating) {
        return open(plan, gating, FrameReading.AS_STORED);
    }

    /** As {@link #open(StackPlan, AltAzGating)}; the frames' pixels read as {@code reading} says (the run's hot-pixel correction and demosaic). */
    public static Split open(StackPlan plan, AltAzGating gating, FrameReading reading) {
        List<FrameScanner.Problem> skipped = new ArrayList<>();
        // a line without a usable path is named by the plan's file ("skipped null: …" otherwise)
        for (StackPlan.Problem p : plan.problems())
            skipped.add(new FrameScanner.Problem(p.path() != null ? p.path() : plan.csv(), p.reason()));
        List<GridFrame> known = new ArrayList<>();
        List<StackPlan.Entry> unknownEntries = new ArrayList<>();
        List<FitsFrame> unknownFrames = new ArrayList<>();
        // Header reads are independent small I/O: in parallel, as FrameScanner does, in plan order.
        List<FrameScanner.Opened> opened = plan.entries().parallelStream()
                .map(e -> FrameScanner.open(e.path(), true, reading)).collect(Collectors.toList());
        // One colour layout: a mono frame among colour frames is set aside alone, not its tiles.
        List<FitsFrame> readable = new ArrayList<>();
        for (FrameScanner.Opened o : opened) if (o.frame() != null) readable.add(o.frame());
        FrameScanner.sayNotes(readable);
        java.util.Set<FitsFrame> kept = new java.util.HashSet<>(FrameSelection.oneChannelLayout(readable, skipped));
        for (int i = 0; i < opened.size(); i++) {
            StackPlan.Entry e = plan.entries().get(i);
            FitsFrame f = opened.get(i).frame();
            if (f == null) {
                FrameScanner.Problem p = opened.get(i).problem();
                skipped.add(p.as(e.path(), "line " + e.line() + ": " + p.reason()));
                continue;
            }
            if (!kept.contains(f)) continue;
            MountMode m = e.mount() != null ? e.mount() : f.mountMode();
            if (m == null || m == MountMode.UNKNOWN) {
                unknownEntries.add(e);
                unknownFrames.add(f);
            } else {
                known.add(new GridFrame(e, f, m));
            }
        }
        if (!unknownFrames.isEmpty()) {
            // One UNKNOWN group decided as Phase 3 decides it; its mount stays UNKNOWN for the gating.
            MountMode resolved = gating.effectiveMode(new FrameGroup(0, new ArrayList<org.tessera.io.Frame>(unknownFrames), MountMode.UNKNOWN));
            for (int i = 0; i < unknownFrames.size(); i++)
                known.add(new GridFrame(unknownEntries.get(i), unknownFrames.get(i), resolved));
        }
        known.sort(java.util.Comparator.comparingDouble(g -> g.entry().order()));
        Map<MountMode, List<GridFrame>> by = new LinkedHashMap<>();
        for (MountMode m : new MountMode[] {MountMode.EQ, MountMode.ALT_AZ})
            for (GridFrame g : known) if (g.mount() == m) by.computeIfAbsent(m, k -> new ArrayList<>()).add(g);
        return new Split(by, skipped);
    }
}

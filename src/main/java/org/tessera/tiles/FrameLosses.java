package org.tessera.tiles;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.tessera.io.Frame;
import org.tessera.stack.StackResult;

/**
 * Which frames of a group put nothing into its master tile, and why: the one place that decides
 * it, so that the tile's header (EXPTOTAL, NEXP_SUM, DATE-AVG count only the frames used) and the
 * run's report of skipped frames agree. Frames are matched to the stack by index
 * ({@link StackResult#frameWeights()}: all zero for a frame the stack dropped), never by name,
 * since two nights may hold files of the same name.
 */
public final class FrameLosses {
    private FrameLosses() {}

    /** A frame of the group that contributes nothing, and why. */
    public record Loss(Frame frame, String reason) {}

    /** True when the stack used frame {@code index} (a positive weight in some channel). */
    public static boolean used(StackResult r, int index) {
        if (r == null || r.frameWeights() == null || index >= r.frameWeights().length) return true;
        for (double w : r.frameWeights()[index]) if (w > 0) return true;
        return false;
    }

    /** The frames the stack used, in group order. */
    public static List<Frame> usedFrames(List<? extends Frame> frames, StackResult r) {
        List<Frame> used = new ArrayList<>();
        for (int i = 0; i < frames.size(); i++) if (used(r, i)) used.add(frames.get(i));
        return used;
    }

    /**
     * The frames of tile {@code tileId} the stack dropped, each with the stack's reason (its
     * "name: reason" entry) or, when none names it, a generic one.
     */
    public static List<Loss> dropped(int tileId, List<Frame> frames, StackResult r) {
        return dropped("master tile " + tileId, frames, r);
    }

    /** {@link #dropped(int, List, StackResult)} of a tile the report calls {@code tile} (a stack's output file). */
    public static List<Loss> dropped(String tile, List<Frame> frames, StackResult r) {
        List<Loss> out = new ArrayList<>();
        for (int i = 0; i < frames.size(); i++) {
            if (used(r, i)) continue;
            Frame f = frames.get(i);
            String why = "no usable pixel on the tile grid";
            String prefix = f.name() + ": ";
            for (String d : r.dropped())
                if (d.startsWith(prefix)) { why = d.substring(prefix.length()); break; }
            out.add(new Loss(f, String.format(Locale.ROOT, "dropped from %s: %s", tile, why)));
        }
        return out;
    }

    /** Every frame of a tile that failed or came out empty: none of them reaches the mosaic. */
    public static List<Loss> all(FrameGroup g, String why) {
        List<Loss> out = new ArrayList<>();
        for (Frame f : g.frames()) out.add(new Loss(f, String.format(Locale.ROOT, "master tile %d %s", g.id(), why)));
        return out;
    }
}

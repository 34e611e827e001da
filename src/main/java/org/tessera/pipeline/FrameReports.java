package org.tessera.pipeline;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.tessera.io.FitsFrame;
import org.tessera.io.Frame;
import org.tessera.pipeline.MosaicPipeline.Skipped;
import org.tessera.tiles.FrameGroup;
import org.tessera.tiles.FrameLosses;
import org.tessera.tiles.MasterTile;
import org.tessera.tiles.Phase3Result;

/**
 * Phase 3's frames that reach no mosaic, as skipped inputs named by their file: frames a stack
 * dropped, and every frame of a tile that failed or came out empty. Thread-safe: tiles report as
 * they finish.
 */
public final class FrameReports {

    /** Why every frame of an empty tile is reported. */
    public static final String EMPTY_TILE = "is empty (ZMT_EMPT=1): the frame reaches no mosaic";

    /** Why every frame of a tile that failed with {@code message} is reported. */
    public static String failedTile(String message) {
        return "failed (" + message + "): the frame reaches no mosaic";
    }

    private final Map<Integer, FrameGroup> groups = new HashMap<>();
    private final List<Skipped> lost = new ArrayList<>();

    FrameReports(List<FrameGroup> groups) {
        for (FrameGroup g : groups) this.groups.put(g.id(), g);
    }

    /** A finished tile: its dropped frames, or all its frames when it is empty. */
    synchronized void tile(MasterTile t) {
        FrameGroup g = groups.get(t.id());
        if (g == null) return;
        List<FrameLosses.Loss> losses = t.empty()
                ? FrameLosses.all(g, EMPTY_TILE)
                : FrameLosses.dropped(g.id(), g.frames(), t.stack());
        for (FrameLosses.Loss l : losses) lost.add(skipped(l.frame(), l.reason()));
    }

    /** A tile that failed: none of its frames reaches the mosaic. */
    synchronized void failed(Phase3Result.Failure f) {
        FrameGroup g = groups.get(f.id());
        if (g == null) return;
        for (FrameLosses.Loss l : FrameLosses.all(g, failedTile(f.message())))
            lost.add(skipped(l.frame(), l.reason()));
    }

    /** What was lost, in file order. */
    synchronized List<Skipped> lost() {
        List<Skipped> out = new ArrayList<>(lost);
        out.sort(Comparator.comparing(Skipped::file));
        return out;
    }

    /** A frame as a skipped input: its file when it has one, else its name. */
    static Skipped skipped(Frame f, String reason) {
        Path p = f instanceof FitsFrame ff ? ff.path() : Path.of(f.name());
        return new Skipped(p, reason);
    }
}

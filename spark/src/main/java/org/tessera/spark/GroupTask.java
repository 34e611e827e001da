package org.tessera.spark;

import java.io.IOException;
import java.io.Serializable;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.tessera.Progress;
import org.tessera.config.Config;
import org.tessera.io.FitsFrame;
import org.tessera.io.Frame;
import org.tessera.io.MountMode;
import org.tessera.plan.ResourcePlan;
import org.tessera.tiles.FrameGroup;
import org.tessera.tiles.FrameLosses;
import org.tessera.tiles.MasterTile;
import org.tessera.tiles.MasterTileBuilder;
import org.tessera.tiles.MasterTileFiles;
import org.tessera.wcs.WcsCards;

/**
 * One Phase 3 group as a Spark task: what the driver decided (the group's frames in order, its
 * mount mode, the ALT-AZ gating's decision for it) in a form that travels to an executor, which
 * reopens the frames by path and builds the tile with the main module's {@link MasterTileBuilder}.
 * The tile is written atomically (temp file, rename), so a retried task simply writes it again.
 *
 * @param frames absolute paths of the group's frames, in the group's order
 * @param wcs    each frame's WCS as the driver placed it ({@link WcsCards}: the header's, or the one
 *               Phase 1 found for a frame without one), so the executor needs no solve and no cache
 * @param taskSlots tasks an executor runs at once: each stack gets that share of the heap
 */
record GroupTask(int id, List<String> frames, List<String> wcs, MountMode mount, boolean cleanup, boolean hotPixels, String tilesDir,
                 String configJson, int taskSlots) implements Serializable {

    /** What came back from an executor: the tile file, or why it failed, and the frames it left out. */
    record Done(int id, String tile, boolean empty, String failure, List<String[]> lost) implements Serializable {}

    static GroupTask of(FrameGroup g, boolean cleanup, boolean hotPixels, Path tilesDir, Config config, int taskSlots)
            throws IOException {
        List<String> paths = new ArrayList<>(), wcs = new ArrayList<>();
        for (Frame f : g.frames()) {
            paths.add(((FitsFrame) f).path().toString());
            wcs.add(WcsCards.of(f.wcs()));
        }
        return new GroupTask(g.id(), List.copyOf(paths), List.copyOf(wcs), g.mount(), cleanup, hotPixels, tilesDir.toString(),
                config.toJson(), taskSlots);
    }

    /** Runs on the executor: opens the frames, builds and writes the tile. */
    Done build() throws IOException {
        List<Frame> opened = new ArrayList<>();
        for (int i = 0; i < frames.size(); i++)
            opened.add(FitsFrame.open(Path.of(frames.get(i))).withHotPixelCorrection(hotPixels).withWcs(WcsCards.parse(wcs.get(i))));
        FrameGroup g = new FrameGroup(id, opened, mount);
        Config config = SparkConfigs.fromJson(configJson);
        ResourcePlan whole = ResourcePlan.fromRuntime(config);
        int slots = Math.max(1, taskSlots);
        ResourcePlan share = whole.withBudget(whole.budgetBytes() / slots).withWorkers(Math.max(1, whole.workers() / slots));
        MasterTile tile = MasterTileBuilder.fromConfig(config, 1).buildTile(g, cleanup, Progress.NONE, share);
        Path file = MasterTileFiles.write(tile, Path.of(tilesDir));
        List<String[]> lost = new ArrayList<>();
        List<FrameLosses.Loss> losses = tile.empty()
                ? FrameLosses.all(g, "is empty (ZMT_EMPT=1): the frame reaches no mosaic")
                : FrameLosses.dropped(g.id(), g.frames(), tile.stack());
        for (FrameLosses.Loss l : losses) lost.add(new String[] {((FitsFrame) l.frame()).path().toString(), l.reason()});
        return new Done(id, file.toString(), tile.empty(), null, lost);
    }
}

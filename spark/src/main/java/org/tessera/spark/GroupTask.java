package org.tessera.spark;

import java.io.IOException;
import java.io.Serializable;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.tessera.Progress;
import org.tessera.config.Config;
import org.tessera.io.FitsFrame;
import org.tessera.io.Frame;
import org.tessera.io.FrameReading;
import org.tessera.io.MountMode;
import org.tessera.pipeline.FrameReports;
import org.tessera.plan.ResourcePlan;
import org.tessera.solve.Solvers;
import org.tessera.tiles.FrameGroup;
import org.tessera.tiles.FrameLosses;
import org.tessera.tiles.MasterTile;
import org.tessera.tiles.MasterTileBuilder;
import org.tessera.tiles.MasterTileFiles;
import org.tessera.wcs.WcsCards;

/**
 * One Phase 3 group as a Spark task: what the driver decided (the group's frames in order, its
 * mount mode, the ALT-AZ gating's decision for it) in a form that travels to an executor, which
 * reopens the frames by path or URI ({@link FsAccess}) and builds the tile with the main module's
 * {@link MasterTileBuilder}. The tile is written atomically (temp file, rename) and put at its
 * place, so a retried task simply writes it again.
 *
 * @param frames    the group's frames (paths or URIs), in the group's order
 * @param wcs       each frame's WCS as the driver placed it ({@link WcsCards}); used for a frame whose
 *                  header has none (or when re-solving is forced): the one Phase 1 found, so the
 *                  executor needs no solve and no cache
 * @param tile      where the tile goes (path or URI)
 * @param taskSlots tasks an executor runs at once: each stack gets that share of the heap
 */
record GroupTask(int id, List<String> frames, List<String> wcs, MountMode mount, boolean cleanup, FrameReading reading,
                 String tile, String configJson, int taskSlots, FsAccess fs) implements Serializable {

    /** A frame the tile left out: its index in the group and why. */
    record Lost(int frame, String reason) implements Serializable {}

    /** What came back from an executor: the tile (path or URI), or why it failed, and the frames it left out. */
    record Done(int id, String tile, boolean empty, String failure, List<Lost> lost) implements Serializable {}

    /** The master tile file name of group {@code id}, as {@link MasterTileFiles#write} names it. */
    static String fileName(int id) {
        return String.format(Locale.ROOT, "master_tile_%03d.fits", id);
    }

    static GroupTask of(FrameGroup g, boolean cleanup, FrameReading reading, Path tilesDir, Config config, int taskSlots,
                        Staging st) throws IOException {
        List<String> refs = new ArrayList<>(), wcs = new ArrayList<>();
        for (Frame f : g.frames()) {
            refs.add(st.ref(((FitsFrame) f).path()));
            wcs.add(WcsCards.of(f.wcs()));
        }
        return new GroupTask(g.id(), List.copyOf(refs), List.copyOf(wcs), g.mount(), cleanup, reading,
                st.ref(tilesDir.resolve(fileName(g.id()))), config.toJson(), taskSlots, st.fs);
    }

    /** Runs on the executor: opens the frames, builds the tile, writes it and puts it at its place. */
    Done build() throws IOException {
        Config config = SparkConfigs.fromJson(configJson);
        boolean force = config.getBoolean(Solvers.KEY_FORCE);
        List<Frame> opened = new ArrayList<>();
        for (int i = 0; i < frames.size(); i++) {
            FitsFrame f = FitsFrame.open(fs.fetch(frames.get(i))).withReading(reading);
            // As Phase 1 decided on the driver: a header's WCS is kept (a DSS plate solution stays one,
            // its cards are only a TAN approximation), a frame without one takes the WCS found for it.
            opened.add(f.hasWcs() && !force ? f : f.withWcs(WcsCards.parse(wcs.get(i))));
        }
        FrameGroup g = new FrameGroup(id, opened, mount);
        ResourcePlan whole = ResourcePlan.fromRuntime(config);
        int slots = Math.max(1, taskSlots);
        ResourcePlan share = whole.withBudget(whole.budgetBytes() / slots).withWorkers(Math.max(1, whole.workers() / slots));
        // The frames' spools (~24 MB per Seestar frame while the tile stacks) go to the executor's
        // scratch folder, on Spark's local disks, not java.io.tmpdir, which may be small or memory.
        MasterTile built = MasterTileBuilder.fromConfig(config, 1).withSpoolDir(FsAccess.scratch())
                .buildTile(g, cleanup, Progress.NONE, share);
        Path file = MasterTileFiles.write(built, fs.writeDir(tile));
        fs.put(file, tile);
        List<Lost> lost = new ArrayList<>();
        List<FrameLosses.Loss> losses = built.empty()
                ? FrameLosses.all(g, FrameReports.EMPTY_TILE)
                : FrameLosses.dropped(g.id(), g.frames(), built.stack());
        for (FrameLosses.Loss l : losses) lost.add(new Lost(opened.indexOf(l.frame()), l.reason()));
        return new Done(id, tile, built.empty(), null, lost);
    }
}

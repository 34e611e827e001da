package org.tessera.grid;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import nom.tam.fits.Header;
import nom.tam.fits.HeaderCardException;

import org.tessera.Progress;
import org.tessera.image.RowSink;
import org.tessera.io.FitsImageWriter;
import org.tessera.io.FrameSelection;
import org.tessera.io.Frame;
import org.tessera.plan.ResourcePlan;
import org.tessera.stack.StackCore;
import org.tessera.reproject.Kernel;
import org.tessera.stack.StackParams;
import org.tessera.stack.StackResult;
import org.tessera.stack.TileStackPolicy;
import org.tessera.tiles.TileHeaders;

/**
 * One Grid tile: its frames seen on the tile's grid ({@link AlignedFrame}), stacked by the one
 * stack core with the exposure as an external frame weight (reference.md §8: weight = exposure /
 * variance × footprint; the variance part is the configured {@code stacking_weighting_method},
 * the footprint part is the NaN outside each frame), streamed by row bands straight into
 * {@code tile_NNNN.fits}. The ALPHA extension is the coverage fraction: the number of frames with
 * data at a pixel over the tile's frame count (0 wherever the stack is NaN). Its {@code EXPTIME},
 * the exposure its pixels are counts per (linear_fit scales every frame onto the stack's reference
 * frame), is known only once the stack is done: the header is written again in place, into room
 * kept for the card, before the file is complete. The file appears only when complete (temp +
 * rename); on failure the temp file is removed.
 */
final class TileStacker {
    private static final java.util.logging.Logger LOG = java.util.logging.Logger.getLogger("org.tessera.grid");

    /** What a finished tile holds; {@code file} is null when no tile was written (frames only at its edge). */
    record Done(GridLayout.Tile tile, Path file, int frames, StackResult stack) {}

    private final StackParams params;
    private final ResourcePlan plan;
    private final TileStackPolicy policy;
    /** How the frames are resampled onto the tile ({@code stacking_resample_kernel}). */
    private final Kernel resample;

    TileStacker(StackParams params, ResourcePlan plan, TileStackPolicy policy, Kernel resample) {
        this.params = params;
        this.plan = plan;
        this.policy = policy;
        this.resample = resample;
    }

    Done stack(GridLayout.Tile tile, List<GridInputs.GridFrame> frames, Path target, Progress progress)
            throws IOException {
        List<Frame> aligned = new ArrayList<>();
        double[] exposure = new double[frames.size()];
        for (int i = 0; i < frames.size(); i++) {
            GridInputs.GridFrame f = frames.get(i);
            aligned.add(new AlignedFrame(f.frame(), tile.grid(), resample));
            exposure[i] = f.entry().exposure();
        }
        int w = tile.width(), h = tile.height(), nc = aligned.get(0).channels();
        // Each attempt of the policy writes the tile afresh (a failed GPU attempt's file is aborted).
        Done done = policy.stack(tile.id(), backend -> {
            // Room for EXPTIME, which only the stack can say (its reference frame): the header is
            // written again in place before the file is renamed complete.
            FitsImageWriter out = new FitsImageWriter(target, w, h, nc, header(tile, frames.size(), null),
                    FitsImageWriter.AlphaMode.EXPLICIT, 1);
            try {
                AlphaPairing pairing = new AlphaPairing(out, w, nc, frames.size());
                StackResult r = StackCore.stackWeighted(aligned, exposure, params, pairing.image(), pairing.coverage(),
                        progress, plan, backend);
                if (r.framesUsed() == 0) { // an empty tile is no result: never write it and count it as done
                    out.abort();
                    return new Done(tile, null, frames.size(), r);
                }
                // false only for a header without the card whose blank spare took a block of its own:
                // then the blank card stays (commentary, no value)
                out.replaceHeader(header(tile, frames.size(), TileHeaders.exposureCard(aligned, r)));
                out.close();
                return new Done(tile, target, frames.size(), r);
            } catch (IOException | RuntimeException | Error e) {
                out.abort();
                throw e;
            }
        });
        if (done.file() != null) return done;
        StackResult r = done.stack();
        boolean noData = r.dropped().stream().allMatch(d -> d.contains("finite fraction 0.0000 "));
        String why = String.join("; ", r.dropped());
        if (noData) // its frames hold no pixel at all here: a loss to report
            throw new IOException(String.format(Locale.ROOT,
                    "none of its %d frame(s) holds data on this tile (all dropped: %s); no tile written",
                    frames.size(), why));
        // Its frames only touch its edge; their pixels lie in the overlapping tiles.
        LOG.info(String.format(Locale.ROOT, "[GRID] tile %d: its %d frame(s) only touch it (%s); no tile written",
                tile.id(), frames.size(), why));
        return done;
    }

    /**
     * The tile's header; {@code exposure}: its {@code EXPTIME} (the unit of its pixels, by the master
     * tiles' rule, {@link TileHeaders#exposureCard}), null for none.
     */
    private static Header header(GridLayout.Tile tile, int frames, TileHeaders.Commented exposure) throws IOException {
        Header h = new Header();
        try {
            tile.grid().wcs().writeTo(h);
            h.addValue(FrameSelection.ORIGIN_KEY, FrameSelection.ORIGIN_VALUE, "software");
            h.addValue("GRID_ID", tile.id(), "Grid mode tile id");
            h.addValue("GRID_X0", tile.x0(), "tile origin on the global grid, x (0-based)");
            h.addValue("GRID_Y0", tile.y0(), "tile origin on the global grid, y (0-based)");
            // The Phase 5 tile weight reads MT_NFRAMES, as for master tiles.
            h.addValue("HIERARCH." + TileHeaders.NFRAMES, frames, "frames assigned to the tile");
            // Phase 5's exposure prior puts tiles of other units on one (docs/reproject.md)
            if (exposure != null) h.addValue(TileHeaders.EXPTIME, (Double) exposure.value(), exposure.comment());
        } catch (HeaderCardException e) {
            throw new IOException(tile.fileName() + ": cannot build header: " + e.getMessage(), e);
        }
        return h;
    }

    /**
     * Writes each band of the stack and, once both the image band and the coverage band of the same
     * rows have arrived (the stack core writes them as a pair), the ALPHA band: coverage / frames,
     * 0 where a channel is NaN. Memory: the bands in flight only.
     */
    private static final class AlphaPairing {
        private final FitsImageWriter out;
        private final int width, channels;
        private final float frames;
        private final Map<Long, float[]> pendingCoverage = new HashMap<>();
        private final Map<Long, boolean[]> pendingValid = new HashMap<>();

        AlphaPairing(FitsImageWriter out, int width, int channels, int frames) {
            this.out = out;
            this.width = width;
            this.channels = channels;
            this.frames = frames;
        }

        RowSink image() {
            return (y0, rows, src) -> {
                out.writeRows(y0, rows, src);
                boolean[] valid = new boolean[rows * width];
                for (int i = 0; i < valid.length; i++) {
                    boolean ok = true;
                    for (int c = 0; ok && c < channels; c++) ok = !Float.isNaN(src[c][i]);
                    valid[i] = ok;
                }
                float[] cov;
                synchronized (this) {
                    cov = pendingCoverage.remove(key(y0, rows));
                    if (cov == null) pendingValid.put(key(y0, rows), valid);
                }
                if (cov != null) writeAlpha(y0, rows, cov, valid);
            };
        }

        RowSink coverage() {
            return (y0, rows, src) -> {
                float[] cov = src[0].clone();
                boolean[] valid;
                synchronized (this) {
                    valid = pendingValid.remove(key(y0, rows));
                    if (valid == null) pendingCoverage.put(key(y0, rows), cov);
                }
                if (valid != null) writeAlpha(y0, rows, cov, valid);
            };
        }

        private void writeAlpha(int y0, int rows, float[] cov, boolean[] valid) throws IOException {
            float[] a = new float[rows * width];
            // A valid pixel never rounds to alpha 0 (no data), however many frames the tile has.
            for (int i = 0; i < a.length; i++) a[i] = valid[i] ? Math.max(1f / 255f, Math.min(1f, cov[i] / frames)) : 0f;
            out.writeAlpha(y0, rows, a);
        }

        private static long key(int y0, int rows) {
            return ((long) y0 << 32) | rows;
        }
    }

    static String describe(Done d) {
        return String.format(Locale.ROOT, "%d/%d frame(s) stacked, rejected %.3f%%", d.stack().framesUsed(), d.frames(),
                d.stack().rejectedPct());
    }
}

package org.tessera.sds;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Logger;

import org.tessera.Progress;
import org.tessera.config.Config;
import org.tessera.image.RowSink;
import org.tessera.image.RowSource;
import org.tessera.io.FitsFrame;
import org.tessera.io.FitsImageWriter;
import org.tessera.plan.ResourcePlan;
import org.tessera.reproject.CoaddBackground;
import org.tessera.reproject.CoaddFiles;
import org.tessera.reproject.CoaddInput;
import org.tessera.reproject.CoaddPreview;
import org.tessera.reproject.MosaicProvenance;
import org.tessera.stack.StackCore;
import org.tessera.stack.StackResult;
import org.tessera.tiles.PaddedSource;
import org.tessera.wcs.WcsGrid;

/**
 * The mega-tiles of an SDS run stacked per pixel into the mosaic:
 * <ol>
 * <li>one pass over the mega-tiles' coverages (by bands) gives the mosaic's coverage, the sum of
 * the frame weights, its maximum and the box of the pixels kept ({@code coverage / max ≥
 * sds_min_coverage_keep}); the outputs are that box widened by {@code global_wcs_autocrop_margin_px}
 * (the whole global grid without autocrop);</li>
 * <li>the mega-tiles put on one exposure where theirs differ ({@link #exposures}), brought onto one
 * sky level, per channel ({@link MegaTileLevels}), then
 * stacked by the stack core on that window ({@link SdsSettings#coadd}: rejection across mega-tiles,
 * weighted by frames per batch), each mega-tile NaN where it has no data, so a pixel is stacked
 * from the mega-tiles that cover it;</li>
 * <li>pixels below the coverage keep are masked (NaN, coverage 0) as the bands are written, into the
 * same files Classic writes (mosaic with ALPHA and the observation cards {@code about}, coverage),
 * then the final background extraction and
 * the preview as Classic ({@link CoaddFiles#background} and {@link CoaddPreview}, both on the way to the file).</li>
 * </ol>
 * Memory: bands of rows and the stack core's plan, never a whole mosaic per mega-tile.
 */
final class MegaTileStack {
    private MegaTileStack() {}

    private static final Logger LOG = Logger.getLogger("org.tessera.sds");

    /** What was written. */
    /** What was written; {@code warning}: null, or why the mosaic was kept without its background extraction. */
    record Written(Path mosaic, Path coverage, Path preview, WcsGrid grid, StackResult stack, long masked, String warning) {}

    /** Rows per band of the coverage pass: about 4 Mi floats. */
    private static int bandRows(int width) {
        return Math.max(1, (4 << 20) / Math.max(1, width));
    }

    /**
     * The exposure (s) the mosaic's pixels are counts per, NaN when unknown, and the gain that puts
     * each mega-tile on it ({@link #exposures}).
     */
    record Exposures(double unit, double[] gains) {}

    /**
     * The mega-tiles on one exposure, by the rule of the photometric match's exposure prior
     * ({@link CoaddInput#referenceExposure}: the exposure most frames have, the longer on a tie),
     * as Classic puts its master tiles on one: a mega-tile of 20 s frames holds twice the counts of
     * one of 10 s frames, and the stack averaged the two per pixel, so the part of a mosaic only the
     * 20 s batches cover came out twice as bright. Gain E_ref / E_k for mega-tile k; all 1 where
     * the mega-tiles share one exposure or one is unknown (no {@code EXPTIME}: never rescaled by a
     * guess), the unit then their one exposure, or NaN.
     */
    static Exposures exposures(List<MegaTiles.MegaTile> tiles) {
        int n = tiles.size();
        double[] e = new double[n], frames = new double[n], gains = new double[n];
        for (int i = 0; i < n; i++) {
            e[i] = tiles.get(i).exposure();
            frames[i] = tiles.get(i).frames();
        }
        java.util.Arrays.fill(gains, 1);
        double ref = CoaddInput.referenceExposure(e, frames);
        if (Double.isNaN(ref)) {
            double one = e[0];
            for (double v : e) if (!(v == one)) one = Double.NaN;
            return new Exposures(one, gains);
        }
        StringBuilder g = new StringBuilder();
        for (int i = 0; i < n; i++) {
            gains[i] = ref / e[i];
            g.append(i == 0 ? "" : ", ").append(String.format(Locale.ROOT, "%.3f", gains[i]));
        }
        LOG.info(String.format(Locale.ROOT, "[SDS] exposures %s s: mega-tiles put on %s s before their sky levels and"
                + " stack (gains [%s])", new java.util.TreeSet<>(java.util.Arrays.stream(e).boxed().toList()), ref, g));
        return new Exposures(ref, gains);
    }

    /**
     * Stacks {@code tiles}, each first multiplied by its gain of {@code exposures}, into the mosaic
     * files, with the observation cards {@code about}.
     */
    static Written write(List<MegaTiles.MegaTile> tiles, Exposures exposures, WcsGrid global, SdsSettings s, Path dir,
                         CoaddFiles.Names names, Config config, ResourcePlan plan, MosaicProvenance about,
                         Progress stack, Progress preview) throws IOException {
        // 1. Coverage of the whole global grid: its maximum and, per row and column, the largest value.
        int gw = global.width(), gh = global.height();
        List<RowSource> covGlobal = new ArrayList<>();
        for (MegaTiles.MegaTile t : tiles)
            covGlobal.add(new PaddedSource(FitsFrame.open(t.coverageFile()), gw, gh, t.x0(), t.y0(), t.coverageFile().getFileName().toString()));
        float[] rowMax = new float[gh], colMax = new float[gw];
        double max = 0;
        int rows = bandRows(gw);
        float[][] band = new float[1][rows * gw], sum = new float[1][rows * gw];
        for (int y0 = 0; y0 < gh; y0 += rows) {
            int r = Math.min(rows, gh - y0);
            sumCoverage(covGlobal, y0, r, gw, band, sum[0]);
            for (int y = 0; y < r; y++)
                for (int x = 0; x < gw; x++) {
                    float v = sum[0][y * gw + x];
                    if (v > rowMax[y0 + y]) rowMax[y0 + y] = v;
                    if (v > colMax[x]) colMax[x] = v;
                    if (v > max) max = v;
                }
        }
        if (!(max > 0)) throw new IOException("[SDS] the mega-tiles cover no pixel of the global grid");
        double keep = s.minCoverageKeep() * max;
        int x0 = first(colMax, keep), x1 = last(colMax, keep) + 1, y0 = first(rowMax, keep), y1 = last(rowMax, keep) + 1;
        if (s.autocrop()) {
            x0 = Math.max(0, x0 - s.marginPx());
            y0 = Math.max(0, y0 - s.marginPx());
            x1 = Math.min(gw, x1 + s.marginPx());
            y1 = Math.min(gh, y1 + s.marginPx());
        } else {
            x0 = 0; y0 = 0; x1 = gw; y1 = gh;
        }
        WcsGrid win = global.crop(x0, y0, x1 - x0, y1 - y0);
        LOG.info(String.format(Locale.ROOT, "[SDS] coverage max %.3f; sds_min_coverage_keep=%.3f keeps coverage >= %.3f;"
                + " mosaic %dx%d at (%d, %d) of the %dx%d global grid (autocrop %s, margin %d px)", max, s.minCoverageKeep(),
                keep, win.width(), win.height(), x0, y0, gw, gh, s.autocrop() ? "on" : "off", s.marginPx()));

        // 2. + 3. The stack of the mega-tiles on the window, masked as it is written.
        int w = win.width(), h = win.height();
        List<RowSource> images = new ArrayList<>(), covs = new ArrayList<>();
        double[] frames = new double[tiles.size()];
        for (int i = 0; i < tiles.size(); i++) {
            MegaTiles.MegaTile t = tiles.get(i);
            images.add(MegaTileLevels.scaled(new PaddedSource(FitsFrame.open(t.image()), w, h, t.x0() - x0, t.y0() - y0,
                    t.image().getFileName().toString()), exposures.gains()[i])); // on the mosaic's exposure first
            covs.add(new PaddedSource(FitsFrame.open(t.coverageFile()), w, h, t.x0() - x0, t.y0() - y0, t.coverageFile().getFileName().toString()));
            frames[i] = t.frames();
        }
        // The sky levels of the mega-tiles onto the one of most frames (the first of them on a tie).
        int ref = 0;
        for (int i = 1; i < tiles.size(); i++) if (tiles.get(i).frames() > tiles.get(ref).frames()) ref = i;
        List<String> tileNames = new ArrayList<>();
        for (MegaTiles.MegaTile t : tiles) tileNames.add(t.image().getFileName().toString());
        double[][] offsets = MegaTileLevels.offsets(images, ref, tileNames);
        for (int i = 0; i < images.size(); i++) images.set(i, MegaTileLevels.shifted(images.get(i), offsets[i]));

        Path mosaic = dir.resolve(names.mosaic()), coverage = dir.resolve(names.coverage());
        String what = "SDS mosaic";
        FitsImageWriter m = null, c = null;
        CoaddBackground bg = null;
        CoaddPreview pv = null;
        AtomicLong masked = new AtomicLong();
        StackResult res;
        try {
            m = CoaddFiles.mosaicWriter(config, mosaic, w, h, images.get(0).channels(),
                    CoaddFiles.header(win, tiles.size(), what, about)); // with room for the DBE cards when it runs
            c = new FitsImageWriter(coverage, w, h, 1, CoaddFiles.header(win, tiles.size(), "coverage: sum of weights"),
                    FitsImageWriter.AlphaMode.NONE);
            bg = CoaddFiles.background(config, m, w, h, images.get(0).channels()); // DBE on the way to the file
            pv = new CoaddPreview(config, w, h, images.get(0).channels(), bg != null); // and the preview's block means
            RowSink out = masking(covs, w, keep, pv.mosaic(bg == null ? m : bg.sink()), pv.coverage(c), masked);
            res = StackCore.stackWeighted(images, frames, s.coadd(), out, null, stack, plan);
            // Throws only when the file must not be kept or on the cancel; a failed fit keeps the stack (bg.warning()).
            if (bg != null) bg.beforeClose(CoaddFiles.header(win, tiles.size(), what, about), plan.workers(), pv.corrected());
            m.close();
            c.close();
        } catch (IOException | RuntimeException | Error e) {
            if (m != null) m.abort();
            if (c != null) c.abort();
            throw e;
        }
        LOG.info(String.format(Locale.ROOT, "[SDS] %d mega-tile(s) stacked (%s): %d stacked, rejected %.3f%%; %d pixel(s) masked"
                + " below the coverage keep", tiles.size(), s.coadd().describe(), res.framesUsed(), res.rejectedPct(),
                masked.get()));
        for (String d : res.dropped()) LOG.warning("[SDS] mega-tile dropped by the stack: " + d);
        if (bg != null) bg.afterClose(CoaddFiles.header(win, tiles.size(), what, about)); // a failure keeps the mosaic
        Path png = pv.write(bg, mosaic, coverage, dir.resolve(names.preview()), preview);
        return new Written(mosaic, coverage, png, win, res, masked.get(), bg == null ? null : bg.warning());
    }

    /**
     * The sink the stack writes into: each band's coverage summed from the mega-tiles; where it is
     * below {@code keep} the pixel becomes NaN (no ALPHA) and its coverage 0.
     */
    private static RowSink masking(List<RowSource> covs, int w, double keep, RowSink mosaic, RowSink coverage,
                                   AtomicLong masked) {
        return (y0, rows, src) -> {
            float[][] band = new float[1][rows * w];
            float[] sum = new float[rows * w];
            sumCoverage(covs, y0, rows, w, band, sum);
            long n = 0;
            for (int i = 0; i < rows * w; i++) {
                if (sum[i] >= keep) continue;
                boolean had = false;
                for (float[] ch : src) {
                    had |= !Float.isNaN(ch[i]);
                    ch[i] = Float.NaN;
                }
                if (had) n++;
                sum[i] = 0;
            }
            masked.addAndGet(n);
            mosaic.writeRows(y0, rows, src);
            coverage.writeRows(y0, rows, new float[][] {sum});
        };
    }

    /** Σ of the coverages of rows [y0, y0 + rows) into {@code sum} (NaN counts as 0). */
    private static void sumCoverage(List<RowSource> covs, int y0, int rows, int w, float[][] band, float[] sum)
            throws IOException {
        java.util.Arrays.fill(sum, 0, rows * w, 0f);
        for (RowSource cv : covs) {
            cv.readRows(y0, rows, band);
            for (int i = 0; i < rows * w; i++) {
                float v = band[0][i];
                if (v > 0) sum[i] += v;
            }
        }
    }

    private static int first(float[] v, double t) {
        for (int i = 0; i < v.length; i++) if (v[i] >= t) return i;
        return 0;
    }

    private static int last(float[] v, double t) {
        for (int i = v.length - 1; i >= 0; i--) if (v[i] >= t) return i;
        return v.length - 1;
    }
}

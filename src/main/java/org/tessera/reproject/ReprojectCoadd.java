package org.tessera.reproject;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionService;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorCompletionService;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import java.util.logging.Logger;

import org.tessera.Progress;
import org.tessera.WorkerFailures;
import org.tessera.image.RowSink;
import org.tessera.math.Percentiles;
import org.tessera.wcs.WcsGrid;
import org.tessera.wcs.WcsMapping;

/**
 * Phase 5: reprojects tiles onto the final grid and coadds them, streaming bands of output rows
 * into sinks, so memory is O(band + cached source strips + previews), never O(mosaic) nor
 * O(all tiles).
 * <ol>
 * <li>One streaming read of each tile (in parallel): valid extent of each row, luminance
 * previews, and the footprint on the grid. Tiles are cropped first ({@code master_tile_crop_percent}
 * per side). No read when there is nothing to learn: no previews and a source known to hold no
 * NaN ({@link org.tessera.image.AllFinite}) without alpha.</li>
 * <li>The output grid is cropped to the bounding box of the tiles' footprints (the pixels whose
 * centre falls on a valid tile pixel).</li>
 * <li>Photometric matching on the previews ({@link PhotometricMatch}): gains, offsets,
 * background, two-pass renormalisation, each switchable. The caller's {@link SinkFactory} then opens
 * sinks for the plan: the final grid, and the exposure its pixels are counts per
 * ({@link CoaddPlan#exposure}, for the mosaic's header).</li>
 * <li>Bands of output rows in parallel: for each tile overlapping the band, the control-cell
 * mapping ({@link WcsMapping}) and the needed rows of the tile (from a shared LRU of row blocks)
 * go to a {@link BandCoadder}; mosaic = Σ w·(g·v + o) / Σ w, coverage = Σ w, with w = tile weight
 * × max(alpha, floor). Every channel in the same pass.</li>
 * </ol>
 * An output pixel's value does not depend on the band size, the number of workers or the order
 * in which bands finish.
 */
public final class ReprojectCoadd {
    private ReprojectCoadd() {}

    private static final Logger LOG = Logger.getLogger("org.tessera.reproject");

    /** Opens the outputs once the plan is known. */
    @FunctionalInterface
    public interface SinkFactory {
        /**
         * @param plan its {@link CoaddPlan#grid grid}: the caller's cropped to the covered bounding
         *             box; its {@link CoaddPlan#channels channels}: the mosaic's (the tiles'); its
         *             {@link CoaddPlan#exposure exposure}: what the mosaic's pixels are counts per
         *             (NaN: none single), which a header says in {@code EXPTIME}
         */
        Sinks open(CoaddPlan plan) throws IOException;
    }

    /**
     * Where bands go: the mosaic (channels planes, NaN where nothing covers) and the coverage
     * (one plane, Σ weights; may be null). Written band by band from several threads; the caller
     * owns and closes them.
     */
    public record Sinks(RowSink mosaic, RowSink coverage) {}

    /**
     * What happened to one input: its weight, gain and additive correction (the luminance
     * correction at the final grid's centre, and its gradient per final-grid pixel when the
     * background match is planar), its box on the final grid.
     */
    public record TileReport(String name, boolean used, double weight, double gain, double offset,
                             double slopeX, double slopeY, int x0, int y0, int x1, int y1, String note)
            implements java.io.Serializable {}

    /**
     * The outcome of a run; {@code exposure}: the plan's ({@link CoaddPlan#exposure}), the exposure
     * (s) the mosaic's pixels are counts per where the match put tiles of other exposures on it, else NaN.
     */
    public record Result(WcsGrid grid, int channels, List<TileReport> tiles, int pairs, int bands, int rowsPerBand,
                         long blockReads, double surveySeconds, double coaddSeconds, double exposure) {}

    public static Result run(List<CoaddInput> inputs, WcsGrid grid, CoaddParams params, SinkFactory sinks,
                             Progress progress) throws IOException {
        return run(inputs, grid, params, sinks, progress, CpuBandCoadder.INSTANCE);
    }

    public static Result run(List<CoaddInput> inputs, WcsGrid grid, CoaddParams params, SinkFactory sinks,
                             Progress progress, BandCoadder backend) throws IOException {
        return run(inputs, grid, params, sinks, progress, backend, Bands.LOCAL);
    }

    /**
     * Who coadds the bands of a plan into the sinks: this process's threads ({@link #LOCAL}), or
     * a cluster that hands ranges of bands to other processes (each running {@link #coaddBands})
     * and writes what they return into {@code out}.
     */
    @FunctionalInterface
    public interface Bands {
        BandsDone coadd(CoaddPlan plan, List<CoaddInput> inputs, CoaddParams params, Sinks out, BandCoadder backend,
                        Progress progress) throws IOException;

        /** Every band here, in parallel on {@code params.workers()} threads. */
        Bands LOCAL = (plan, inputs, params, out, backend, progress) ->
                coaddBands(plan, inputs, params, out, 0, plan.bands(), backend, progress);
    }

    /** {@link #run(List, WcsGrid, CoaddParams, SinkFactory, Progress, BandCoadder)} with the bands coadded by {@code bands}. */
    public static Result run(List<CoaddInput> inputs, WcsGrid grid, CoaddParams params, SinkFactory sinks,
                             Progress progress, BandCoadder backend, Bands bands) throws IOException {
        if (progress == null) progress = Progress.NONE;
        long t0 = System.nanoTime();
        CoaddPlan plan = plan(inputs, grid, params, progress.sub(0, 0.2));
        double surveySeconds = (System.nanoTime() - t0) / 1e9;
        Sinks out = sinks.open(plan);
        long t1 = System.nanoTime();
        BandsDone st = bands.coadd(plan, inputs, params, out, backend, progress.sub(0.2, 1));
        double coaddSeconds = (System.nanoTime() - t1) / 1e9;
        WcsGrid fin = plan.grid();
        LOG.info(String.format(Locale.ROOT, "[P5] coadd %dx%d done: %d bands of %d rows, %s backend, %d block reads"
                + " (%d from cache), %.2f s survey+match, %.2f s coadd", fin.width(), fin.height(), plan.bands(),
                plan.rowsPerBand(), backend.name(), st.blockReads(), st.cacheHits(), surveySeconds, coaddSeconds));
        return new Result(fin, plan.channels(), plan.reports(), plan.pairs(), plan.bands(), plan.rowsPerBand(),
                st.blockReads(), surveySeconds, coaddSeconds, plan.exposure());
    }

    /**
     * The first half of Phase 5, on one process (a cluster's driver): surveys the tiles, crops
     * the grid to their footprints, runs the photometric match and lays out the bands. Any
     * process can then coadd any range of bands from the plan ({@link #coaddBands}).
     */
    public static CoaddPlan plan(List<CoaddInput> inputs, WcsGrid grid, CoaddParams params, Progress progress)
            throws IOException {
        if (inputs.isEmpty()) throw new IllegalArgumentException("[P5] no input tile to coadd");
        if (progress == null) progress = Progress.NONE;
        int channels = channels(inputs);
        List<Tile> tiles = new ArrayList<>();
        double crop = params.applyMasterTileCrop() ? params.masterTileCropPercent() : 0;
        for (int i = 0; i < inputs.size(); i++) tiles.add(new Tile(i, inputs.get(i), crop, params.alphaWeightFloor()));
        assignTileWeights(tiles, params.enableTileWeighting());
        String[] notes = new String[tiles.size()];

        boolean matching = inputs.size() > 1
                && (params.intertilePhotometricMatch() || params.matchBackground() || params.twoPassCoverageRenorm());
        int factor = matching ? previewFactor(tiles, params.match().previewSize()) : 0;
        // Previews on the grid's own lattice where every tile's cells hold enough pixels, else
        // block means on each tile's pixels, resampled (Tile#survey).
        boolean lattice = factor > 0 && latticePreviews(tiles, factor, grid);

        ExecutorService pool = pool(params.workers());
        try {
            double[][] boxes = new double[tiles.size()][];
            Tasks surveys = survey(tiles, factor, lattice ? grid : null, grid, params.kernel().mapsCorners(), boxes,
                    pool, progress.sub(0, 0.75));
            // Logged while the survey runs: the first message of a fresh JVM sets up its logging (~25 ms).
            LOG.info(String.format(Locale.ROOT, "[P5] %d tiles onto %dx%d grid, %d channel(s); %s", tiles.size(),
                    grid.width(), grid.height(), channels, params));
            surveys.await();

            // Footprints, and the crop of the output grid to what they cover.
            int gx0 = Integer.MAX_VALUE, gy0 = Integer.MAX_VALUE, gx1 = Integer.MIN_VALUE, gy1 = Integer.MIN_VALUE;
            List<Tile> used = new ArrayList<>();
            for (Tile t : tiles) {
                double[] box = boxes[t.index];
                if (box == null) {
                    notes[t.index] = t.validPixels == 0 ? "no valid pixel" : "footprint does not map onto the grid";
                    LOG.warning("[P5] " + t.name() + ": " + notes[t.index] + ", skipped");
                    continue;
                }
                int x0 = (int) Math.max(0, box[0]), y0 = (int) Math.max(0, box[1]);
                int x1 = (int) Math.min(grid.width(), box[2]), y1 = (int) Math.min(grid.height(), box[3]);
                if (x0 >= x1 || y0 >= y1) {
                    notes[t.index] = "outside the output grid";
                    LOG.warning("[P5] " + t.name() + ": outside the output grid, skipped");
                    continue;
                }
                t.bx0 = x0; t.by0 = y0; t.bx1 = x1; t.by1 = y1;
                used.add(t);
                gx0 = Math.min(gx0, x0); gy0 = Math.min(gy0, y0);
                gx1 = Math.max(gx1, x1); gy1 = Math.max(gy1, y1);
            }
            if (used.isEmpty()) {
                // say why each was skipped: an all-NaN image is not an overlap problem
                StringBuilder why = new StringBuilder();
                for (int i = 0; i < Math.min(3, tiles.size()); i++)
                    why.append(i == 0 ? "" : "; ").append(tiles.get(i).name()).append(": ").append(notes[i]);
                if (tiles.size() > 3) why.append("; …");
                throw new IllegalArgumentException("[P5] no input tile holds data on the output grid (" + why + ")");
            }
            WcsGrid fin = grid.crop(gx0, gy0, gx1 - gx0, gy1 - gy0);
            for (Tile t : used) {
                t.bx0 -= gx0; t.bx1 -= gx0; t.by0 -= gy0; t.by1 -= gy0;
                t.mapping = new WcsMapping(fin.wcs(), t.input.wcs());
            }
            LOG.info(String.format(Locale.ROOT, "[P5] covered box %dx%d at (%d, %d) of the %dx%d grid",
                    fin.width(), fin.height(), gx0, gy0, grid.width(), grid.height()));

            Matched m = new Matched(0, Double.NaN);
            // Lattice previews are on the preview lattice of the grid before its crop; block means are
            // resampled onto the cropped grid's.
            if (matching && used.size() > 1) m = match(used, fin, factor, lattice ? gx0 : 0, lattice ? gy0 : 0, params, pool);
            progress.update(1, "[P5] matching done");

            List<CoaddPlan.TilePlan> plans = new ArrayList<>();
            for (Tile t : used)
                plans.add(new CoaddPlan.TilePlan(t.index, t.weight, t.gain, t.colour, t.background(), t.bx0, t.by0, t.bx1, t.by1,
                        t.unitWeight));
            List<TileReport> reports = new ArrayList<>();
            for (Tile t : tiles) {
                boolean u = used.contains(t);
                reports.add(new TileReport(t.name(), u, t.weight, t.gain, t.offset, t.slopeX, t.slopeY, u ? t.bx0 : 0, u ? t.by0 : 0,
                        u ? t.bx1 : 0, u ? t.by1 : 0, notes[t.index]));
            }
            return new CoaddPlan(fin, channels, rowsPerBand(params, fin.width(), fin.height(), channels), plans, reports,
                    m.pairs(), m.exposure());
        } finally {
            stop(pool);
        }
    }

    /** Source blocks read for a range of bands, and how many of the blocks asked for came from the cache. */
    public record BandsDone(long blockReads, long cacheHits) {}

    /**
     * The second half of Phase 5: coadds bands [fromBand, toBand) of {@code plan} into {@code out}
     * (at their rows of the final grid), in parallel on {@code params.workers()} threads.
     * {@code inputs} are the plan's inputs, in the same order (reopened by the process that runs
     * this); {@code params} are the plan's (the kernel, alpha floor and crop must match). A pixel's
     * value depends only on the plan and the inputs, never on which process or band range made it.
     */
    public static BandsDone coaddBands(CoaddPlan plan, List<CoaddInput> inputs, CoaddParams params, Sinks out,
                                       int fromBand, int toBand, BandCoadder backend, Progress progress)
            throws IOException {
        if (progress == null) progress = Progress.NONE;
        if (fromBand < 0 || toBand > plan.bands() || fromBand > toBand)
            throw new IllegalArgumentException("[P5] bands [" + fromBand + ", " + toBand + ") outside [0, " + plan.bands() + ")");
        if (channels(inputs) != plan.channels())
            throw new IllegalArgumentException("[P5] the inputs have " + channels(inputs) + " channels, the plan " + plan.channels());
        List<Tile> tiles = tiles(plan, inputs, params);
        StripCache cache = new StripCache(stripCacheBytes(tiles, plan, params, toBand - fromBand));
        int bands = toBand - fromBand;
        if (bands > 0) {
            ExecutorService pool = pool(Math.min(params.workers(), bands));
            try {
                coadd(tiles, plan, params, out, backend, cache, fromBand, toBand, pool, progress);
            } finally {
                stop(pool);
            }
        }
        long[] st = cache.stats();
        return new BandsDone(st[0], st[1]);
    }

    /** The plan's tiles, placed on its grid, as the band workers use them. */
    static List<Tile> tiles(CoaddPlan plan, List<CoaddInput> inputs, CoaddParams params) {
        double crop = params.applyMasterTileCrop() ? params.masterTileCropPercent() : 0;
        List<Tile> tiles = new ArrayList<>();
        for (CoaddPlan.TilePlan tp : plan.tiles()) {
            Tile t = new Tile(tp.index(), inputs.get(tp.index()), crop, params.alphaWeightFloor());
            t.weight = tp.weight();
            t.gain = tp.gain();
            t.colour = tp.colour();
            t.plane = tp.background();
            t.unitWeight = tp.unitWeight();
            t.bx0 = tp.x0(); t.by0 = tp.y0(); t.bx1 = tp.x1(); t.by1 = tp.y1();
            t.mapping = new WcsMapping(plan.grid().wcs(), t.input.wcs());
            tiles.add(t);
        }
        return tiles;
    }

    /**
     * The strip cache's budget: as configured, else from the plan (the blocks the bands in flight
     * can hold, {@link StripBudget}), at most the heap's share.
     */
    static long stripCacheBytes(List<Tile> tiles, CoaddPlan plan, CoaddParams params, int bands) {
        if (params.stripCacheBytes() > 0) return params.stripCacheBytes();
        int inFlight = Math.min(params.workers(), Math.max(1, bands));
        return StripBudget.bytes(tiles, plan, params.kernel(), inFlight, params.effectiveStripCacheBytes());
    }

    private static int channels(List<CoaddInput> inputs) {
        int channels = inputs.get(0).image().channels();
        for (CoaddInput in : inputs)
            if (in.image().channels() != channels)
                throw new IllegalArgumentException("[P5] " + in.name() + " has " + in.image().channels()
                        + " channels but " + inputs.get(0).name() + " has " + channels);
        return channels;
    }

    private static ExecutorService pool(int workers) {
        return Executors.newFixedThreadPool(Math.max(1, workers), r -> {
            Thread t = new Thread(r, "tessera-p5");
            t.setDaemon(true);
            return t;
        });
    }

    /** Tile weight = sqrt(nFrames / median nFrames) clipped to [0.75, 1.35] (1 when disabled). */
    static void assignTileWeights(List<Tile> tiles, boolean enabled) {
        double[] n = tiles.stream().mapToDouble(t -> t.input.nFrames()).toArray();
        double med = Percentiles.median(n);
        for (Tile t : tiles) {
            t.weight = 1;
            if (enabled && med > 0) t.weight = Math.max(0.75, Math.min(1.35, Math.sqrt(t.input.nFrames() / med)));
        }
    }

    /** Preview block size: tiles shrink to about previewSize pixels on their longest side. */
    static int previewFactor(List<Tile> tiles, int previewSize) {
        double[] longest = tiles.stream().mapToDouble(t -> Math.max(t.cx1 - t.cx0, t.cy1 - t.cy0)).toArray();
        return (int) Math.max(1, Math.round(Percentiles.median(longest) / previewSize));
    }

    /**
     * Tile pixels per preview cell, below which a cell's mean is over a few whole pixels
     * straddling its edges (a resampling blur of its own, unequal between tiles, that nothing
     * equalises): the block means with equalised blur then serve better (the built-in sky's tiles,
     * 9 pixels a cell: pair ratios off by up to 10 % on the lattice). 60 takes in a preview factor
     * of 8 at equal pixel scales (64, whatever the grid's slightly other scale); measured good from
     * there (PreviewLatticeGainTest: 64 and 81; the e2e tiles: 196).
     */
    static final double LATTICE_MIN_PIXELS = 60;

    /** Whether every tile's preview cells of {@code factor} grid pixels hold at least {@link #LATTICE_MIN_PIXELS} of its pixels. */
    static boolean latticePreviews(List<Tile> tiles, int factor, WcsGrid grid) {
        for (Tile t : tiles) {
            double p = t.pixelsPerCell(factor, grid.wcs());
            if (!(p >= LATTICE_MIN_PIXELS) || !Double.isFinite(p)) return false;
        }
        return true;
    }

    /**
     * Starts surveying every tile and finding its footprint box on {@code grid} (into
     * {@code boxes} by tile index; null: no valid pixel; {@code overlap}: the pixels a tile
     * overlaps, for the exact kernel, see {@link Tile#footprintBox}), in parallel: the box maps two points per
     * tile row through both WCS, which is worth sharing out too. {@link Tasks#await} the tasks.
     */
    private static Tasks survey(List<Tile> tiles, int factor, WcsGrid lattice, WcsGrid grid, boolean overlap,
                                double[][] boxes, ExecutorService pool, Progress progress) {
        AtomicInteger done = new AtomicInteger();
        Tasks fs = new Tasks(pool);
        for (Tile t : tiles) {
            fs.submit(() -> {
                if (progress.cancelled()) throw new CancellationException("cancelled");
                try {
                    if (lattice != null) t.survey(factor, lattice.wcs(), lattice.width(), lattice.height());
                    else t.survey(factor);
                } catch (IOException e) {
                    throw t.readFailure(e);
                }
                boxes[t.index] = t.validPixels == 0 ? null : t.footprintBox(grid.wcs(), overlap);
                progress.update(done.incrementAndGet() / (double) tiles.size(), "[P5] read " + t.name());
                return null;
            });
        }
        return fs;
    }

    /**
     * What the photometric match did: the pairs it used, and the exposure its gains put every tile
     * on (NaN where it applied no exposure prior, {@link PhotometricMatch#exposure}).
     */
    private record Matched(int pairs, double exposure) {}

    /** Photometric matching on the previews; sets each tile's gain and offset. */
    private static Matched match(List<Tile> used, WcsGrid fin, int factor, int gx0, int gy0, CoaddParams params,
                                 ExecutorService pool) throws IOException {
        CoaddParams.MatchParams mp = params.match();
        PhotometricMatch pm = PhotometricMatch.build(used, fin, factor, gx0, gy0, mp);
        List<PhotometricMatch.Preview> pv = pm.previews();
        int n = pv.size();
        if (n < 2) return new Matched(0, Double.NaN);
        pm.findPairs();
        double[] g = new double[n], o = new double[n];
        Arrays.fill(g, 1);
        double[][] colour = null; // [preview][channel] factors on g, colour tiles (PhotometricMatch.solveColour)
        if (params.intertilePhotometricMatch()) {
            if (mp.starRatio()) pm.measureStars(pool);
            double[][] go = pm.solveAffine(params.matchBackground() && params.match().planarBackground());
            g = go[0];
            o = go[1];
            if (mp.starRatio() && mp.colourMatch() && pm.channels() == 3) colour = pm.solveColour();
        }
        // Background planes to subtract, [plane][level | slopeX | slopeY][tile]; plane 0 is the
        // luminance, 1 + c channel c of colour tiles.
        double[][][] bg = null;
        boolean planar = params.match().planarBackground();
        if (params.matchBackground()) {
            // Colour tiles: each channel's background is matched on its own, so a sky that differs
            // in colour between sessions leaves no colour step; each channel's previews as the
            // coadd will scale them (the gain, times the channel's colour factor).
            int nc = pm.channels();
            bg = new double[1 + nc][][];
            for (int c = 0; c <= nc; c++) {
                double[] gc = g.clone();
                for (int i = 0; c > 0 && colour != null && i < n; i++) gc[i] *= colour[i][c - 1];
                bg[c] = pm.solveBackground(gc, o, c, planar);
            }
        }
        double[] k = new double[n];
        Arrays.fill(k, 1);
        if (params.twoPassCoverageRenorm()) k = pm.coverageGains();
        double[] centre = pm.centre();
        int channels = used.get(0).channels;
        for (int i = 0; i < n; i++) {
            Tile t = pv.get(i).tile;
            // Corrected value = k·(g·v + o − background); background = level + sx·(x − cx) + sy·(y − cy).
            double[] lvl = new double[channels], sx = new double[channels], sy = new double[channels];
            for (int c = 0; c < channels; c++) {
                double[][] b = bg == null ? null : bg[bg.length == 1 ? 0 : 1 + c];
                double l = o[i], gx = 0, gy = 0;
                if (b != null) {
                    l -= b[0][i] - b[1][i] * centre[0] - b[2][i] * centre[1];
                    gx = -b[1][i];
                    gy = -b[2][i];
                }
                lvl[c] = k[i] * l;
                sx[c] = k[i] * gx;
                sy[c] = k[i] * gy;
            }
            t.gain = k[i] * g[i];
            if (colour != null && Arrays.stream(colour[i]).anyMatch(v -> v != 1)) t.colour = colour[i].clone();
            t.offset = k[i] * (o[i] - (bg == null ? 0 : bg[0][0][i]));
            t.slopeX = bg == null ? 0 : -k[i] * bg[0][1][i];
            t.slopeY = bg == null ? 0 : -k[i] * bg[0][2][i];
            t.plane = new BackgroundPlane(lvl, sx, sy);
            LOG.fine(String.format(Locale.ROOT, "[P5] %s: weight %.3f gain %.4f offset %.3f slope %.3g, %.3g /px",
                    t.name(), t.weight, t.gain, t.offset, t.slopeX, t.slopeY));
            g[i] = t.gain;
            o[i] = t.offset;
        }
        // A tile without a preview (too small for one cell) is matched to nothing, but its pixels are
        // counts per its own exposure as well: put on the others' (the rule required it known).
        double unit = pm.exposure();
        if (!Double.isNaN(unit))
            for (Tile t : used)
                if (pv.stream().noneMatch(p -> p.tile == t)) t.gain = unit / t.input.exposure();
        LOG.info(String.format(Locale.ROOT, "[P5] matching: %d tiles, %d pairs, gains %.3f..%.3f, offsets %.2f..%.2f",
                n, pm.pairs().size(), Arrays.stream(g).min().orElse(1), Arrays.stream(g).max().orElse(1),
                Arrays.stream(o).min().orElse(0), Arrays.stream(o).max().orElse(0)));
        return new Matched(pm.pairs().size(), unit);
    }

    /**
     * Rows per band: as asked, else as many as fit the band budget (accumulators of every channel
     * plus the weight) while leaving at least four bands per worker, a multiple of the mapping's cell size when that large so cells are built
     * once per band.
     */
    static int rowsPerBand(CoaddParams p, int width, int height, int channels) {
        if (p.rowsPerBand() > 0) return p.rowsPerBand();
        long perRow = 4L * width * (channels + 1);
        int rows = (int) Math.max(8, Math.min(4096, p.bandBytes() / perRow));
        // At least four bands per worker, so that workers stay busy to the end.
        rows = Math.min(rows, Math.max(8, (height + 4 * p.workers() - 1) / (4 * p.workers())));
        int cell = WcsMapping.DEFAULT_CELL_SIZE;
        if (rows >= cell) rows -= rows % cell;
        return rows;
    }

    private static void coadd(List<Tile> tiles, CoaddPlan plan, CoaddParams params, Sinks out, BandCoadder backend,
                              StripCache cache, int fromBand, int toBand, ExecutorService pool, Progress progress)
            throws IOException {
        WcsGrid fin = plan.grid();
        int channels = plan.channels(), rowsPerBand = plan.rowsPerBand(), bands = toBand - fromBand;
        AtomicInteger next = new AtomicInteger(fromBand);
        AtomicInteger done = new AtomicInteger();
        AtomicLong covered = new AtomicLong();
        int workers = Math.min(params.workers(), bands);
        Tasks fs = new Tasks(pool);
        for (int w = 0; w < workers; w++) {
            fs.submit(() -> {
                CoaddBand band = new CoaddBand(fin.width(), channels, rowsPerBand);
                float[][] cov = new float[1][];
                for (int b; (b = next.getAndIncrement()) < toBand; ) {
                    if (progress.cancelled()) throw new CancellationException("cancelled");
                    // Another worker failed (its band cancelled the others): no further band.
                    if (Thread.currentThread().isInterrupted()) throw new CancellationException("interrupted");
                    int y0 = plan.bandY0(b), rows = plan.bandRows(b);
                    band.reset(y0, rows);
                    StripCache.Lease lease = new StripCache.Lease();
                    try {
                        try {
                            backend.accumulate(band, contributions(tiles, y0, y0 + rows, params.kernel(), cache, lease));
                        } finally {
                            cache.release(lease);
                        }
                        covered.addAndGet(band.coveredPixels());
                        float[] wsum = band.weight();
                        float[][] mosaic = band.normalise();
                        out.mosaic().writeRows(y0, rows, mosaic);
                        if (out.coverage() != null) {
                            cov[0] = wsum;
                            out.coverage().writeRows(y0, rows, cov);
                        }
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                    int d = done.incrementAndGet();
                    progress.update(d / (double) bands, "[P5] band " + d + "/" + bands);
                }
                return null;
            });
        }
        fs.await();
        LOG.fine("[P5] covered pixels: " + covered.get());
    }

    /** The contributions of every tile overlapping output rows [y0, y1), in tile order. */
    static List<BandContribution> contributions(List<Tile> tiles, int y0, int y1, Kernel kernel, StripCache cache,
                                                StripCache.Lease lease) throws IOException {
        List<BandContribution> list = new ArrayList<>();
        for (Tile t : tiles) {
            int ya = Math.max(y0, t.by0), yb = Math.min(y1, t.by1);
            if (ya >= yb) continue;
            WcsMapping.Region region = KernelSampler.region(kernel, t.mapping, t.bx0, ya, t.bx1, yb);
            double[] b = region.sourceBounds();
            if (b == null || b[1] < t.cx0 - 0.5 || b[0] > t.cx1 - 0.5 || b[3] < t.cy0 - 0.5 || b[2] > t.cy1 - 0.5) continue;
            int pad = kernel.radius() + 1;
            int r0 = (int) Math.max(t.cy0, Math.floor(b[2]) - pad), r1 = (int) Math.min(t.cy1, Math.floor(b[3]) + pad + 1);
            SourceStrip strip = cache.strip(t, r0, r1, lease);
            if (strip == null) continue;
            list.add(new BandContribution(t.index, t.bx0, t.bx1, ya, yb, region, strip, kernel,
                    (float) t.weight, (float) t.gain, t.colour, t.background()));
        }
        return list;
    }

    /**
     * Tasks on a pool, waited for in the order they end ({@link #await}): the first failure,
     * whichever task it is, cancels the others at once. Waited for in the order they were
     * submitted, a failure behind a long task surfaced only once that task had ended, and the
     * pool went on starting the tasks after it meanwhile.
     */
    static final class Tasks {
        private final CompletionService<Object> ended;
        private final List<Future<Object>> fs = new ArrayList<>();

        Tasks(ExecutorService pool) {
            ended = new ExecutorCompletionService<>(pool);
        }

        void submit(Callable<?> task) {
            fs.add(ended.submit(task::call));
        }

        /**
         * Waits for every task; the first failure cancels the others (interrupting those that
         * run) and is thrown: a read failure as its IOException (the tile named), an
         * unchecked one as it is (the user's CancellationException, an OutOfMemoryError).
         * The pool's {@link #stop} waits for the cancelled ones to end.
         */
        void await() throws IOException {
            try {
                for (int k = 0; k < fs.size(); k++) ended.take().get();
            } catch (InterruptedException e) {
                for (Future<?> f : fs) f.cancel(true);
                Thread.currentThread().interrupt();
                throw new CancellationException("interrupted");
            } catch (ExecutionException e) {
                for (Future<?> f : fs) f.cancel(true);
                Throwable c = e.getCause();
                if (c instanceof UncheckedIOException u) throw u.getCause(); // a band's IOException, out of the lambda
                WorkerFailures.throwIfUnchecked(c); // the user's CancellationException among them
                LOG.log(Level.SEVERE, "[P5] worker failed", c);
                throw new IOException(c);
            }
        }
    }

    /** How long a phase waits for its cancelled workers to end (s): each ends at its next band, tile or pair. */
    static final long STOP_WAIT_S = 60;

    /**
     * Ends a phase's pool: its workers are interrupted (after a failure, the cancelled ones) and
     * waited for, so that no worker of a failed run still reads its tiles or writes its files
     * once the failure is thrown (the caller then removes the files it had begun). The user's
     * interrupt is not waited on. Also the DBE's in-place correction's pool ({@link FinalBackground}).
     */
    static void stop(ExecutorService pool) {
        pool.shutdownNow();
        try {
            if (!pool.awaitTermination(STOP_WAIT_S, TimeUnit.SECONDS))
                LOG.warning("[P5] workers still running " + STOP_WAIT_S + " s after they were stopped");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

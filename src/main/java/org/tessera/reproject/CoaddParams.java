package org.tessera.reproject;

import java.util.List;
import java.util.Locale;

import org.tessera.config.Config;

/**
 * Settings of the Phase 5 reproject-and-coadd (reference.md §6). Every optional step can be
 * switched off by its config key, so that a plain mean coadd can be compared with other tools.
 *
 * @param applyMasterTileCrop     crop each tile by {@code masterTileCropPercent} per side
 * @param intertilePhotometricMatch solve a gain and offset per tile from the overlaps
 * @param matchBackground         remove per-tile background offsets (after the gain/offset match)
 * @param twoPassCoverageRenorm   per-tile gain from the blurred coverage (reference §6 polish)
 * @param enableTileWeighting     tile weight sqrt(MT_NFRAMES / median) clipped to [0.75, 1.35]
 * @param alphaWeightFloor        smallest weight of a pixel whose alpha is &gt; 0
 * @param kernel                  interpolation kernel
 * @param workers                 threads working on bands (≥ 1)
 * @param rowsPerBand             output rows per band, 0 = from {@code bandBytes}
 * @param bandBytes               memory of one band's accumulators when rowsPerBand is 0
 * @param stripCacheBytes         budget of the cache of source strips, 0 = from the plan (StripBudget), at most a quarter of the heap
 *                                (at least 64 MiB, at most 512 MiB)
 * @param match                   the details of the photometric matching
 */
public record CoaddParams(boolean applyMasterTileCrop, double masterTileCropPercent,
                          boolean intertilePhotometricMatch, boolean matchBackground, boolean twoPassCoverageRenorm,
                          boolean enableTileWeighting, double alphaWeightFloor, Kernel kernel, int workers,
                          int rowsPerBand, long bandBytes, long stripCacheBytes, MatchParams match)
        implements java.io.Serializable {

    public CoaddParams {
        if (kernel == null) kernel = Kernel.BILINEAR;
        if (workers < 1) workers = Runtime.getRuntime().availableProcessors();
        if (!(masterTileCropPercent >= 0 && masterTileCropPercent < 50))
            throw new IllegalArgumentException("master_tile_crop_percent must be in [0, 50): " + masterTileCropPercent);
        if (!(alphaWeightFloor >= 0 && alphaWeightFloor <= 1))
            throw new IllegalArgumentException("phase5_alpha_weight_floor must be in [0, 1]: " + alphaWeightFloor);
        if (rowsPerBand < 0) throw new IllegalArgumentException("rowsPerBand must be >= 0: " + rowsPerBand);
        if (bandBytes <= 0) bandBytes = 8L << 20;
        if (match == null) match = MatchParams.DEFAULTS;
    }

    /**
     * Details of the inter-tile matching; names in brackets are the original program's optional
     * keys, read when present.
     *
     * @param previewSize        longest side of a tile preview in pixels [intertile_preview_size]
     * @param minOverlap         smallest overlap, as a fraction of the smaller preview footprint
     *                           [intertile_overlap_min]
     * @param skyLow             lower sky percentile of the fit [intertile_sky_percentile]
     * @param skyHigh            upper sky percentile of the fit
     * @param clipSigma          robust clipping of the pair fit [intertile_robust_clip_sigma]
     * @param pruneK             neighbours kept per tile (plus bridges) [intertile_prune_k]
     * @param recenter           bring the mosaic's median back to the tiles' [intertile_global_recenter]
     * @param recenterLow        clip of the original's recentring factor (unused: the recentring moves
     *                           offsets only; intertile_recenter_clip is accepted without effect)
     * @param recenterHigh       clip of the original's recentring factor (unused)
     * @param blendToNeutral     fraction by which gains/offsets are pulled toward (1, 0)
     *                           [1 − intertile_affine_blend]
     * @param gainMin            clamp of the final gains
     * @param gainMax            clamp of the final gains
     * @param offsetMax          clamp of |offset| in ADU
     * @param renormSigmaPx      blur of the coverage in mosaic pixels [two_pass_cov_sigma_px]
     * @param renormGainLow      clip of the two-pass gains [two_pass_cov_gain_clip]
     * @param renormGainHigh     clip of the two-pass gains
     * @param planarBackground   background matching fits a plane (level and gradient) per tile
     *                           instead of an offset [match_background_planar, Tessera]
     * @param starRatio          pair ratios also measured on the overlap's stars at full resolution
     *                           where the previews are coarser ({@link StarRatio}) [intertile_star_ratio, Tessera]
     * @param colourMatch        colour tiles: per-channel gain factors on top of the luminance gain, from
     *                           the channels' star ratios ({@link PhotometricMatch#solveColour})
     *                           [intertile_color_match, Tessera]
     * @param blendCoarseOnly    the blend toward neutral acts only on the gains (and offsets) of tiles
     *                           measured by a coarse preview's pair ratio, and on none of the colour
     *                           factors; tiles whose pairs were all measured at full resolution
     *                           keep their whole correction (Tessera, while intertile_affine_blend
     *                           is unset; the key set: the original's blend of every tile)
     */
    public record MatchParams(int previewSize, double minOverlap, double skyLow, double skyHigh, double clipSigma,
                              int pruneK, boolean recenter, double recenterLow, double recenterHigh,
                              double blendToNeutral, double gainMin, double gainMax, double offsetMax,
                              double renormSigmaPx, double renormGainLow, double renormGainHigh,
                              boolean planarBackground, boolean starRatio, boolean colourMatch,
                              boolean blendCoarseOnly) implements java.io.Serializable {

        public static final MatchParams DEFAULTS = new MatchParams(128, 0.05, 30, 70, 2.5, 8, true, 0.85, 1.18,
                0.30, 0.75, 1.25, 50, 50, 0.85, 1.18, true, true, true, true);

        public MatchParams {
            if (previewSize < 16) throw new IllegalArgumentException("intertile_preview_size must be >= 16: " + previewSize);
            if (!(skyLow >= 0 && skyLow < skyHigh && skyHigh <= 100))
                throw new IllegalArgumentException("intertile_sky_percentile must be 0 <= low < high <= 100: " + skyLow + ", " + skyHigh);
            if (!(blendToNeutral >= 0 && blendToNeutral <= 1))
                throw new IllegalArgumentException("intertile_affine_blend must be in [0, 1]: " + (1 - blendToNeutral));
            if (pruneK < 1) pruneK = 1;
        }

        public MatchParams withPlanarBackground(boolean planar) {
            return new MatchParams(previewSize, minOverlap, skyLow, skyHigh, clipSigma, pruneK, recenter, recenterLow,
                    recenterHigh, blendToNeutral, gainMin, gainMax, offsetMax, renormSigmaPx, renormGainLow,
                    renormGainHigh, planar, starRatio, colourMatch, blendCoarseOnly);
        }

        public MatchParams withStarRatio(boolean on) {
            return new MatchParams(previewSize, minOverlap, skyLow, skyHigh, clipSigma, pruneK, recenter, recenterLow,
                    recenterHigh, blendToNeutral, gainMin, gainMax, offsetMax, renormSigmaPx, renormGainLow,
                    renormGainHigh, planarBackground, on, colourMatch, blendCoarseOnly);
        }

        public MatchParams withColourMatch(boolean on) {
            return new MatchParams(previewSize, minOverlap, skyLow, skyHigh, clipSigma, pruneK, recenter, recenterLow,
                    recenterHigh, blendToNeutral, gainMin, gainMax, offsetMax, renormSigmaPx, renormGainLow,
                    renormGainHigh, planarBackground, starRatio, on, blendCoarseOnly);
        }
    }

    /** The reference defaults (config defaults), bilinear, all cores. */
    public static CoaddParams defaults() {
        return fromConfig(new Config());
    }

    /**
     * A plain weighted-mean coadd: no crop, no matching, no renormalisation; tile weighting stays
     * on (it is 1 for tiles without MT_NFRAMES). What astropy's reproject_and_coadd computes.
     */
    public static CoaddParams plain(Kernel kernel) {
        return defaults().withSteps(false, false, false, false).withKernel(kernel);
    }

    public static CoaddParams fromConfig(Config c) {
        MatchParams d = MatchParams.DEFAULTS;
        double[] sky = pair(c, "intertile_sky_percentile", d.skyLow(), d.skyHigh());
        // intertile_recenter_clip is not read: the recentring never scales the gains (ConfigCompat.NO_EFFECT).
        double[] rc = {d.recenterLow(), d.recenterHigh()};
        double[] tp = pair(c, "two_pass_cov_gain_clip", d.renormGainLow(), d.renormGainHigh());
        MatchParams m = new MatchParams(
                c.has("intertile_preview_size") ? c.getInt("intertile_preview_size") : d.previewSize(),
                c.has("intertile_overlap_min") ? c.getDouble("intertile_overlap_min") : d.minOverlap(),
                sky[0], sky[1],
                c.has("intertile_robust_clip_sigma") ? c.getDouble("intertile_robust_clip_sigma") : d.clipSigma(),
                c.has("intertile_prune_k") ? c.getInt("intertile_prune_k") : d.pruneK(),
                c.has("intertile_global_recenter") ? c.getBoolean("intertile_global_recenter") : d.recenter(),
                rc[0], rc[1],
                c.has("intertile_affine_blend") ? 1 - c.getDouble("intertile_affine_blend") : d.blendToNeutral(),
                d.gainMin(), d.gainMax(), d.offsetMax(),
                c.has("two_pass_cov_sigma_px") ? c.getDouble("two_pass_cov_sigma_px") : d.renormSigmaPx(),
                tp[0], tp[1], c.getBoolean("match_background_planar"),
                c.getBoolean("intertile_star_ratio"), c.getBoolean("intertile_color_match"),
                !c.has("intertile_affine_blend"));
        return new CoaddParams(
                c.getBoolean("apply_master_tile_crop"), c.getDouble("master_tile_crop_percent"),
                c.getBoolean("intertile_photometric_match"), c.getBoolean("match_background_for_final"),
                c.getBoolean("two_pass_coverage_renorm"), c.getBoolean("enable_tile_weighting"),
                c.getDouble("phase5_alpha_weight_floor"), Kernel.parse(c.getString("reproject_kernel")),
                c.getInt("num_processing_workers"), 0, 0, 0, m);
    }

    /** A pair of numbers from a JSON list [a, b] or a string "a,b"; defaults when absent. */
    private static double[] pair(Config c, String key, double a, double b) {
        if (!c.has(key)) return new double[] {a, b};
        Object v = c.get(key);
        try {
            if (v instanceof List<?> l && l.size() == 2)
                return new double[] {((Number) l.get(0)).doubleValue(), ((Number) l.get(1)).doubleValue()};
            String[] p = v.toString().replaceAll("[\\[\\]()]", "").split("[,;\\s]+");
            if (p.length == 2) return new double[] {Double.parseDouble(p[0]), Double.parseDouble(p[1])};
        } catch (RuntimeException e) {
            // fall through to the error below
        }
        throw new IllegalArgumentException("config key " + key + ": expected two numbers [low, high], got '" + v + "'");
    }

    public CoaddParams withKernel(Kernel k) {
        return new CoaddParams(applyMasterTileCrop, masterTileCropPercent, intertilePhotometricMatch, matchBackground,
                twoPassCoverageRenorm, enableTileWeighting, alphaWeightFloor, k, workers, rowsPerBand, bandBytes,
                stripCacheBytes, match);
    }

    /** Switches the optional steps: crop, inter-tile match, background match, two-pass renormalisation. */
    public CoaddParams withSteps(boolean crop, boolean intertile, boolean background, boolean twoPass) {
        return new CoaddParams(crop, masterTileCropPercent, intertile, background, twoPass, enableTileWeighting,
                alphaWeightFloor, kernel, workers, rowsPerBand, bandBytes, stripCacheBytes, match);
    }

    public CoaddParams withWorkers(int n) {
        return new CoaddParams(applyMasterTileCrop, masterTileCropPercent, intertilePhotometricMatch, matchBackground,
                twoPassCoverageRenorm, enableTileWeighting, alphaWeightFloor, kernel, n, rowsPerBand, bandBytes,
                stripCacheBytes, match);
    }

    public CoaddParams withRowsPerBand(int rows) {
        return new CoaddParams(applyMasterTileCrop, masterTileCropPercent, intertilePhotometricMatch, matchBackground,
                twoPassCoverageRenorm, enableTileWeighting, alphaWeightFloor, kernel, workers, rows, bandBytes,
                stripCacheBytes, match);
    }

    public CoaddParams withStripCacheBytes(long bytes) {
        return new CoaddParams(applyMasterTileCrop, masterTileCropPercent, intertilePhotometricMatch, matchBackground,
                twoPassCoverageRenorm, enableTileWeighting, alphaWeightFloor, kernel, workers, rowsPerBand, bandBytes,
                bytes, match);
    }

    public CoaddParams withMatch(MatchParams m) {
        return new CoaddParams(applyMasterTileCrop, masterTileCropPercent, intertilePhotometricMatch, matchBackground,
                twoPassCoverageRenorm, enableTileWeighting, alphaWeightFloor, kernel, workers, rowsPerBand, bandBytes,
                stripCacheBytes, m);
    }

    /** The ceiling of the strip cache budget (the budget itself comes from the plan, {@link StripBudget}). */
    long effectiveStripCacheBytes() {
        if (stripCacheBytes > 0) return stripCacheBytes;
        long quarter = Runtime.getRuntime().maxMemory() / 4;
        return Math.max(64L << 20, Math.min(512L << 20, quarter));
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "kernel=%s crop=%s(%.1f%%) intertile=%s background=%s%s twoPass=%s tileWeighting=%s alphaFloor=%.3f workers=%d",
                kernel.configName(), applyMasterTileCrop, masterTileCropPercent, intertilePhotometricMatch, matchBackground,
                matchBackground && match.planarBackground() ? "(planar)" : "", twoPassCoverageRenorm, enableTileWeighting,
                alphaWeightFloor, workers);
    }
}

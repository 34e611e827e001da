package org.tessera.sds;

import java.util.Locale;

import org.tessera.config.Config;
import org.tessera.stack.StackParams;

/**
 * SDS mode's settings, read from the original's keys ({@code sds_*}, {@code global_coadd_*},
 * {@code global_wcs_*}; defaults in {@code config.ConfigKeys}).
 *
 * @param policy          the batch policy (sds_coverage_threshold, sds_min_batch_size, sds_target_batch_size)
 * @param minCoverageKeep pixels whose coverage / max coverage is below this are masked out
 * @param coadd           how the mega-tiles are combined per pixel (global_coadd_method, global_coadd_k)
 * @param scaleMode       median | mean | min | max of the frames' pixel scales
 * @param scaleArcsec     global_wcs_res_override in arcsec/px, NaN when unset
 * @param paddingPercent  growth of the global grid, percent of its sides
 * @param northUp         north-up global grid (else the rotation of least area)
 * @param autocrop        crop the outputs to the kept pixels (plus marginPx)
 */
public record SdsSettings(SdsBatches.Policy policy, double minCoverageKeep, StackParams coadd, String scaleMode,
                          double scaleArcsec, double paddingPercent, boolean northUp, boolean autocrop, int marginPx) {

    /** Whether a run is asked to be in SDS mode. */
    public static boolean enabled(Config c) {
        return c.getBoolean("sds_mode_default");
    }

    public static SdsSettings fromConfig(Config c) {
        SdsBatches.Policy policy = new SdsBatches.Policy(c.getDouble("sds_coverage_threshold"),
                c.getInt("sds_min_batch_size"), c.getInt("sds_target_batch_size"));
        double keep = Math.max(0, Math.min(1, c.getDouble("sds_min_coverage_keep")));
        return new SdsSettings(policy, keep, coadd(c.getString("global_coadd_method"), c.getDouble("global_coadd_k")),
                c.getString("global_wcs_pixelscale_mode").trim().toLowerCase(Locale.ROOT),
                c.has("global_wcs_res_override") ? c.getDouble("global_wcs_res_override") : Double.NaN,
                c.getDouble("global_wcs_padding_percent"),
                !"auto".equalsIgnoreCase(c.getString("global_wcs_orientation").trim()),
                c.getBoolean("global_wcs_autocrop_enabled"), Math.max(0, c.getInt("global_wcs_autocrop_margin_px")));
    }

    /**
     * The stack core's parameters of the mega-tile combine: the rejection of {@code method} at
     * ±{@code k} sigma, a weighted mean (median for {@code median}), as the original's global coadd:
     * no normalisation or weighting of the core's own. The mega-tiles come already on one sky level
     * ({@link MegaTileLevels}) and are weighted by their frame counts (the stack's external weights).
     */
    static StackParams coadd(String method, double k) {
        String m = method == null ? "kappa_sigma" : method.trim().toLowerCase(Locale.ROOT);
        StackParams.Rejection r;
        StackParams.Combine combine = StackParams.Combine.MEAN;
        switch (m) {
            case "kappa_sigma" -> r = StackParams.Rejection.KAPPA_SIGMA;
            case "winsorized", "winsorized_sigma_clip", "winsor" -> r = StackParams.Rejection.WINSORIZED_SIGMA_CLIP;
            case "mean" -> r = StackParams.Rejection.NONE;
            case "median" -> {
                r = StackParams.Rejection.NONE;
                combine = StackParams.Combine.MEDIAN;
            }
            default -> throw new IllegalArgumentException("global_coadd_method: unknown value '" + method
                    + "' (expected one of kappa_sigma, winsorized, mean, median)");
        }
        return new StackParams(StackParams.Normalize.NONE, StackParams.Weighting.NONE, r, k, k, combine,
                false, 0.8, 2.0, 0.05);
    }
}

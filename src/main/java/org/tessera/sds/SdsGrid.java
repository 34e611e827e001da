package org.tessera.sds;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.logging.Logger;

import org.tessera.wcs.OptimalGrid;
import org.tessera.wcs.WcsGrid;

/**
 * SDS mode's global grid, as the original builds it: the frames' footprints on one TAN grid
 * (Phase 4's {@link OptimalGrid}), north-up by default ({@code global_wcs_orientation}), at the
 * median of the frames' pixel scales ({@code global_wcs_pixelscale_mode}, or
 * {@code global_wcs_res_override} in arcsec/px), grown by {@code global_wcs_padding_percent} of
 * each side (half on either edge).
 */
public final class SdsGrid {
    private SdsGrid() {}

    private static final Logger LOG = Logger.getLogger("org.tessera.sds");

    public static WcsGrid global(List<WcsGrid> footprints, SdsSettings s) {
        double scale = Double.isFinite(s.scaleArcsec()) && s.scaleArcsec() > 0 ? s.scaleArcsec() / 3600
                : scaleDeg(footprints, s.scaleMode());
        WcsGrid g = OptimalGrid.compute(footprints, scale, !s.northUp());
        int px = (int) Math.ceil(g.width() * s.paddingPercent() / 200), py = (int) Math.ceil(g.height() * s.paddingPercent() / 200);
        WcsGrid out = new WcsGrid(g.wcs().shifted(-px, -py), g.width() + 2 * px, g.height() + 2 * py);
        LOG.info(String.format(Locale.ROOT, "[SDS] global grid %dx%d at %.3f\"/px (%s scale of %d frame(s)), %s, padding %.1f%%",
                out.width(), out.height(), scale * 3600, Double.isFinite(s.scaleArcsec()) ? "override" : s.scaleMode(),
                footprints.size(), s.northUp() ? "north up" : "rotation of least area",
                s.paddingPercent()));
        return out;
    }

    /** The frames' pixel scale by {@code mode}: median | mean | min | max. */
    static double scaleDeg(List<WcsGrid> footprints, String mode) {
        double[] v = footprints.stream().mapToDouble(g -> g.wcs().pixelScaleDeg()).sorted().toArray();
        return switch (mode) {
            case "mean" -> OptimalGrid.meanScaleDeg(footprints);
            case "min" -> v[0];
            case "max" -> v[v.length - 1];
            case "median" -> OptimalGrid.medianScaleDeg(footprints);
            default -> throw new IllegalArgumentException("global_wcs_pixelscale_mode: unknown value '" + mode
                    + "' (expected one of " + String.join(", ", Arrays.asList("median", "mean", "min", "max")) + ")");
        };
    }
}

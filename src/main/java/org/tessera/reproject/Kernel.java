package org.tessera.reproject;

import java.util.Locale;

/**
 * Interpolation kernels of the reprojection. Every kernel treats a source pixel as a square of
 * side one centred on its integer position: a target pixel is inside a source footprint when the
 * source pixel nearest to its mapped position is valid (inside the image, finite, alpha &gt; 0).
 * That is astropy's {@code reproject_interp} footprint ([-0.5, n-0.5]) and keeps holes the size
 * they are.
 */
public enum Kernel {
    /** The nearest source pixel. */
    NEAREST(0),
    /** Bilinear over the 2×2 neighbours, renormalised over the valid ones (the original's kernel). */
    BILINEAR(1),
    /**
     * Lanczos-3 (sinc·sinc/3 windowed, 6×6 taps), weights normalised to sum 1; where a tap is
     * missing (image edge, hole) the pixel falls back to bilinear so holes do not ring.
     */
    LANCZOS3(3);

    private final int radius;

    Kernel(int radius) {
        this.radius = radius;
    }

    /** Source pixels needed on each side of the mapped position (rows and columns). */
    public int radius() {
        return radius;
    }

    /** nearest | bilinear | lanczos3 (case-insensitive; "lanczos" means lanczos3). */
    public static Kernel parse(String name) {
        if (name == null) return BILINEAR;
        switch (name.trim().toLowerCase(Locale.ROOT)) {
            case "nearest": case "nearest_neighbor": case "nearest-neighbour": return NEAREST;
            case "bilinear": case "linear": return BILINEAR;
            case "lanczos3": case "lanczos": case "lanczos-3": return LANCZOS3;
            default:
                throw new IllegalArgumentException("reproject_kernel: unknown kernel '" + name
                        + "' (expected nearest, bilinear or lanczos3)");
        }
    }

    public String configName() {
        return name().toLowerCase(Locale.ROOT);
    }
}

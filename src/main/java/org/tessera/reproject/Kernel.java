package org.tessera.reproject;

import java.util.Locale;

/**
 * Kernels of the reprojection. Every kernel treats a source pixel as a square of side one centred
 * on its integer position. The interpolating kernels sample at the target pixel's mapped centre: a
 * target pixel is inside a source footprint when the source pixel nearest to that position is
 * valid (inside the image, finite, alpha &gt; 0). That is astropy's {@code reproject_interp}
 * footprint ([-0.5, n-0.5]) and keeps holes the size they are. {@link #EXACT} instead averages
 * over the target pixel's whole footprint ({@code reproject_exact}).
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
    LANCZOS3(3),
    /**
     * Exact area overlap, flux-conserving: the target pixel's square, mapped into the source as
     * the quadrilateral of its four mapped corners, is intersected exactly with every source
     * pixel it touches; the value is the area×W-weighted mean of the valid ones and the weight
     * their area×W over the quadrilateral's area, so a footprint edge or a hole's border gets a
     * fractional weight (astropy's {@code reproject_exact}). Needs a corner region
     * ({@link KernelSampler#region}).
     */
    EXACT(0);

    private final int radius;

    Kernel(int radius) {
        this.radius = radius;
    }

    /**
     * Source pixels needed on each side of the mapped positions (rows and columns): of the pixel
     * centre, or for {@link #EXACT} of the pixel's corners (0: the pixels holding its corners
     * bound what it overlaps, and a corner region's source bounds already include every corner).
     */
    public int radius() {
        return radius;
    }

    /** True when the kernel maps pixel corners (a footprint) rather than pixel centres. */
    public boolean mapsCorners() {
        return this == EXACT;
    }

    /** nearest | bilinear | lanczos3 | exact (case-insensitive; "lanczos" means lanczos3). */
    public static Kernel parse(String name) {
        if (name == null) return BILINEAR;
        switch (name.trim().toLowerCase(Locale.ROOT)) {
            case "nearest": case "nearest_neighbor": case "nearest-neighbour": return NEAREST;
            case "bilinear": case "linear": return BILINEAR;
            case "lanczos3": case "lanczos": case "lanczos-3": return LANCZOS3;
            case "exact": return EXACT;
            default:
                throw new IllegalArgumentException("reproject_kernel: unknown kernel '" + name
                        + "' (expected nearest, bilinear, lanczos3 or exact)");
        }
    }

    public String configName() {
        return name().toLowerCase(Locale.ROOT);
    }
}

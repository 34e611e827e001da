package org.tessera.image;

import java.io.IOException;

/**
 * A multi-channel float image that is read by bands of rows, so that no consumer ever needs the
 * whole image in memory. Channels are planar: {@code dst[c][(y - y0) * width() + x]}.
 * NaN marks a pixel with no data (outside a footprint, masked, or blank).
 */
public interface RowSource {

    int width();

    int height();

    int channels();

    /**
     * Reads rows {@code [y0, y0 + rows)} into {@code dst}, which holds {@link #channels()} arrays of
     * at least {@code rows * width()} floats. Implementations must be safe to call from several
     * threads on disjoint or overlapping bands.
     */
    void readRows(int y0, int rows, float[][] dst) throws IOException;

    /**
     * The name that logs and reports give this source (a frame's file name); null when it has none.
     * Views of a frame (aligned, padded) pass the frame's name on, so that a frame the stack drops
     * is reported by its file, not by its position.
     */
    default String name() { return null; }

    /**
     * How many pixels of this grid the source's footprint covers: a view that puts a frame on a
     * larger grid (a master tile's canvas) says how much of it the frame covers, so that a NaN
     * pixel inside that footprint is data the frame lacks and one outside it is none of its
     * business. The stack core's validity rule judges a frame's finite share against it
     * ({@code stack.StackCore#dropReason}). Default: the whole grid.
     */
    default long footprintPixels() { return (long) width() * height(); }

    /**
     * {@link #footprintPixels()} of a view that places a {@code w} × {@code h} source with its pixel
     * (0, 0) at grid pixel ({@code x0}, {@code y0}) of a {@code gridWidth} × {@code gridHeight} grid:
     * the source's rectangle clipped to the grid.
     */
    static long placedFootprint(int gridWidth, int gridHeight, long x0, long y0, int w, int h) {
        long cw = Math.max(0, Math.min(gridWidth, x0 + w) - Math.max(0, x0));
        long ch = Math.max(0, Math.min(gridHeight, y0 + h) - Math.max(0, y0));
        return cw * ch;
    }

    /** Allocates a band buffer of the right shape for this source. */
    default float[][] newBand(int rows) {
        float[][] b = new float[channels()][];
        for (int c = 0; c < b.length; c++) b[c] = new float[rows * width()];
        return b;
    }
}

package org.tessera.stack;

/**
 * Optional radial weight of one frame (reference.md §4): w = max(floor, cos(π/2 · clip(d / (f·R), 0, 1))^p)
 * with d the distance to the frame centre. Frames reach the stack already aligned on a common
 * grid, so the centre and R are those of the frame's own footprint (centroid of its finite pixels,
 * distance to its farthest pixel): for a frame that covers the whole grid this is the reference's
 * map (centre of the image, R = ½·hypot(H, W)); for rotated or shifted frames it still weighs each
 * frame's own edges down. Weights stay ≥ {@value #MIN_WEIGHT} so every sample keeps a positive weight.
 */
final class RadialWeight {
    static final double MIN_WEIGHT = 1e-6;

    private final double cx, cy, reach, power, floor;

    RadialWeight(double cx, double cy, double radius, double feather, double power, double floor) {
        this.cx = cx;
        this.cy = cy;
        this.reach = feather * radius;
        this.power = power;
        this.floor = Math.max(MIN_WEIGHT, floor);
    }

    double at(double x, double y) {
        double t = Math.hypot(x - cx, y - cy) / reach;
        if (!(t < 1)) return floor; // also when reach is 0 or NaN
        double c = Math.cos(0.5 * Math.PI * t);
        return Math.max(floor, Math.pow(c, power));
    }

    /** Weights of rows [y0, y0 + rows) into dst[off ..]. */
    void fill(float[] dst, int off, int y0, int rows, int width) {
        for (int r = 0; r < rows; r++) {
            int base = off + r * width;
            for (int x = 0; x < width; x++) dst[base + x] = (float) at(x, y0 + r);
        }
    }
}

package org.tessera.grid;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

import org.tessera.wcs.Footprints;
import org.tessera.wcs.OptimalGrid;
import org.tessera.wcs.WcsGrid;

/**
 * The Grid-mode raster (reference.md §8): the global grid is the optimal WCS of all frames at
 * their median pixel scale; tiles are squares of the median frame field of view ×
 * {@code grid_size_factor} (at least {@value #MIN_TILE} px, at most the grid), stepping by
 * {@code (1 − overlap)} of their side; the last tile of a row or column is pulled back onto the
 * grid's edge so that the raster covers the grid exactly. A frame belongs to every tile its
 * footprint intersects; tiles without a frame are dropped. Each tile's WCS is the global grid
 * cropped.
 */
public final class GridLayout {
    private GridLayout() {}

    public static final int MIN_TILE = 32;

    /**
     * One tile: its id (1-based, raster order of the kept tiles), its box on the global grid, its
     * grid and the indices of its frames (in input order).
     */
    public record Tile(int id, int x0, int y0, int width, int height, WcsGrid grid, List<Integer> frames) {
        public Tile {
            frames = List.copyOf(frames);
        }

        /** {@code tile_NNNN.fits} */
        public String fileName() {
            return fileName(id);
        }

        /** The file name of tile {@code id}: {@code tile_NNNN.fits}. */
        public static String fileName(int id) {
            return String.format(Locale.ROOT, "tile_%04d.fits", id);
        }
    }

    /** The global grid, the tile side and step in its pixels, and the tiles that hold frames. */
    public record Layout(WcsGrid global, int tileSize, int step, List<Tile> tiles) {
        public Layout {
            tiles = List.copyOf(tiles);
        }
    }

    /**
     * @param frames     each frame's footprint (its WCS and shape)
     * @param sizeFactor {@code grid_size_factor}, &gt; 0
     * @param overlapPct {@code batch_overlap_pct}, in [0, 100)
     */
    public static Layout compute(List<WcsGrid> frames, double sizeFactor, double overlapPct) {
        if (frames.isEmpty()) throw new IllegalArgumentException("[GRID] no frame to lay out");
        if (!(sizeFactor > 0) || Double.isInfinite(sizeFactor))
            throw new IllegalArgumentException("grid_size_factor must be > 0, got " + sizeFactor);
        if (!(overlapPct >= 0 && overlapPct < 100))
            throw new IllegalArgumentException("batch_overlap_pct must be in [0, 100), got " + overlapPct);
        double scale = OptimalGrid.medianScaleDeg(frames);
        WcsGrid global = OptimalGrid.compute(frames, scale);
        int size = tileSize(frames, scale, sizeFactor);
        int step = Math.max(1, (int) Math.floor(size * (1 - overlapPct / 100.0)));
        int[] xs = starts(global.width(), size, step), ys = starts(global.height(), size, step);
        int tw = Math.min(size, global.width()), th = Math.min(size, global.height());
        List<Tile> tiles = new ArrayList<>();
        for (int y0 : ys)
            for (int x0 : xs) {
                WcsGrid g = global.crop(x0, y0, tw, th);
                List<Integer> in = new ArrayList<>();
                for (int i = 0; i < frames.size(); i++) if (Footprints.overlaps(g, frames.get(i))) in.add(i);
                if (!in.isEmpty()) tiles.add(new Tile(tiles.size() + 1, x0, y0, tw, th, g, in));
            }
        return new Layout(global, size, step, tiles);
    }

    /**
     * Tile side in global-grid pixels: the median over frames of the frame's larger side in
     * degrees (side × its own scale), × the factor, over the grid scale; at least {@value #MIN_TILE}.
     */
    static int tileSize(List<WcsGrid> frames, double gridScaleDeg, double sizeFactor) {
        double[] fov = new double[frames.size()];
        for (int i = 0; i < fov.length; i++) {
            WcsGrid f = frames.get(i);
            fov[i] = Math.max(f.width(), f.height()) * f.wcs().pixelScaleDeg();
        }
        Arrays.sort(fov);
        int n = fov.length;
        double median = n % 2 == 1 ? fov[n / 2] : 0.5 * (fov[n / 2 - 1] + fov[n / 2]);
        double px = median * sizeFactor / gridScaleDeg;
        return (int) Math.max(MIN_TILE, Math.round(px));
    }

    /** Tile origins along one axis: 0, step, 2·step …, the last one flush with the far edge. */
    static int[] starts(int length, int size, int step) {
        if (size >= length) return new int[] {0};
        List<Integer> s = new ArrayList<>();
        for (int x = 0; ; x += step) {
            if (x + size >= length) {
                s.add(length - size);
                break;
            }
            s.add(x);
        }
        return s.stream().mapToInt(Integer::intValue).toArray();
    }
}

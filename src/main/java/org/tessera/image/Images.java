package org.tessera.image;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;

import net.imglib2.RandomAccessibleInterval;
import net.imglib2.img.basictypeaccess.array.FloatArray;
import net.imglib2.img.cell.Cell;
import net.imglib2.img.cell.CellGrid;
import net.imglib2.img.cell.LazyCellImg;
import net.imglib2.type.numeric.real.FloatType;

/** Bridges between {@link RowSource} and ImgLib2. */
public final class Images {

    /** Strips kept per view: enough for a neighbourhood that straddles a strip border, and some slack. */
    private static final int CACHED_STRIPS = 4;

    private Images() {}

    /**
     * A lazy ImgLib2 view of dimensions (width, height, channels) of a row source. Cells are strips
     * of full width × {@code bandRows} rows × all channels, read with {@link RowSource#readRows} on
     * first access; the last few strips are kept (LazyCellImg itself caches nothing, so without this
     * every new accessor would read its strip again). Read errors surface as
     * {@link UncheckedIOException}. Thread-safe as far as the source is.
     */
    public static RandomAccessibleInterval<FloatType> view(RowSource src, int bandRows) {
        if (bandRows < 1) throw new IllegalArgumentException("bandRows must be ≥ 1, got " + bandRows);
        int w = src.width(), h = src.height(), nc = src.channels();
        int rows = Math.min(bandRows, h);
        if ((long) w * rows * nc > Integer.MAX_VALUE - 8)
            throw new IllegalArgumentException("strip of " + w + "x" + rows + "x" + nc + " too large for one array");
        CellGrid grid = new CellGrid(new long[] {w, h, nc}, new int[] {w, rows, nc});
        StripCache cache = new StripCache(src, grid, CACHED_STRIPS);
        return new LazyCellImg<>(grid, new FloatType(), cache::get);
    }

    /** LRU of loaded strips, keyed by cell index (= strip number, the grid has one column and one channel block). */
    private static final class StripCache {
        private final RowSource src;
        private final CellGrid grid;
        private final Map<Long, Cell<FloatArray>> lru;

        StripCache(RowSource src, CellGrid grid, int capacity) {
            this.src = src;
            this.grid = grid;
            this.lru = new LinkedHashMap<>(16, 0.75f, true) {
                private static final long serialVersionUID = 1L;

                @Override
                protected boolean removeEldestEntry(Map.Entry<Long, Cell<FloatArray>> e) {
                    return size() > capacity;
                }
            };
        }

        Cell<FloatArray> get(long index) {
            synchronized (lru) {
                Cell<FloatArray> c = lru.get(index);
                if (c != null) return c;
            }
            Cell<FloatArray> c = load(index); // outside the lock: strips load in parallel
            synchronized (lru) {
                Cell<FloatArray> other = lru.putIfAbsent(index, c);
                return other != null ? other : c;
            }
        }

        private Cell<FloatArray> load(long index) {
            long[] min = new long[3];
            int[] dims = new int[3];
            grid.getCellDimensions(index, min, dims);
            int w = dims[0], rows = dims[1], nc = dims[2];
            float[][] band = src.newBand(rows);
            try {
                src.readRows((int) min[1], rows, band);
            } catch (IOException e) {
                throw new UncheckedIOException("reading rows " + min[1] + ".." + (min[1] + rows - 1) + ": " + e.getMessage(), e);
            }
            // Cell layout is x fastest, then y, then channel: the planes one after the other.
            float[] data = new float[w * rows * nc];
            for (int c = 0; c < nc; c++) System.arraycopy(band[c], 0, data, c * w * rows, w * rows);
            return new Cell<>(dims, min, new FloatArray(data));
        }
    }
}

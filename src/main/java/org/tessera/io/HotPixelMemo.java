package org.tessera.io;

import java.io.IOException;
import java.util.Arrays;

import org.tessera.image.ThreadFloats;

/**
 * The hot-pixel corrections of one frame file, found once and replayed at every later read. A raw
 * frame is read many times (star detection for registration, the statistics pass of its master
 * tile, each band of the band pass, and every call re-reads the context rows around its band), and
 * {@link HotPixels} on the raw plane was one of the largest costs of a raw-frame run. The
 * corrections are few (a few to a few hundred pixels of millions), so each frame keeps them as
 * (pixel index, value) pairs: a read decodes its rows and puts the stored values back, with the
 * very values {@link HotPixels#correct} would give, because a pixel's correction depends only on
 * the image, never on which band it is read in.
 * <p>
 * Memory: at most {@link #MAX_ENTRIES} pairs (8 bytes each) per frame, for as long as the frame is
 * held; raw Seestar M 94 frames have 125–180 corrections (about 1.2 KiB), so 10,000 frames cost
 * about 12 MiB, 160 MiB at the very worst. (Held softly, they were dropped by the collector between
 * a tile's statistics and band passes, which then found them again.) A frame with more corrections
 * than that is corrected at every read, as before. Thread-safe.
 */
final class HotPixelMemo {
    /** More corrections than this in one frame: not kept (correct at every read instead). */
    static final int MAX_ENTRIES = 2048;
    /** Rows corrected per step while the corrections are found (bounds the scratch memory). */
    private static final int ROWS_PER_STEP = 256;

    /** Reads rows [y0, y0 + rows) of one plane, as stored (before any correction). */
    interface PlaneReader {
        void read(int plane, int y0, int rows, float[] dst) throws IOException;
    }

    /** Corrections of each plane: sorted pixel indices (y·width + x) and their corrected values. */
    record Fixes(int[][] index, float[][] value) {
        int count() {
            int n = 0;
            for (int[] i : index) n += i.length;
            return n;
        }

        /**
         * Puts plane {@code plane}'s corrections of rows [y0, y0 + rows) into {@code dst}, which holds
         * those rows (row-major, {@code width} wide) from {@code dst[off]} on.
         */
        void apply(int plane, int width, int y0, int rows, float[] dst, int off) {
            int[] idx = index[plane];
            float[] val = value[plane];
            int from = y0 * width, to = from + rows * width;
            int k = Arrays.binarySearch(idx, from);
            if (k < 0) k = -k - 1;
            for (; k < idx.length && idx[k] < to; k++) dst[off + idx[k] - from] = val[k];
        }
    }

    private volatile Fixes fixes;
    private volatile boolean tooMany;

    /**
     * The corrections of all {@code planes} planes of a width × height image with {@link HotPixels}
     * step {@code step}, found on the first call (one pass over the image through {@code reader});
     * null when the frame has too many to keep (then the caller corrects as it reads).
     */
    Fixes get(int planes, int width, int height, int step, boolean integral, PlaneReader reader) throws IOException {
        Fixes f = fixes;
        if (f != null || tooMany) return f;
        synchronized (this) {
            f = fixes;
            if (f != null || tooMany) return f;
            f = find(planes, width, height, step, integral, reader);
            if (f == null) tooMany = true;
            else fixes = f;
            return f;
        }
    }

    private static Fixes find(int planes, int width, int height, int step, boolean integral, PlaneReader reader)
            throws IOException {
        int ctx = HotPixels.context(step);
        int[][] index = new int[planes][];
        float[][] value = new float[planes][];
        float[] ext = SEARCH_ROWS.get((Math.min(height, ROWS_PER_STEP) + 2 * ctx) * width);
        Collect got = new Collect(width);
        for (int p = 0; p < planes; p++) {
            got.n = 0;
            for (int y0 = 0; y0 < height && !got.full; y0 += ROWS_PER_STEP) {
                int rows = Math.min(ROWS_PER_STEP, height - y0);
                int e0 = Math.max(0, y0 - ctx), e1 = Math.min(height, y0 + rows + ctx);
                reader.read(p, e0, e1 - e0, ext);
                got.band = ext;
                got.bandY0 = e0;
                HotPixels.find(ext, width, height, e0, e1 - e0, y0, rows, step, integral, got);
            }
            if (got.full) return null;
            index[p] = Arrays.copyOf(got.idx, got.n);
            value[p] = Arrays.copyOf(got.val, got.n);
            got.total += got.n;
        }
        return new Fixes(index, value);
    }

    /** This thread's rows, reused: see {@link ThreadFloats}. */
    private static final ThreadFloats SEARCH_ROWS = new ThreadFloats();

    /**
     * The replacements of one plane, in row-major order (sorted indices), as the pixels whose bits
     * change: a replacement by the value already there is no correction.
     */
    private static final class Collect implements HotPixels.Fix {
        final int width;
        int[] idx = new int[64];
        float[] val = new float[64];
        int n, total, bandY0;
        float[] band;
        boolean full;

        Collect(int width) { this.width = width; }

        @Override
        public void at(int y, int x, float v) {
            if (full || Float.floatToRawIntBits(v) == Float.floatToRawIntBits(band[(y - bandY0) * width + x])) return;
            if (total + n >= MAX_ENTRIES) {
                full = true;
                return;
            }
            if (n == idx.length) {
                idx = Arrays.copyOf(idx, 2 * n);
                val = Arrays.copyOf(val, 2 * n);
            }
            idx[n] = y * width + x;
            val[n++] = v;
        }
    }
}

package org.tessera.io;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.logging.Logger;

import org.tessera.image.RowSource;

/**
 * Frames whose finite pixels all hold one value (an all-zero or blank readout): finite everywhere
 * but no sky. Every mode screens its inputs here before any of them is placed, grouped or given a
 * tile's grid (Classic, SDS and {@code tessera stack} in {@code MosaicPipeline}'s Phase 1, the Spark
 * driver through it, Grid mode in {@code GridMode.plan}): such a frame is named as a skipped input
 * with {@link #reason}, whatever the stack's settings (a plain mean measures nothing), and never
 * becomes a reference frame or widens a grid. The stack's own drop rule words the same reason for
 * a frame that only turns constant on its tile.
 */
public final class ConstantFrames {
    private ConstantFrames() {}

    private static final Logger LOG = Logger.getLogger("org.tessera.io");

    /** Floats read at a time while a frame is proved constant (4 MB per channel at most). */
    private static final int BAND_FLOATS = 1 << 20;

    /** Why a frame whose finite pixels all hold {@code value} is left out (every mode and the stack say it so). */
    public static String reason(double value) {
        return "every pixel holds the same value, " + (value == Math.rint(value) && Math.abs(value) < 1e15
                ? String.valueOf((long) value) : String.format(Locale.ROOT, "%.6g", value))
                + " (an all-zero or blank readout): no data";
    }

    /**
     * The one value every finite pixel of every channel of {@code f} holds (each channel may hold
     * its own: the first channel's is returned), or NaN when some differ or none is finite. A frame
     * with data differs within one row: the middle row is read first (away from the zero or NaN
     * borders of registered frames), then, only when all of it is one value, the frame from the top
     * until two values differ; only a constant frame is read whole.
     */
    public static double value(RowSource f) throws IOException {
        int w = f.width(), h = f.height(), nc = f.channels();
        if (w <= 0 || h <= 0 || nc <= 0) return Double.NaN;
        float[] first = new float[nc];
        java.util.Arrays.fill(first, Float.NaN);
        float[][] row = f.newBand(1);
        f.readRows(h / 2, 1, row);
        if (varies(row, w, first)) return Double.NaN;
        int rows = Math.max(1, Math.min(h, BAND_FLOATS / w));
        float[][] band = f.newBand(rows);
        for (int y0 = 0; y0 < h; y0 += rows) {
            int r = Math.min(rows, h - y0);
            f.readRows(y0, r, band);
            if (varies(band, r * w, first)) return Double.NaN;
        }
        return first[0];
    }

    /** Whether a channel's first {@code n} values of {@code band} hold two finite values (or one other than {@code first[c]}). */
    private static boolean varies(float[][] band, int n, float[] first) {
        for (int c = 0; c < band.length; c++) {
            float[] v = band[c];
            float v0 = first[c];
            for (int i = 0; i < n; i++) {
                float x = v[i];
                if (Float.isNaN(x)) continue;
                if (Float.isNaN(v0)) v0 = x;
                else if (x != v0) return true;
            }
            first[c] = v0;
        }
        return false;
    }

    /**
     * The frames that hold data, in their order; each constant frame added to {@code skipped}
     * (its file and {@link #reason}) and logged; read as {@link #values} reads them.
     */
    public static List<FitsFrame> screen(List<FitsFrame> frames, List<FrameScanner.Problem> skipped) {
        double[] values = values(frames);
        List<FitsFrame> kept = new ArrayList<>(frames.size());
        for (int i = 0; i < frames.size(); i++) {
            FitsFrame f = frames.get(i);
            if (Double.isNaN(values[i])) {
                kept.add(f);
                continue;
            }
            String why = reason(values[i]);
            skipped.add(new FrameScanner.Problem(f.path(), why));
            LOG.warning("[READ] " + f.name() + " left out: " + why);
        }
        return kept;
    }

    /**
     * {@link #value} of each frame, in parallel, on its raw values (before any hot-pixel
     * correction, which cannot make a constant frame vary) and, for a Bayer frame, through the
     * bilinear demosaic (one value stays one value in either; the bilinear one took 2-4 ms a
     * 1080x1920 Seestar frame here against 5-10 ms, on a machine loaded at 10); NaN for a frame that
     * cannot be read here: it is kept, and its read fails where it did before, with that step's words.
     */
    public static double[] values(List<FitsFrame> frames) {
        return frames.parallelStream().mapToDouble(fr -> {
            try {
                return value(fr.withReading(FrameReading.STAR_DETECTION)); // no hot pixels, bilinear: the cheap read
            } catch (IOException | RuntimeException e) {
                return Double.NaN;
            }
        }).toArray();
    }
}

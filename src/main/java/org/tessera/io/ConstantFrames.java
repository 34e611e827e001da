package org.tessera.io;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.logging.Logger;

import org.tessera.image.RowSource;

/**
 * Frames whose finite pixels all hold one value (an all-zero or blank readout): finite everywhere
 * but no sky; and frames with a channel of no finite pixel (all NaN: an empty readout, a blank
 * registered frame), which the stack drops in every mode but which shaped a tile's grid first. Every mode screens its inputs here before any of them is placed, grouped or given a
 * tile's grid (Classic, SDS and {@code tessera stack} in {@code MosaicPipeline}'s Phase 1, the Spark
 * front on what its executors read, where the frames are, with {@link #leaveOut}, Grid mode in {@code GridMode.plan}, {@code tessera reproject}'s images): such a
 * frame is named as a skipped input with {@link #noData}'s reason, whatever the stack's settings (a
 * plain mean measures nothing), and never becomes a reference frame or widens a grid. The stack's own drop rule words the same reason for
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
     * Why a frame with no finite pixel in channel {@code c} is left out: the stack's own words for
     * it ({@code StackCore}'s validity rule, finite fraction below {@code MIN_FINITE_FRACTION}), so a
     * frame reads the same whether the screen or a tile's stack left it out.
     */
    public static String noFinitePixel(int c) {
        return String.format(Locale.ROOT, "finite fraction %.4f < %.2f in channel %d", 0.0,
                org.tessera.stack.StackCore.MIN_FINITE_FRACTION, c);
    }

    /**
     * The one value every finite pixel of every channel of {@code f} holds (each channel may hold
     * its own: the first channel's is returned), or NaN when some differ or none is finite. A frame
     * with data differs within one row: the middle row is read first (away from the zero or NaN
     * borders of registered frames), then, only when all of it is one value, the frame from the top
     * until two values differ; only a constant frame is read whole.
     */
    public static double value(RowSource f) throws IOException {
        float[] first = firstValues(f);
        return first == null ? Double.NaN : first[0];
    }

    /**
     * Why {@code f} holds no data, or null when it does: the first channel of no finite pixel
     * ({@link #noFinitePixel}, the order of the stack's own checks), else the one value of a
     * constant frame ({@link #reason(double)}); read as {@link #value} reads it.
     */
    public static String noData(RowSource f) throws IOException {
        return noData(f, true);
    }

    /** {@link #noData(RowSource)}; a constant frame holds data unless {@code constants}. */
    static String noData(RowSource f, boolean constants) throws IOException {
        float[] first = firstValues(f);
        if (first == null) return null;
        for (int c = 0; c < first.length; c++) if (Float.isNaN(first[c])) return noFinitePixel(c);
        return constants ? reason(first[0]) : null;
    }

    /** Each channel's one finite value (NaN for a channel with none), or null when some channel holds two. */
    private static float[] firstValues(RowSource f) throws IOException {
        int w = f.width(), h = f.height(), nc = f.channels();
        if (w <= 0 || h <= 0 || nc <= 0) return null;
        float[] first = new float[nc];
        java.util.Arrays.fill(first, Float.NaN);
        float[][] row = f.newBand(1);
        f.readRows(h / 2, 1, row);
        if (varies(row, w, first)) return null;
        int rows = Math.max(1, Math.min(h, BAND_FLOATS / w));
        float[][] band = f.newBand(rows);
        for (int y0 = 0; y0 < h; y0 += rows) {
            int r = Math.min(rows, h - y0);
            f.readRows(y0, r, band);
            if (varies(band, r * w, first)) return null;
        }
        return first;
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
     * The frames that hold data, in their order; each frame of no data added to {@code skipped}
     * (its file and {@link #noData} reason) and logged; read as {@link #reasons} reads them.
     */
    public static List<FitsFrame> screen(List<FitsFrame> frames, List<FrameScanner.Problem> skipped) {
        return screen(frames, skipped, true);
    }

    /**
     * {@link #screen(List, List)}, leaving constant images in unless {@code constants}: the images
     * of {@code tessera reproject}, tiles or any image with a WCS, where one value may be the data
     * (a flat or model image); an image of no finite pixel holds none anywhere.
     */
    public static List<FitsFrame> screen(List<FitsFrame> frames, List<FrameScanner.Problem> skipped, boolean constants) {
        return leaveOut(frames, reasons(frames, constants), skipped);
    }

    /**
     * The frames whose {@code reasons} entry (same order; {@link #reasons}, read where the frames
     * are: a cluster's executors for frames named by URI) is null; each other frame added to
     * {@code skipped} with its reason and logged, as {@link #screen(List, List)} does.
     */
    public static List<FitsFrame> leaveOut(List<FitsFrame> frames, String[] reasons, List<FrameScanner.Problem> skipped) {
        if (reasons.length != frames.size())
            throw new IllegalArgumentException(reasons.length + " reasons for " + frames.size() + " frames");
        List<FitsFrame> kept = new ArrayList<>(frames.size());
        for (int i = 0; i < frames.size(); i++) {
            FitsFrame f = frames.get(i);
            String why = reasons[i];
            if (why == null) {
                kept.add(f);
                continue;
            }
            skipped.add(new FrameScanner.Problem(f.path(), why));
            org.tessera.SkipNotice.warn(LOG, "[READ] " + f.name() + " left out: " + why);
        }
        // the scan's "[READ] N frames usable" line counted them: the count that goes on is said here
        if (kept.size() < frames.size())
            LOG.info(String.format(Locale.ROOT, "[READ] %d of %d frame(s) go on: %d hold no data",
                    kept.size(), frames.size(), frames.size() - kept.size()));
        return kept;
    }

    /**
     * {@link #noData} of each frame, in parallel, on its raw values (before any hot-pixel
     * correction, which cannot make a constant frame vary) and, for a Bayer frame, through the
     * bilinear demosaic (one value stays one value in either; the bilinear one took 2-4 ms a
     * 1080x1920 Seestar frame here against 5-10 ms, on a machine loaded at 10); NaN for a frame that
     * cannot be read here (null): it is kept, and its read fails where it did before, with that step's words.
     */
    public static String[] reasons(List<FitsFrame> frames) {
        return reasons(frames, true);
    }

    private static String[] reasons(List<FitsFrame> frames, boolean constants) {
        return frames.parallelStream().map(fr -> {
            try {
                return noData(fr.withReading(FrameReading.STAR_DETECTION), constants); // no hot pixels, bilinear: the cheap read
            } catch (IOException | RuntimeException e) {
                return null;
            }
        }).toArray(String[]::new);
    }
}

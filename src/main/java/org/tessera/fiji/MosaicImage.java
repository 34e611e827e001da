package org.tessera.fiji;

import java.awt.Color;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Iterator;

import ij.CompositeImage;
import ij.ImagePlus;
import ij.ImageStack;
import ij.VirtualStack;
import ij.measure.Calibration;
import ij.process.FloatProcessor;
import ij.process.ImageProcessor;
import ij.process.LUT;
import net.imglib2.RandomAccessibleInterval;
import net.imglib2.type.numeric.real.FloatType;
import nom.tam.fits.HeaderCard;
import org.tessera.config.Config;
import org.tessera.image.Images;
import org.tessera.io.FitsFrame;
import org.tessera.io.PreviewPng;

/**
 * A written FITS result (mosaic, stacked tile, coverage) as the image a Fiji user sees: channels
 * (not slices) of a {@link CompositeImage} in COMPOSITE mode with red, green and blue LUTs, each
 * channel's display range the PNG preview's percentile window ({@link PreviewPng#windows}), the FITS
 * header in the {@code Info} property, pixel size in arcseconds from the WCS, and rows flipped so
 * that FITS row 0 is at the bottom (as DS9 and the preview show it). Images that do not fit in
 * half of the free heap are opened as a virtual stack (one channel plane in memory at a time).
 * Also the same file as a lazy ImgLib2 image, read by strips of rows.
 * <p>
 * Shared by the SciJava commands and the ImageJ 1 shims; opens nothing on screen itself.
 */
public final class MosaicImage {
    private MosaicImage() {}

    /** Rows of one strip are read at a time: about this many bytes per strip. */
    private static final long STRIP_BYTES = 4L << 20;

    /**
     * The mosaic (or stacked tile) in {@code fits}, stretched as the preview of {@code config}
     * ({@code preview_png_p_low}, {@code preview_png_p_high}, {@code preview_png_max_dim}).
     */
    public static ImagePlus open(Path fits, String title, Config config) throws IOException {
        return open(fits, title, config.getDouble("preview_png_p_low"), config.getDouble("preview_png_p_high"),
                config.getInt("preview_png_max_dim"), freeHeap() / 2);
    }

    /** The coverage map (sum of weights): one grey channel, displayed from 0 to its maximum. */
    public static ImagePlus openCoverage(Path fits, String title) throws IOException {
        return open(fits, title, Double.NaN, Double.NaN, 1, freeHeap() / 2);
    }

    /**
     * @param pLow percentile of the low end of the display range; NaN: 0 … maximum (coverage)
     * @param inMemoryBytes larger images are opened as a virtual stack
     */
    static ImagePlus open(Path fits, String title, double pLow, double pHigh, int maxDim, long inMemoryBytes)
            throws IOException {
        FitsFrame f = FitsFrame.open(fits);
        int w = f.width(), h = f.height(), nc = f.channels();
        boolean virtual = (long) w * h * nc * Float.BYTES > inMemoryBytes;
        ImageStack stack = virtual ? new FitsPlanes(f) : planes(f);
        ImagePlus imp = new ImagePlus(title, stack);
        imp.setDimensions(nc, 1, 1);
        if (nc > 1) {
            CompositeImage ci = new CompositeImage(imp, CompositeImage.COMPOSITE);
            Color[] colours = {Color.RED, Color.GREEN, Color.BLUE};
            for (int c = 0; c < nc; c++) ci.setChannelLut(LUT.createLutFromColor(colours[c % 3]), c + 1);
            imp = ci;
        }
        double[][] window = Double.isNaN(pLow) ? zeroToMax(imp) : PreviewPng.windows(f, pLow, pHigh, maxDim);
        for (int c = 0; c < nc; c++) {
            double lo = window[c][0], hi = window[c][1];
            if (!(hi > lo)) continue; // an empty or flat channel keeps ImageJ's own range
            imp.setPositionWithoutUpdate(c + 1, 1, 1);
            imp.setDisplayRange(lo, hi);
        }
        imp.setPositionWithoutUpdate(1, 1, 1);
        imp.setProperty("Info", headerText(f));
        if (f.hasWcs()) {
            Calibration cal = imp.getCalibration();
            double arcsec = f.wcs().pixelScaleDeg() * 3600;
            cal.pixelWidth = arcsec;
            cal.pixelHeight = arcsec;
            cal.setUnit("arcsec");
        }
        imp.setFileInfo(null);
        return imp;
    }

    /**
     * The image of {@code fits} as a lazy ImgLib2 image of dimensions (width, height, channels) in
     * FITS order (row 0 first), read by strips of rows on first access, a few strips kept
     * ({@link Images#view}): a 20000×20000 mosaic opens without being loaded.
     */
    public static RandomAccessibleInterval<FloatType> lazy(Path fits) throws IOException {
        FitsFrame f = FitsFrame.open(fits);
        return Images.view(f, stripRows(f.width(), f.channels()));
    }

    /** The window title for an output: a folder's name, or a file's name without its extension. */
    public static String title(Path output) {
        String name = output.toAbsolutePath().normalize().getFileName().toString();
        int dot = name.lastIndexOf('.');
        return dot > 0 && !output.toFile().isDirectory() ? name.substring(0, dot) : name;
    }

    static int stripRows(int width, int channels) {
        return (int) Math.max(1, STRIP_BYTES / ((long) width * channels * Float.BYTES));
    }

    private static long freeHeap() {
        Runtime rt = Runtime.getRuntime();
        return rt.maxMemory() - (rt.totalMemory() - rt.freeMemory());
    }

    /** All channels in memory, one FloatProcessor each, read by strips. */
    private static ImageStack planes(FitsFrame f) throws IOException {
        int w = f.width(), h = f.height(), nc = f.channels();
        float[][] px = new float[nc][w * h];
        readFlipped(f, px, -1);
        ImageStack s = new ImageStack(w, h);
        for (int c = 0; c < nc; c++) s.addSlice(label(c, nc), new FloatProcessor(w, h, px[c]));
        return s;
    }

    /** Reads channel {@code only} (or all when −1) into {@code dst}, image row y = FITS row h−1−y. */
    private static void readFlipped(FitsFrame f, float[][] dst, int only) throws IOException {
        int w = f.width(), h = f.height(), nc = f.channels();
        int rows = Math.min(h, stripRows(w, nc));
        float[][] band = f.newBand(rows);
        for (int y0 = 0; y0 < h; y0 += rows) {
            int n = Math.min(rows, h - y0);
            f.readRows(y0, n, band);
            for (int c = 0; c < nc; c++) {
                if (only >= 0 && c != only) continue;
                float[] out = dst[only >= 0 ? 0 : c];
                for (int r = 0; r < n; r++)
                    System.arraycopy(band[c], r * w, out, (h - 1 - (y0 + r)) * w, w);
            }
        }
    }

    private static String label(int c, int nc) {
        return nc == 3 ? new String[] {"R", "G", "B"}[c] : nc == 1 ? null : "channel " + (c + 1);
    }

    private static double[][] zeroToMax(ImagePlus imp) {
        double[][] r = new double[imp.getNChannels()][];
        for (int c = 0; c < r.length; c++) {
            float[] px = (float[]) imp.getStack().getProcessor(c + 1).getPixels();
            double max = 0;
            for (float v : px) if (v > max) max = v;
            r[c] = new double[] {0, max};
        }
        return r;
    }

    /** The FITS header as ImageJ's FITS reader shows it in Image › Show Info: one card a line. */
    static String headerText(FitsFrame f) {
        StringBuilder sb = new StringBuilder();
        for (Iterator<HeaderCard> it = f.header().iterator(); it.hasNext(); ) {
            String card = it.next().toString();
            sb.append(card.stripTrailing()).append('\n');
        }
        return sb.toString();
    }

    /** Channels read from the FITS file when ImageJ asks for them: one plane in memory at a time. */
    static final class FitsPlanes extends VirtualStack {
        private final FitsFrame frame;

        FitsPlanes(FitsFrame frame) {
            super(frame.width(), frame.height(), null, null);
            this.frame = frame;
        }

        @Override
        public ImageProcessor getProcessor(int n) {
            if (n < 1 || n > getSize()) throw new IllegalArgumentException("channel " + n + " of " + getSize());
            float[][] px = new float[1][frame.width() * frame.height()];
            try {
                readFlipped(frame, px, n - 1);
            } catch (IOException e) {
                throw new UncheckedIOException(frame.path() + ": " + e.getMessage(), e);
            }
            return new FloatProcessor(frame.width(), frame.height(), px[0]);
        }

        @Override
        public int getSize() { return frame.channels(); }

        @Override
        public String getSliceLabel(int n) { return label(n - 1, frame.channels()); }

        @Override
        public void deleteSlice(int n) { throw new UnsupportedOperationException("the channels of a FITS file on disk"); }
    }
}

package org.tessera.fiji;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import ij.ImagePlus;
import ij.ImageStack;
import ij.measure.Calibration;
import ij.process.ColorProcessor;
import ij.process.ImageProcessor;
import nom.tam.fits.Header;
import nom.tam.fits.HeaderCard;
import org.tessera.image.RowSource;
import org.tessera.io.FitsImageWriter;

/**
 * Images already open in Fiji as pipeline inputs: each is written to a FITS file with the header
 * its {@code Info} carries (as ImageJ's FITS reader and {@link MosaicImage} leave it), so that the
 * pipeline reads it exactly as it reads files. A stack of C channels × N slices (or frames) gives N
 * files of C channels (a stack of frames); a slice whose label is a FITS header uses it, else all
 * share the image's header. Rows are flipped back (ImageJ shows FITS row 0 at the bottom); NaN
 * pixels become ALPHA 0, as in Tessera's own tiles. An RGB image gives three channels (red, green,
 * blue, 0…255). An image whose size is not the one its header describes (cropped, scaled or rotated
 * after it was opened: ImageJ keeps the Info but not where the pixels came from) is refused, since
 * the header's WCS would place it wrongly on the sky.
 */
public final class OpenImages {
    private OpenImages() {}

    /**
     * Writes {@code imp} into {@code dir}.
     * @return the FITS files written, in slice order
     * @throws IllegalArgumentException when the image carries no FITS header (no WCS can be known)
     */
    public static List<Path> write(ImagePlus imp, Path dir) throws IOException {
        String info = imp.getInfoProperty();
        int nz = imp.getNSlices() * imp.getNFrames();
        int nc = imp.getNChannels(), planes = imp.getType() == ImagePlus.COLOR_RGB ? 3 * nc : nc;
        List<Path> out = new ArrayList<>();
        String base = baseName(imp.getTitle());
        ImageStack stack = imp.getStack();
        for (int z = 0; z < nz; z++) {
            String label = stack.getSliceLabel(z * nc + 1);
            String text = isHeader(label) ? label : info;
            if (!isHeader(text))
                throw new IllegalArgumentException("image '" + imp.getTitle() + "' carries no FITS header in its Info;"
                        + " open the FITS file with File › Open (or give its folder as input)");
            Header header = header(text);
            refuseOtherSize(imp, header);
            Path file = dir.resolve(nz == 1 ? base + ".fits" : String.format(Locale.ROOT, "%s_%04d.fits", base, z + 1));
            FitsImageWriter.write(file, rows(imp, z, planes), header, FitsImageWriter.AlphaMode.FROM_NAN);
            out.add(file);
        }
        return out;
    }

    /**
     * The temporary file's name for an image titled {@code title}: the title itself, less a FITS
     * extension and what no file name may hold, so that the run's messages and log name the image as
     * the user knows it ("M31 (night 2).fits: no usable WCS", not "M31_night_2_.fits"); no leading dot,
     * which would hide the file.
     */
    static String baseName(String title) {
        String base = title.strip().replaceAll("(?i)\\.(fits?|fts)$", "").replaceAll("[\\\\/:*?\"<>|\\p{Cntrl}]+", "_")
                .replaceAll("^\\.+", "");
        return base.isBlank() ? "image" : base;
    }

    /**
     * The header's WCS holds for an image of its NAXIS1 × NAXIS2 pixels (ZNAXIS1 × ZNAXIS2 when it is
     * the header of an fpack'ed tile table): a cropped or scaled image would be placed, silently, by a
     * WCS that is not its own (a 200×150 crop of a 480×320 tile landed 164 px from where it was).
     */
    private static void refuseOtherSize(ImagePlus imp, Header h) {
        boolean tiled = h.containsKey("ZNAXIS1");
        int nx = h.getIntValue(tiled ? "ZNAXIS1" : "NAXIS1", -1), ny = h.getIntValue(tiled ? "ZNAXIS2" : "NAXIS2", -1);
        if (nx <= 0 || ny <= 0 || (nx == imp.getWidth() && ny == imp.getHeight())) return;
        throw new IllegalArgumentException("image '" + imp.getTitle() + "' is " + imp.getWidth() + "×" + imp.getHeight()
                + " pixels but its FITS header describes " + nx + "×" + ny + " (cropped, scaled or rotated after it was"
                + " opened?): the header's WCS would place it wrongly on the sky; give the image as it was opened,"
                + " or its FITS file as input");
    }

    /** Whether {@code text} looks like a FITS header as ImageJ keeps it (80-column cards). */
    static boolean isHeader(String text) {
        return text != null && (text.contains("NAXIS") || text.contains("SIMPLE  ="));
    }

    /** The cards of a header text, one per line; lines that are not cards are skipped. */
    static Header header(String text) {
        Header h = new Header();
        for (String line : text.split("\\R")) {
            if (line.isBlank() || line.length() > 80 || line.startsWith("END")) continue;
            if (line.length() > 8 && line.charAt(8) != '=' && !line.startsWith("COMMENT") && !line.startsWith("HISTORY")) continue;
            try {
                h.addLine(HeaderCard.create(String.format(Locale.ROOT, "%-80s", line)));
            } catch (RuntimeException e) {
                // not a card ImageJ kept intact: skipped, the pipeline needs the WCS cards only
            }
        }
        return h;
    }

    /**
     * Slice {@code z} (all its channels) in FITS row order, calibrated values as float; each RGB
     * channel as its red, green and blue planes ({@code out} = 3 × channels then), never as the packed
     * 24-bit integer ImageJ's {@code getf} returns for an RGB pixel.
     */
    static RowSource rows(ImagePlus imp, int z, int out) {
        ImageStack stack = imp.getStack();
        int nc = imp.getNChannels(), w = imp.getWidth(), h = imp.getHeight();
        Calibration cal = imp.getCalibration();
        ImageProcessor[] planes = new ImageProcessor[out];
        for (int c = 0; c < nc; c++) {
            ImageProcessor ip = stack.getProcessor(z * nc + c + 1);
            if (ip instanceof ColorProcessor rgb)
                for (int k = 0; k < 3; k++) planes[3 * c + k] = rgb.getChannel(k + 1, null);
            else planes[c] = ip;
        }
        return new RowSource() {
            @Override public int width() { return w; }
            @Override public int height() { return h; }
            @Override public int channels() { return out; }
            @Override public String name() { return imp.getTitle(); }

            @Override
            public void readRows(int y0, int n, float[][] dst) {
                for (int c = 0; c < out; c++) {
                    ImageProcessor ip = planes[c];
                    boolean raw = ip.getBitDepth() != 32 && cal.calibrated();
                    for (int r = 0; r < n; r++) {
                        int y = h - 1 - (y0 + r); // ImageJ row of FITS row y0 + r
                        for (int x = 0; x < w; x++) {
                            float v = ip.getf(x, y);
                            dst[c][r * w + x] = raw ? (float) cal.getCValue(v) : v;
                        }
                    }
                }
            }
        };
    }

    /** A fresh temporary folder for the files of open images; the caller deletes it with {@link #delete}. */
    public static Path tempDir() throws IOException {
        return Files.createTempDirectory("tessera-open-image-");
    }

    /** Deletes a folder made by {@link #tempDir} and its files (best effort: temp files only). */
    public static void delete(Path dir) {
        if (dir == null) return;
        try (var s = Files.list(dir)) {
            for (Path p : s.toList()) Files.deleteIfExists(p);
            Files.deleteIfExists(dir);
        } catch (IOException e) {
            dir.toFile().deleteOnExit();
        }
    }
}

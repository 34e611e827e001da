package org.tessera.synth;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import nom.tam.fits.BasicHDU;
import nom.tam.fits.Fits;
import nom.tam.fits.FitsException;
import nom.tam.fits.Header;
import nom.tam.fits.HeaderCard;
import nom.tam.util.Cursor;
import nom.tam.util.FitsOutputStream;

import org.tessera.image.FloatImage;
import org.tessera.io.AtomicFiles;
import org.tessera.io.InMemoryFrame;
import org.tessera.wcs.Wcs;

/**
 * Writes an in-memory frame the way a camera does: a 1-channel frame as 16-bit unsigned data
 * (BITPIX 16, BZERO 32768, values rounded and clipped to 0..65535), a 3-channel frame as a float32
 * cube (NAXIS3 = 3). The header carries the frame's keys and its WCS (CRPIX 1-based). The file is
 * written under a temporary name and renamed, so a reader never sees half a file.
 */
public final class CameraFitsWriter {

    private CameraFitsWriter() {}

    /** Keys whose values are text even when they look like numbers. */
    private static final Set<String> TEXT_KEYS = Set.of("OBJECT", "DATE-OBS", "DATE-AVG", "DATE", "FILTER", "INSTRUME",
            "TELESCOP", "CREATOR", "IMAGETYP", "BAYERPAT", "CFAIMAGE", "OBSERVER", "PROGRAM", "PRODUCER");

    public static void write(InMemoryFrame frame, Path file) throws IOException {
        FloatImage img = frame.image();
        int w = img.width(), h = img.height();
        Object data;
        if (img.channels() == 1) {
            float[] p = img.plane(0);
            short[][] d = new short[h][w];
            for (int y = 0; y < h; y++)
                for (int x = 0; x < w; x++) {
                    double v = Math.min(65535, Math.max(0, Math.rint(p[y * w + x])));
                    d[y][x] = (short) ((int) v - 32768);
                }
            data = d;
        } else {
            float[][][] d = new float[img.channels()][h][w];
            for (int c = 0; c < d.length; c++)
                for (int y = 0; y < h; y++) System.arraycopy(img.plane(c), y * w, d[c][y], 0, w);
            data = d;
        }
        Path tmp = file.resolveSibling(file.getFileName() + ".part");
        try (Fits fits = new Fits()) {
            BasicHDU<?> hdu = Fits.makeHDU(data);
            Header hd = hdu.getHeader();
            if (img.channels() == 1) {
                hd.addValue("BZERO", 32768, "offset data range to that of unsigned short");
                hd.addValue("BSCALE", 1, "default scaling factor");
            }
            for (Map.Entry<String, String> e : frame.keys().entrySet())
                if (!isWcsKey(e.getKey())) addTyped(hd, e.getKey(), e.getValue());
            if (frame.wcs() != null) frame.wcs().writeTo(hd);
            // nom-tam stamps the write time into SIMPLE's comment: a fixed comment keeps the bytes
            // of the same frame the same, whenever it is written.
            HeaderCard simple = hd.findCard("SIMPLE");
            if (simple != null) simple.setComment("conforms to FITS standard");
            fits.addHDU(hdu);
            try (OutputStream os = new BufferedOutputStream(Files.newOutputStream(tmp));
                 FitsOutputStream out = new FitsOutputStream(os)) {
                fits.write(out);
            }
        } catch (FitsException | IOException e) {
            Files.deleteIfExists(tmp);
            throw new IOException(file + ": cannot write FITS: " + e.getMessage(), e);
        }
        // Same bytes already there (the demo sky written again): keep the file and its mtime, so a
        // rerun on the same output folder sees unchanged inputs and resumes instead of starting over.
        if (Files.isRegularFile(file) && Files.mismatch(tmp, file) == -1) {
            Files.delete(tmp);
            return;
        }
        AtomicFiles.move(tmp, file);
    }

    /** The header keys (as strings) that a FITS file of this WCS would carry. */
    static Map<String, String> wcsKeys(Wcs wcs) {
        Map<String, String> out = new LinkedHashMap<>();
        try {
            Header h = new Header();
            wcs.writeTo(h);
            Cursor<String, HeaderCard> it = h.iterator();
            while (it.hasNext()) {
                HeaderCard c = it.next();
                if (c.getKey() != null && c.getValue() != null && !c.getKey().isBlank()) out.put(c.getKey(), c.getValue());
            }
        } catch (Exception e) {
            throw new IllegalStateException("cannot describe WCS " + wcs + ": " + e.getMessage(), e);
        }
        return out;
    }

    static boolean isWcsKey(String k) {
        return k.equals("WCSAXES") || k.startsWith("CTYPE") || k.startsWith("CRPIX") || k.startsWith("CRVAL")
                || k.startsWith("CD1_") || k.startsWith("CD2_") || k.startsWith("PC1_") || k.startsWith("PC2_")
                || k.startsWith("CDELT") || k.startsWith("CROTA") || k.startsWith("CUNIT") || k.equals("RADESYS")
                || k.equals("LONPOLE") || k.equals("LATPOLE") || k.equals("EQUINOX")
                || k.startsWith("A_") || k.startsWith("B_") || k.startsWith("AP_") || k.startsWith("BP_");
    }

    private static void addTyped(Header h, String key, String value) throws FitsException {
        String k = key.toUpperCase(Locale.ROOT);
        if (!TEXT_KEYS.contains(k)) {
            if (value.matches("[+-]?\\d{1,18}")) {
                h.addValue(k, Long.parseLong(value), null);
                return;
            }
            try {
                double d = Double.parseDouble(value);
                if (Double.isFinite(d)) {
                    h.addValue(k, d, null);
                    return;
                }
            } catch (NumberFormatException notANumber) {
                // falls through to text
            }
        }
        h.addValue(k, value, null);
    }
}

package org.tessera.tiles;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Stream;

import nom.tam.fits.BasicHDU;
import nom.tam.fits.Fits;
import nom.tam.fits.FitsException;
import nom.tam.fits.Header;
import nom.tam.fits.HeaderCard;
import nom.tam.util.Cursor;

import org.tessera.image.FloatImage;
import org.tessera.io.InMemoryFrame;
import org.tessera.io.MountMode;
import org.tessera.wcs.FitsWcs;
import org.tessera.wcs.WcsException;

/**
 * The real Seestar M 94 frames (../shared/data/seestar_m94_subset) as small mono frames: each
 * 2×2 Bayer block averaged into one "superpixel" (removes the colour pattern, halves the size),
 * with the WCS scaled to match (CD × 2, CRPIX moved), optionally cropped around the centre.
 */
final class M94Frames {
    private M94Frames() {}

    static final Path DIR = Path.of("../shared/data/seestar_m94_subset");

    static boolean available() {
        return Files.isDirectory(DIR.resolve("night1"));
    }

    /** Files of all nights, sorted by path (the original's order). */
    static List<Path> files() throws IOException {
        try (Stream<Path> s = Files.walk(DIR)) {
            return s.filter(p -> p.toString().toLowerCase(Locale.ROOT).endsWith(".fit")).sorted().toList();
        }
    }

    private static List<InMemoryFrame> cache;

    /** Every frame, binned 2×2, whole; read once per test JVM. */
    static synchronized List<InMemoryFrame> superpixels() throws IOException, FitsException, WcsException {
        if (cache == null) {
            List<InMemoryFrame> out = new ArrayList<>();
            for (Path p : files()) out.add(load(p));
            cache = List.copyOf(out);
        }
        return cache;
    }

    /**
     * Every frame cropped to {@code cropW × cropH} superpixels around its centre (≤ 0: whole),
     * with {@code extraKeys} (may give null) added to its keys and deciding its mount mode.
     */
    static List<InMemoryFrame> load(int cropW, int cropH, Function<String, Map<String, String>> extraKeys)
            throws IOException, FitsException, WcsException {
        List<InMemoryFrame> out = new ArrayList<>();
        for (InMemoryFrame f : superpixels()) out.add(crop(f, cropW, cropH, extraKeys == null ? null : extraKeys.apply(f.name())));
        return out;
    }

    static InMemoryFrame crop(InMemoryFrame f, int cropW, int cropH, Map<String, String> extra) {
        int bw = f.width(), bh = f.height();
        int cw = cropW > 0 ? Math.min(cropW, bw) : bw, ch = cropH > 0 ? Math.min(cropH, bh) : bh;
        int x0 = (bw - cw) / 2, y0 = (bh - ch) / 2;
        float[] src = f.image().plane(0), px = new float[cw * ch];
        for (int y = 0; y < ch; y++) System.arraycopy(src, (y + y0) * bw + x0, px, y * cw, cw);
        Map<String, String> keys = new LinkedHashMap<>(f.keys());
        if (extra != null) keys.putAll(extra);
        MountMode mount = keys.containsKey("EQMODE") ? MountMode.parse(Double.parseDouble(keys.get("EQMODE"))) : MountMode.UNKNOWN;
        return new InMemoryFrame(f.name(), new FloatImage(cw, ch, new float[][] {px}), f.wcs().shifted(x0, y0), mount,
                f.exposureSeconds(), keys);
    }

    /** One file as a whole superpixel frame; mount UNKNOWN (these frames carry no EQMODE). */
    static InMemoryFrame load(Path p) throws IOException, FitsException, WcsException {
        try (Fits fits = new Fits(new File(p.toString()))) {
            BasicHDU<?> hdu = fits.readHDU();
            Header h = hdu.getHeader();
            short[][] raw = (short[][]) hdu.getKernel();
            double bzero = h.getDoubleValue("BZERO", 0), bscale = h.getDoubleValue("BSCALE", 1);
            int bh = raw.length / 2, bw = raw[0].length / 2;
            float[] px = new float[bw * bh];
            for (int y = 0; y < bh; y++)
                for (int x = 0; x < bw; x++) {
                    int sy = 2 * y, sx = 2 * x;
                    double s = raw[sy][sx] + raw[sy][sx + 1] + raw[sy + 1][sx] + raw[sy + 1][sx + 1];
                    px[y * bw + x] = (float) (bscale * s / 4 + bzero);
                }
            // Binned FITS pixel P covers original pixels 2P-1, 2P: original c <-> binned (c + 0.5) / 2.
            FitsWcs full = FitsWcs.fromHeader(h);
            double[] cd = full.cd();
            FitsWcs binned = new FitsWcs(full.projection(), (full.crpix1() + 0.5) / 2, (full.crpix2() + 0.5) / 2,
                    full.crval1(), full.crval2(), 2 * cd[0], 2 * cd[1], 2 * cd[2], 2 * cd[3]);
            Map<String, String> keys = new LinkedHashMap<>();
            for (Cursor<String, HeaderCard> it = h.iterator(); it.hasNext();) {
                HeaderCard c = it.next();
                if (c.getKey() == null || c.getValue() == null || c.isCommentStyleCard()) continue;
                keys.put(c.getKey().toUpperCase(Locale.ROOT), c.getValue().trim());
            }
            String name = p.getParent().getFileName() + "/" + p.getFileName();
            return new InMemoryFrame(name, new FloatImage(bw, bh, new float[][] {px}), binned, MountMode.UNKNOWN,
                    h.getDoubleValue("EXPTIME", 1.0), keys);
        }
    }
}

package org.tessera.reproject;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import nom.tam.fits.BasicHDU;
import nom.tam.fits.Fits;
import nom.tam.fits.FitsException;
import nom.tam.fits.Header;

import org.tessera.wcs.Wcs;

/**
 * Writes master tiles laid out as the original program (ZeMosaic) writes them, with nom-tam alone
 * (no Tessera writer), so that tests can feed Tessera a tile set made by the original: a float32
 * CHW cube in the primary HDU (NaN written as 0), the WCS of the tile, the original's cards
 * ({@code ZMT_TYPE = 'Master Tile'}, {@code ZMT_ID}, {@code ZMT_NRAW}, {@code ZMT_NALGN}, the stack
 * settings {@code ZMT_NORM}/{@code ZMT_WGHT}/{@code ZMT_REJ}/{@code ZMT_COMB}, optionally
 * {@code MT_NFRAMES}; astropy writes the keys over 8 characters as HIERARCH cards) and an {@code ALPHA} uint8 image extension
 * (255 = valid). No {@code ORIGIN = 'Tessera'} card.
 */
public final class ZeMosaicTileFixture {
    private ZeMosaicTileFixture() {}

    /**
     * One tile: {@code chw[c][y][x]} in ADU (NaN = no data), {@code alpha[y][x]} in 0..255 (null:
     * 255 where every channel is finite, else 0). {@code extra} cards are added last (value
     * Integer/Long/Double/String); a null entry of {@code mtNFrames} leaves {@code MT_NFRAMES} out.
     */
    public static Path write(Path file, Wcs wcs, float[][][] chw, int[][] alpha, int id, int nRaw, int nAligned,
                             Integer mtNFrames, Map<String, Object> extra) throws IOException {
        int ch = chw.length, h = chw[0].length, w = chw[0][0].length;
        float[][][] data = new float[ch][h][w];
        byte[][] a = new byte[h][w];
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++) {
                boolean finite = true;
                for (float[][] p : chw) finite &= Float.isFinite(p[y][x]);
                int av = alpha != null ? alpha[y][x] : finite ? 255 : 0;
                a[y][x] = (byte) av;
                for (int c = 0; c < ch; c++) data[c][y][x] = Float.isFinite(chw[c][y][x]) ? chw[c][y][x] : 0f;
            }
        try (Fits fits = new Fits()) {
            BasicHDU<?> primary = Fits.makeHDU(data);
            Header hd = primary.getHeader();
            wcs.writeTo(hd);
            Map<String, Object> cards = new LinkedHashMap<>();
            cards.put("ZMT_TYPE", "Master Tile");
            cards.put("ZMT_ID", id);
            cards.put("ZMT_NRAW", nRaw);
            cards.put("ZMT_NALGN", nAligned);
            cards.put("ZMT_NORM", "linear_fit");
            cards.put("ZMT_WGHT", "noise_variance");
            cards.put("ZMT_REJ", "winsorized_sigma_clip");
            cards.put("ZMT_KLOW", 3.0);
            cards.put("ZMT_KHIG", 3.0);
            cards.put("ZMT_COMB", "mean");
            if (mtNFrames != null) cards.put("HIERARCH.MT_NFRAMES", mtNFrames);
            if (extra != null) cards.putAll(extra);
            for (Map.Entry<String, Object> e : cards.entrySet()) {
                // astropy writes a key over 8 characters (ZMT_NALGN, MT_NFRAMES) as a HIERARCH card
                String k = e.getKey().length() > 8 && !e.getKey().startsWith("HIERARCH.") ? "HIERARCH." + e.getKey() : e.getKey();
                Object v = e.getValue();
                if (v instanceof Integer || v instanceof Long) hd.addValue(k, ((Number) v).longValue(), null);
                else if (v instanceof Number n) hd.addValue(k, n.doubleValue(), null);
                else hd.addValue(k, v.toString(), null);
            }
            fits.addHDU(primary);
            BasicHDU<?> alphaHdu = Fits.makeHDU(a);
            alphaHdu.getHeader().addValue("EXTNAME", "ALPHA", "validity mask, 255 = valid");
            fits.addHDU(alphaHdu);
            fits.write(file.toFile());
        } catch (FitsException e) {
            throw new IOException(file + ": " + e.getMessage(), e);
        }
        return file;
    }

    /** A flat tile of {@code value} in every channel. */
    public static float[][][] flat(int channels, int w, int h, float value) {
        float[][][] out = new float[channels][h][w];
        for (float[][] p : out) for (float[] row : p) java.util.Arrays.fill(row, value);
        return out;
    }
}

package org.tessera.tiles;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

import nom.tam.fits.Header;
import nom.tam.fits.HeaderCardException;

import org.tessera.image.RowSource;
import org.tessera.io.FitsImageWriter;
import org.tessera.io.FrameSelection;

/**
 * Writes a {@link MasterTile} as {@code master_tile_NNN.fits} (docs/tiles.md, "MasterTileFiles"):
 * float32 with NaN stored as 0, the tile's WCS and header cards, and an {@code ALPHA} uint8
 * extension (255 valid, 0 no data, the ALT-AZ ramp in between). The file appears only when it is
 * complete (the writer renames a temp file), so a failed tile never leaves a half file behind.
 */
public final class MasterTileFiles {
    private MasterTileFiles() {}

    /** Writes the tile into {@code dir} and returns the file. */
    public static Path write(MasterTile tile, Path dir) throws IOException {
        return writeAs(tile, dir.resolve(tile.fileName()));
    }

    /** Writes the tile to the file {@code target} (any name). */
    public static Path writeAs(MasterTile tile, Path target) throws IOException {
        FitsImageWriter.write(target, tile.image(), alphaSource(tile), header(tile));
        return target;
    }

    /** The header card naming the frame of a stack without WCS ({@link #writeInPixels}). */
    public static final String FRAME_KEY = "TS_FRAME";

    /**
     * Where a tile stacked without any sky solution lies: in the pixels of its reference frame
     * {@code reference} (the grid's, {@code MT_REF}), its pixel (0, 0) at that frame's pixel
     * ({@code x0}, {@code y0}) (0-based; the edge trim and a canvas move it off (0, 0)).
     */
    public record Pixels(String reference, long x0, long y0) {}

    /**
     * {@link Pixels} of {@code tile}, built from {@code frames} whose WCS are stand-ins for the
     * pixels of one of them: the offset is read through the reference frame's stand-in, so it holds
     * whatever grid and trim the tile got.
     */
    public static Pixels inPixels(MasterTile tile, java.util.List<? extends org.tessera.io.Frame> frames) {
        Object name = tile.header().get(TileHeaders.REFERENCE);
        org.tessera.io.Frame ref = frames.stream().filter(f -> f.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalStateException("the tile's reference " + name + " is none of its frames"));
        double[] p = new double[2];
        tile.grid().wcs().pixelToWorld(0, 0, p);
        ref.wcs().worldToPixel(p[0], p[1], p);
        return new Pixels(ref.name(), Math.round(p[0]), Math.round(p[1]));
    }

    /**
     * Writes a tile stacked in the pixels of a frame, not on the sky, to {@code target}: as
     * {@link #writeAs}, but without any WCS card (its grid's WCS is a stand-in that no reader may
     * take for sky coordinates), with {@value #FRAME_KEY} = 'pixels of NAME', the offset as IRAF's
     * physical coordinates ({@code LTV1/2}, {@code LTM1_1/2_2}: DS9 shows the reference frame's
     * pixels as "physical") and HISTORY cards saying so.
     */
    public static Path writeInPixels(MasterTile tile, Pixels px, Path target) throws IOException {
        Header h = header(tile, false);
        try {
            h.addValue(FRAME_KEY, "pixels of " + px.reference(), "no WCS");
            // physical = logical - LTV: output pixel 1 is the reference's pixel x0 + 1
            h.addValue("LTV1", -px.x0(), "reference frame pixel = this pixel - LTV1");
            h.addValue("LTV2", -px.y0(), "reference frame pixel = this pixel - LTV2");
            h.addValue("LTM1_1", 1.0, "same pixel size as the reference frame");
            h.addValue("LTM2_2", 1.0, "same pixel size as the reference frame");
            h.insertHistory("Tessera stack without sky solution: the frames were registered by");
            h.insertHistory("their stars on one of them and stacked in the pixels of " + FRAME_KEY + ";");
            h.insertHistory("this image has no celestial WCS.");
        } catch (HeaderCardException e) {
            throw new IOException(tile.fileName() + ": cannot build header: " + e.getMessage(), e);
        }
        FitsImageWriter.write(target, tile.image(), alphaSource(tile), h);
        return target;
    }

    static Header header(MasterTile tile) throws IOException {
        return header(tile, true);
    }

    /** The tile's header, with its grid's WCS when {@code wcs}. */
    private static Header header(MasterTile tile, boolean wcs) throws IOException {
        Header h = new Header();
        try {
            if (wcs) tile.grid().wcs().writeTo(h);
            // Marks the file as Tessera's, so that a rerun never reads it back as a frame.
            h.addValue(FrameSelection.ORIGIN_KEY, FrameSelection.ORIGIN_VALUE, "software");
            for (Map.Entry<String, Object> e : tile.header().entrySet()) {
                // Keys over 8 characters (MT_NFRAMES) can only be HIERARCH cards.
                String key = e.getKey().length() > 8 ? "HIERARCH." + e.getKey() : e.getKey();
                String comment = TileHeaders.COMMENTS.get(e.getKey());
                Object v = e.getValue();
                if (v instanceof TileHeaders.Commented c) {
                    comment = c.comment();
                    v = c.value();
                }
                if (v == null) continue;
                if (v instanceof Boolean b) h.addValue(key, b, comment);
                else if (v instanceof Integer || v instanceof Long) h.addValue(key, ((Number) v).longValue(), comment);
                else if (v instanceof Number n) h.addValue(key, n.doubleValue(), comment);
                else h.addValue(key, v.toString(), comment);
            }
        } catch (HeaderCardException e) {
            throw new IOException(tile.fileName() + ": cannot build header: " + e.getMessage(), e);
        }
        return h;
    }

    /** The tile's validity as a one-channel source in [0, 1], exactly the bytes of {@link MasterTile#alphaRows}. */
    private static RowSource alphaSource(MasterTile tile) {
        int w = tile.image().width(), h = tile.image().height();
        return new RowSource() {
            @Override public int width() { return w; }
            @Override public int height() { return h; }
            @Override public int channels() { return 1; }

            @Override
            public void readRows(int y0, int rows, float[][] dst) {
                byte[] b = new byte[rows * w];
                tile.alphaRows(y0, rows, b);
                for (int i = 0; i < b.length; i++) dst[0][i] = (b[i] & 0xff) / 255f;
            }
        };
    }
}

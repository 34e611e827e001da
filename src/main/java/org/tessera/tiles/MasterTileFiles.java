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

    static Header header(MasterTile tile) throws IOException {
        Header h = new Header();
        try {
            tile.grid().wcs().writeTo(h);
            // Marks the file as Tessera's, so that a rerun never reads it back as a frame.
            h.addValue(FrameSelection.ORIGIN_KEY, FrameSelection.ORIGIN_VALUE, "software");
            for (Map.Entry<String, Object> e : tile.header().entrySet()) {
                // Keys over 8 characters (MT_NFRAMES) can only be HIERARCH cards.
                String key = e.getKey().length() > 8 ? "HIERARCH." + e.getKey() : e.getKey();
                String comment = TileHeaders.COMMENTS.get(e.getKey());
                Object v = e.getValue();
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

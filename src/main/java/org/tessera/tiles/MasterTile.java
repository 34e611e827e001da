package org.tessera.tiles;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.tessera.image.FloatImage;
import org.tessera.io.MountMode;
import org.tessera.stack.StackResult;
import org.tessera.wcs.WcsGrid;

/**
 * One finished master tile, in memory, ready to be written (docs/tiles.md, "MasterTileFiles").
 *
 * @param id         tile id (the group's id), written as {@code master_tile_NNN.fits}
 * @param image      the stacked, cleaned and trimmed image; NaN = no data
 * @param alpha      the ALT-AZ cleanup alpha (1 channel, [0, 1], same shape) or null when the tile
 *                   was not cleaned (then validity is "all channels finite")
 * @param grid       the tile's pixel grid on the sky (reference WCS, padded and cropped)
 * @param header     the cards to write, in order (see {@link TileHeaders})
 * @param frameNames the group's frames, in input order
 * @param stack      what the stack core reported
 */
public record MasterTile(int id, FloatImage image, FloatImage alpha, WcsGrid grid, Map<String, Object> header,
                         List<String> frameNames, StackResult stack) {

    public MasterTile {
        if (image.width() != grid.width() || image.height() != grid.height())
            throw new IllegalArgumentException("tile " + id + ": image " + image.width() + "x" + image.height()
                    + " does not match its grid " + grid.width() + "x" + grid.height());
        if (alpha != null && (alpha.width() != image.width() || alpha.height() != image.height() || alpha.channels() != 1))
            throw new IllegalArgumentException("tile " + id + ": alpha must be one channel of the image's shape");
        header = Collections.unmodifiableMap(new LinkedHashMap<>(header)); // keeps the card order
        frameNames = List.copyOf(frameNames);
    }

    /** The file name the original used: {@code master_tile_NNN.fits}. */
    public String fileName() {
        return String.format(Locale.ROOT, "master_tile_%03d.fits", id);
    }

    /** True when the tile holds no valid pixel (header ZMT_EMPT = 1): write it flagged, never use it as data. */
    public boolean empty() {
        return Integer.valueOf(1).equals(header.get(TileHeaders.EMPTY));
    }

    /** The group's mount mode as read from its frames. */
    public MountMode mount() {
        return MountMode.valueOf((String) header.get(TileHeaders.MOUNT));
    }

    /** True when the ALT-AZ cleanup ran on this tile and kept its mask. */
    public boolean cleaned() {
        return alpha != null;
    }

    /**
     * Rows of the {@code ALPHA} uint8 extension: 255·alpha rounded (alpha tile) or 255 (no alpha),
     * and 0 wherever a channel of the image is NaN. Bytes are unsigned values 0..255.
     */
    public void alphaRows(int y0, int rows, byte[] dst) {
        int w = image.width();
        float[] a = alpha == null ? null : alpha.plane(0);
        for (int i = 0; i < rows * w; i++) {
            int p = y0 * w + i;
            boolean finite = true;
            for (int c = 0; finite && c < image.channels(); c++) finite = !Float.isNaN(image.plane(c)[p]);
            int v = !finite ? 0 : a == null ? 255 : Math.round(255f * Math.max(0f, Math.min(1f, a[p])));
            dst[i] = (byte) v;
        }
    }
}

package org.tessera.reproject;

import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.Serial;
import java.io.Serializable;
import java.util.List;

import org.tessera.wcs.Wcs;
import org.tessera.wcs.WcsCards;
import org.tessera.wcs.WcsGrid;

/**
 * What Phase 5 knows once the survey and the photometric match are done, and all a process
 * needs to coadd any range of output bands ({@link ReprojectCoadd#coaddBands}): the final
 * (cropped) grid, the band layout, and each used tile's correction and box. Bands of output rows
 * are then independent: one machine coadds them all in parallel, a cluster hands ranges of them
 * to its executors, with the same code and the same pixels.
 * <p>
 * Serializable for that: the grid's WCS travels as its FITS cards (the same cards the mosaic's
 * header gets, {@link WcsCards}) and is read back with {@link Wcs#fromHeader}.
 *
 * @param grid        the final grid (the caller's cropped to the tiles' footprints)
 * @param channels    channels of the mosaic
 * @param rowsPerBand output rows per band (the last band may be shorter)
 * @param tiles       the used tiles, in input order
 * @param reports     what happened to every input (used or not), in input order
 * @param pairs       overlapping pairs the photometric match used
 * @param exposure    the exposure (s) the mosaic's pixels are counts per where the photometric match
 *                    put tiles of other exposures on one (E_ref, {@link PhotometricMatch#exposurePriors});
 *                    NaN where it did not (no gain match, tiles of one exposure, one of unknown exposure): the
 *                    one place the mosaic's header takes that {@code EXPTIME} from
 *                    ({@link MosaicProvenance#inUnitOf})
 */
public record CoaddPlan(WcsGrid grid, int channels, int rowsPerBand, List<TilePlan> tiles,
                        List<ReprojectCoadd.TileReport> reports, int pairs, double exposure) implements Serializable {

    @Serial
    private static final long serialVersionUID = 1L;

    /**
     * One used tile's part of the coadd, by its index in the inputs: tile weight, gain, per-channel
     * factors on the gain (colour match; null: none, as in a plan written before them), additive
     * correction on the final grid, bounding box [x0, x1) × [y0, y1) on it, and whether the
     * survey found every pixel of its crop window valid with weight 1 (then no weight plane is
     * built when its rows are read).
     */
    public record TilePlan(int index, double weight, double gain, double[] colour, BackgroundPlane background,
                           int x0, int y0, int x1, int y1, boolean unitWeight) implements Serializable {
        @Serial
        private static final long serialVersionUID = 1L;
    }

    public CoaddPlan {
        tiles = List.copyOf(tiles);
        reports = List.copyOf(reports);
    }

    /** Number of bands of {@link #rowsPerBand} rows covering the grid. */
    public int bands() {
        return (grid.height() + rowsPerBand - 1) / rowsPerBand;
    }

    /** First output row of band b. */
    public int bandY0(int b) {
        return b * rowsPerBand;
    }

    /** Rows of band b. */
    public int bandRows(int b) {
        return Math.min(rowsPerBand, grid.height() - b * rowsPerBand);
    }

    // Java serialization: the record's fields except the grid's WCS, which goes as FITS cards.
    @Serial
    private Object writeReplace() throws IOException {
        return new Serialized(WcsCards.of(grid.wcs()), grid.width(), grid.height(), channels, rowsPerBand, tiles, reports, pairs,
                exposure);
    }

    private record Serialized(String wcsCards, int width, int height, int channels, int rowsPerBand,
                              List<TilePlan> tiles, List<ReprojectCoadd.TileReport> reports, int pairs, double exposure)
            implements Serializable {
        @Serial
        private static final long serialVersionUID = 2L; // 2: the exposure

        @Serial
        private Object readResolve() throws IOException {
            return new CoaddPlan(new WcsGrid(WcsCards.parse(wcsCards), width, height), channels, rowsPerBand, tiles, reports, pairs,
                    exposure);
        }
    }
}

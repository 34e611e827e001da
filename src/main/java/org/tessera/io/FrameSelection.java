package org.tessera.io;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Which opened files are frames of this run: never a file Tessera wrote (a rerun in the frames
 * folder must not stack its own mosaic and master tiles), and only frames of one colour layout (a
 * mono frame among colour frames cannot share their stack, so it is set aside alone, by name,
 * instead of failing its whole tile).
 */
public final class FrameSelection {
    private FrameSelection() {}

    /** The card every FITS file Tessera writes carries: {@code ORIGIN = 'Tessera'}. */
    public static final String ORIGIN_KEY = "ORIGIN", ORIGIN_VALUE = "Tessera";

    /**
     * True for a file Tessera wrote: {@code ORIGIN = 'Tessera'}, or (files of versions before the
     * marker) a master tile's or Grid tile's own cards.
     */
    public static boolean writtenByTessera(Map<String, String> keys) {
        String origin = keys.get(ORIGIN_KEY);
        if (origin != null && origin.trim().equalsIgnoreCase(ORIGIN_VALUE)) return true;
        return keys.containsKey("MT_NFRAMES") && (keys.containsKey("ZMT_EMPT") || keys.containsKey("GRID_ID"));
    }

    /**
     * {@link #writtenByTessera(Map)} of the file {@code fits}; a file that cannot be read as FITS is
     * not Tessera's (a scan deciding what to move aside leaves it where it is).
     */
    public static boolean writtenByTessera(Path fits) {
        try {
            return writtenByTessera(FitsFrame.open(fits).keys());
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /** Why a coverage map is no image to coadd, and what to give instead. */
    public static final String COVERAGE_MAP_REASON = "a coverage map Tessera wrote (CONTENT = 'coverage: sum of weights'),"
            + " not an image: coadd the images themselves, e.g. the master_tiles folder of a mosaic run";

    /**
     * The images to coadd without Tessera's coverage maps ({@code CONTENT = 'coverage: …'}), each named
     * in {@code setAside}: a folder holding an earlier run's outputs (a mosaic run's own folder given to
     * Reproject and Coadd instead of its master_tiles) coadded the sum of weights as an image (refused
     * only when its channel count differed from the mosaic's: "mosaic_coverage.fits has 1 channels but
     * mosaic.fits has 3").
     */
    public static <F extends FitsFrame> List<F> withoutCoverageMaps(List<F> images, List<FrameScanner.Problem> setAside) {
        List<F> out = new ArrayList<>();
        for (F f : images) {
            String content = f.keys().get("CONTENT");
            if (writtenByTessera(f.keys()) && content != null && content.trim().toLowerCase(Locale.ROOT).startsWith("coverage"))
                setAside.add(new FrameScanner.Problem(f.path(), COVERAGE_MAP_REASON));
            else out.add(f);
        }
        return out;
    }

    /** Why a ZeMosaic master tile is no frame of a mosaic or stack, and what to do with it. */
    public static final String ZEMOSAIC_TILE_REASON = "a master tile written by ZeMosaic (ZMT_* cards), not a raw frame: "
            + "assemble master tiles with 'tessera reproject OUTPUT tiles...' (Fiji: Reproject and Coadd)";

    /**
     * True for a master tile written by the original program (ZeMosaic): its {@code ZMT_TYPE} card
     * ('Master Tile') or its frame counts {@code ZMT_NALGN}/{@code ZMT_NRAW}. Stacking such a tile
     * again as a raw frame would weight it as one exposure; Phase 5 alone is its use.
     */
    public static boolean zeMosaicMasterTile(Map<String, String> keys) {
        String type = keys.get("ZMT_TYPE");
        if (type != null && type.toLowerCase(Locale.ROOT).contains("master tile")) return true;
        return keys.containsKey("ZMT_NALGN") || keys.containsKey("ZMT_NRAW");
    }

    /**
     * The frames of the most common channel count (colour wins a tie); each other frame goes to
     * {@code setAside} with the reason.
     */
    public static <F extends FitsFrame> List<F> oneChannelLayout(List<F> frames, List<FrameScanner.Problem> setAside) {
        Map<Integer, Integer> counts = new TreeMap<>();
        for (F f : frames) counts.merge(f.channels(), 1, Integer::sum);
        if (counts.size() <= 1) return frames;
        int keep = -1, best = -1;
        for (Map.Entry<Integer, Integer> e : counts.entrySet())
            if (e.getValue() >= best) { best = e.getValue(); keep = e.getKey(); } // ascending keys: ties go to more channels
        List<F> out = new ArrayList<>();
        for (F f : frames) {
            if (f.channels() == keep) { out.add(f); continue; }
            setAside.add(new FrameScanner.Problem(f.path(), String.format(Locale.ROOT,
                    // the words of every job: a stack's or Grid run's frames were told "one mosaic needs …"
                    "%s frame among %d %s frame(s): frames of different colour layouts are not stacked together, "
                            + "so it is set aside",
                    layout(f.channels()), best, layout(keep))));
        }
        return out;
    }

    private static String layout(int channels) {
        return channels == 1 ? "mono (1-channel)" : channels == 3 ? "colour (3-channel)" : channels + "-channel";
    }
}

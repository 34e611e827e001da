package org.tessera.reproject;

import java.io.IOException;
import java.nio.file.Path;

import org.tessera.Progress;
import org.tessera.config.Config;
import org.tessera.image.RowSink;
import org.tessera.io.PreviewBlocks;
import org.tessera.io.PreviewPng;

/**
 * The PNG preview ({@code preview_png_*}) of a mosaic taken on its way to the file, instead of
 * reading the finished mosaic and coverage back ({@link CoaddFiles#preview}): the preview's block
 * means ({@link PreviewBlocks}) are taken from the coverage's bands as the coadd writes them, and
 * from the mosaic's final data as they are written: the coadd's bands when there is no background
 * extraction, the corrected bands when the extraction removes its model in place
 * ({@link CoaddBackground#beforeClose(nom.tam.fits.Header, int, RowSink)}) or by the rewrite after
 * the file closed (its header needed another block). The PNG is the one the read-back gives, byte
 * for byte. The mosaic is read back (the coverage never) where the file holds the coadd's bands
 * although the extraction ran: it found no model, or it failed and the coadd was kept (rare;
 * taking the coadd's bands too, in case, would hold a second set of block means during every
 * coadd). Memory: one or two sets of the preview's planes (the coverage's and the mosaic's), never
 * the mosaic.
 */
public final class CoaddPreview {

    private final Config config;
    private final int width;
    private final int height;
    private final int channels;
    /** The coverage's block means; null when the preview is off. */
    private final PreviewBlocks coverage;
    /** The coadd's mosaic bands' block means; null when the preview is off or the extraction runs. */
    private final PreviewBlocks coadded;
    /** The corrected bands' block means, made when the extraction asks for its sink. */
    private PreviewBlocks corrected;

    /**
     * For a mosaic of this shape, with {@code config}'s {@code preview_png_*} keys.
     *
     * @param extraction whether the background extraction ({@link CoaddBackground}) runs on it
     */
    public CoaddPreview(Config config, int width, int height, int channels, boolean extraction) {
        this.config = config;
        this.width = width;
        this.height = height;
        this.channels = channels;
        boolean on = config.getBoolean("preview_png_enabled");
        int maxDim = config.getInt("preview_png_max_dim");
        coverage = on ? PreviewBlocks.coverage(width, height, maxDim) : null;
        coadded = on && !extraction ? new PreviewBlocks(width, height, channels, maxDim, true) : null; // FROM_NAN ALPHA
    }

    /** Where the coadd writes the mosaic's bands: {@code to}, then the preview. */
    public RowSink mosaic(RowSink to) {
        return tee(to, coadded);
    }

    /** Where the coadd writes the coverage's bands: {@code to}, then the preview. */
    public RowSink coverage(RowSink to) {
        return tee(to, coverage);
    }

    /**
     * Where the background extraction's corrected bands go (null when the preview is off); made at
     * this call, once the coadd's own buffers are gone.
     */
    public RowSink corrected() {
        if (coverage == null) return null;
        if (corrected == null)
            corrected = new PreviewBlocks(width, height, channels, config.getInt("preview_png_max_dim"), true);
        return corrected;
    }

    private static RowSink tee(RowSink to, RowSink blocks) {
        if (blocks == null) return to;
        return (y0, rows, src) -> {
            to.writeRows(y0, rows, src);
            blocks.writeRows(y0, rows, src);
        };
    }

    /**
     * Every file closed: writes the preview {@code png} (null when it is off) from the bands that
     * made the mosaic's final data, or from the files where they were not taken.
     *
     * @param bgOrNull the background extraction, null when it is off
     */
    public Path write(CoaddBackground bgOrNull, Path mosaic, Path coverageFile, Path png, Progress progress)
            throws IOException {
        PreviewBlocks image = coverage == null ? null // off: CoaddFiles.preview says so
                : bgOrNull == null ? coadded
                : bgOrNull.applied() ? corrected
                : null; // no model, or the extraction failed: the coadd's file, read back
        if (image == null) return CoaddFiles.preview(mosaic, coverageFile, png, config, progress);
        progress.update(0, "preview");
        PreviewPng.write(image, coverage, png, config.getDouble("preview_png_p_low"), config.getDouble("preview_png_p_high"),
                config.getDouble("preview_png_asinh_a"));
        progress.update(1, "preview written");
        return png;
    }
}

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
 * means ({@link PreviewBlocks}) are taken from the coadd's mosaic and coverage bands as they are
 * written and, when the background extraction corrects the file in place, from the corrected
 * bands ({@link CoaddBackground#beforeClose(nom.tam.fits.Header, int, RowSink)}). The PNG is the
 * one the read-back gives, byte for byte. Where the extraction had to rewrite the file (its header
 * did not fit in place) the preview reads the file back as before. Memory: the preview's planes
 * (two sets for the mosaic while the extraction runs: the coadd's and the corrected ones).
 */
public final class CoaddPreview {

    private final Config config;
    /** Null when the preview is off. */
    private final PreviewBlocks coadded;
    private final PreviewBlocks corrected;
    private final PreviewBlocks coverage;

    /** For a mosaic of this shape, with {@code config}'s {@code preview_png_*} keys. */
    public CoaddPreview(Config config, int width, int height, int channels) {
        this.config = config;
        if (config.getBoolean("preview_png_enabled")) {
            int maxDim = config.getInt("preview_png_max_dim");
            coadded = new PreviewBlocks(width, height, channels, maxDim, true); // FROM_NAN ALPHA, as the mosaic
            corrected = new PreviewBlocks(width, height, channels, maxDim, true);
            coverage = new PreviewBlocks(width, height, 1, maxDim, false); // no ALPHA
        } else {
            coadded = corrected = coverage = null;
        }
    }

    /** Where the coadd writes the mosaic's bands: {@code to}, then the preview. */
    public RowSink mosaic(RowSink to) {
        return tee(to, coadded);
    }

    /** Where the coadd writes the coverage's bands: {@code to}, then the preview. */
    public RowSink coverage(RowSink to) {
        return tee(to, coverage);
    }

    /** Where the background extraction's corrected bands go (null when the preview is off). */
    public RowSink corrected() {
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
     * made the mosaic's final data, or, where the extraction rewrote the file, from the file.
     *
     * @param bgOrNull the background extraction, null when it is off
     */
    public Path write(CoaddBackground bgOrNull, Path mosaic, Path coverageFile, Path png, Progress progress)
            throws IOException {
        PreviewBlocks image = coadded == null ? null
                : bgOrNull == null || bgOrNull.leftAsCoadded() ? coadded
                : bgOrNull.appliedInPlace() ? corrected
                : null; // rewritten after the coadd: read back
        if (image == null) return CoaddFiles.preview(mosaic, coverageFile, png, config, progress);
        progress.update(0, "preview");
        PreviewPng.write(image, coverage, png, config.getDouble("preview_png_p_low"), config.getDouble("preview_png_p_high"),
                config.getDouble("preview_png_asinh_a"));
        progress.update(1, "preview written");
        return png;
    }
}

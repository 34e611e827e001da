package org.tessera.reproject;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Logger;

import nom.tam.fits.Header;
import nom.tam.fits.HeaderCardException;

import org.tessera.Progress;
import org.tessera.config.Config;
import org.tessera.io.FitsFrame;
import org.tessera.io.FitsImageWriter;
import org.tessera.io.FrameSelection;
import org.tessera.io.PreviewPng;
import org.tessera.wcs.WcsGrid;

/**
 * The coadd written to files, as every mosaic of Tessera is (Classic mode's {@code mosaic.fits},
 * Grid mode's {@code mosaic_grid.fits}): the mosaic (float32 with WCS and an {@code ALPHA}
 * extension where it holds data), the coverage (Σ weights) and a PNG preview with the
 * {@code preview_png_*} keys. The FITS files are streamed band by band into temp files renamed
 * when complete; a failure removes both, so no partial mosaic is ever left. A failure of the final
 * background extraction keeps the coadd, without it, and says so in {@link Written#warning()}
 * ({@link CoaddBackground}).
 */
public final class CoaddFiles {
    private CoaddFiles() {}

    private static final Logger LOG = Logger.getLogger("org.tessera.reproject");

    /** File names of the three outputs in their folder. */
    public record Names(String mosaic, String coverage, String preview) {
        /** The three names, mosaic first. */
        public List<String> all() {
            return List.of(mosaic, coverage, preview);
        }
    }

    /**
     * What was written, and the coadd's report; {@code warning}: null, or why the mosaic was kept
     * without its background extraction ({@link CoaddBackground#warning()}), for the run's outcome.
     */
    public record Written(Path mosaic, Path coverage, Path preview, ReprojectCoadd.Result result, String warning) {}

    /**
     * Coadds {@code inputs} onto {@code grid} (cropped to what they cover) into {@code dir}. The
     * mosaic's header holds the observation cards ({@link MosaicProvenance}), with {@code EXPTIME}
     * the exposure the coadd put tiles of other exposures on, where it did ({@link CoaddPlan#exposure}).
     *
     * @param what    the mosaic's {@code CONTENT} card, e.g. "mosaic"
     * @param coadd   progress of the coadd
     * @param preview progress of the preview
     */
    public static Written write(List<CoaddInput> inputs, WcsGrid grid, CoaddParams params, Path dir, Names names,
                                String what, Config config, Progress coadd, Progress preview) throws IOException {
        return write(inputs, grid, params, dir, names, what, config, coadd, preview, CpuBandCoadder.INSTANCE);
    }

    /** {@link #write(List, WcsGrid, CoaddParams, Path, Names, String, Config, Progress, Progress)} with the bands made by {@code backend}. */
    public static Written write(List<CoaddInput> inputs, WcsGrid grid, CoaddParams params, Path dir, Names names,
                                String what, Config config, Progress coadd, Progress preview, BandCoadder backend)
            throws IOException {
        return write(inputs, grid, params, dir, names, what, config, coadd, preview, backend, ReprojectCoadd.Bands.LOCAL);
    }

    /** {@link #write(List, WcsGrid, CoaddParams, Path, Names, String, Config, Progress, Progress, BandCoadder)} with the bands coadded by {@code bands} (a cluster's executors). */
    public static Written write(List<CoaddInput> inputs, WcsGrid grid, CoaddParams params, Path dir, Names names,
                                String what, Config config, Progress coadd, Progress preview, BandCoadder backend,
                                ReprojectCoadd.Bands bands) throws IOException {
        return write(inputs, grid, params, dir, names, what, config, coadd, preview, backend, bands, MosaicProvenance.of(inputs));
    }

    /**
     * {@link #write(List, WcsGrid, CoaddParams, Path, Names, String, Config, Progress, Progress, BandCoadder, ReprojectCoadd.Bands)}
     * with the mosaic's observation cards given: those of the frames when the inputs are tiles that
     * share frames (Grid mode's overlapping tiles), where summing the tiles' cards would count a
     * frame more than once.
     */
    public static Written write(List<CoaddInput> inputs, WcsGrid grid, CoaddParams params, Path dir, Names names,
                                String what, Config config, Progress coadd, Progress preview, BandCoadder backend,
                                ReprojectCoadd.Bands bands, MosaicProvenance about) throws IOException {
        return write(inputs, grid, params, dir, names, what, config, coadd, preview, backend, bands, about, CoaddBackground.steps());
    }

    /** The full write, with the background extraction's steps given (tests make one fail). */
    static Written write(List<CoaddInput> inputs, WcsGrid grid, CoaddParams params, Path dir, Names names,
                         String what, Config config, Progress coadd, Progress preview, BandCoadder backend,
                         ReprojectCoadd.Bands bands, MosaicProvenance about, CoaddBackground.Steps dbeSteps) throws IOException {
        Path mosaic = dir.resolve(names.mosaic()), coverage = dir.resolve(names.coverage());
        List<FitsImageWriter> open = new ArrayList<>();
        CoaddBackground[] bg = {null}; // the background extraction, done on the way to the file
        CoaddPreview[] pv = {null}; // the preview's block means, taken on the way to the file too
        MosaicProvenance[] unit = {about}; // the cards in the unit the plan put the tiles in: the header's every writing
        ReprojectCoadd.Result res;
        try {
            res = ReprojectCoadd.run(inputs, grid, params, plan -> {
                WcsGrid g = plan.grid();
                int channels = plan.channels();
                unit[0] = about.inUnitOf(plan.exposure());
                FitsImageWriter m = mosaicWriter(config, mosaic, g.width(), g.height(), channels, header(g, inputs.size(), what, unit[0]));
                open.add(m);
                FitsImageWriter c = new FitsImageWriter(coverage, g.width(), g.height(), 1,
                        header(g, inputs.size(), "coverage: sum of weights"), FitsImageWriter.AlphaMode.NONE);
                open.add(c);
                bg[0] = background(config, m, g.width(), g.height(), channels, dbeSteps);
                pv[0] = new CoaddPreview(config, g.width(), g.height(), channels, bg[0] != null);
                return new ReprojectCoadd.Sinks(pv[0].mosaic(bg[0] == null ? m : bg[0].sink()), pv[0].coverage(c));
            }, coadd, backend, bands);
            // Throws only when the file must not be kept (its pixels half corrected) or on the cancel;
            // a failed fit keeps the coadd (bg.warning() says why).
            // The header as written when the sinks opened.
            if (bg[0] != null) bg[0].beforeClose(header(res.grid(), inputs.size(), what, unit[0]),
                    params.workers(), pv[0].corrected());
            for (FitsImageWriter w : open) w.close();
        } catch (IOException | RuntimeException | Error e) {
            for (FitsImageWriter w : open) w.abort();
            throw e;
        }
        if (bg[0] != null) // a failure keeps the mosaic
            bg[0].afterClose(header(res.grid(), inputs.size(), what, unit[0]));
        Path png = pv[0] == null ? preview(mosaic, coverage, dir.resolve(names.preview()), config, preview)
                : pv[0].write(bg[0], mosaic, coverage, dir.resolve(names.preview()), preview);
        return new Written(mosaic, coverage, png, res, bg[0] == null ? null : bg[0].warning());
    }

    /**
     * The writer of a mosaic ({@code FROM_NAN} ALPHA) with the header {@code keys}; where the final
     * background extraction runs on it ({@code final_mosaic_dbe_enabled}), with room in that
     * header for the cards the extraction adds ({@link CoaddBackground#HEADER_CARDS}), so that
     * {@link CoaddBackground} writes them, and removes the model, in place whatever the header's
     * length. DBE off: the header of {@code keys} alone.
     */
    public static FitsImageWriter mosaicWriter(Config config, Path mosaic, int width, int height, int channels, Header keys)
            throws IOException {
        return new FitsImageWriter(mosaic, width, height, channels, keys, FitsImageWriter.AlphaMode.FROM_NAN,
                FinalBackground.Params.fromConfig(config).enabled() ? CoaddBackground.HEADER_CARDS : 0);
    }

    private static final String DBE_OFF = "[DBE] skipped: disabled by config (final_mosaic_dbe_enabled=false)";

    /**
     * The final background extraction ({@code final_mosaic_dbe_*}) of a mosaic on its way to
     * {@code mosaic} (a FROM_NAN writer): the coadd writes to its {@link CoaddBackground#sink()},
     * calls {@link CoaddBackground#beforeClose} before the writer closes and
     * {@link CoaddBackground#afterClose} after; then {@link CoaddPreview#write} (or {@link #preview}). Null (and logged) when
     * {@code final_mosaic_dbe_enabled} is false.
     */
    public static CoaddBackground background(Config config, FitsImageWriter mosaic, int width, int height, int channels) {
        return background(config, mosaic, width, height, channels, CoaddBackground.steps());
    }

    static CoaddBackground background(Config config, FitsImageWriter mosaic, int width, int height, int channels,
                                      CoaddBackground.Steps steps) {
        FinalBackground.Params dbe = FinalBackground.Params.fromConfig(config);
        if (dbe.enabled()) return new CoaddBackground(dbe, mosaic, width, height, channels, steps);
        LOG.info(DBE_OFF);
        return null;
    }

    /**
     * The PNG preview of a finished mosaic ({@code preview_png_*}), read from its files; null when
     * it is off. A coadd takes it on the way to the file instead ({@link CoaddPreview}).
     */
    public static Path preview(Path mosaic, Path coverage, Path previewPng, Config config, Progress preview)
            throws IOException {
        Path png = null;
        if (config.getBoolean("preview_png_enabled")) {
            png = previewPng;
            preview.update(0, "preview");
            PreviewPng.write(FitsFrame.open(mosaic), FitsFrame.open(coverage), png,
                    config.getDouble("preview_png_p_low"), config.getDouble("preview_png_p_high"),
                    config.getDouble("preview_png_asinh_a"), config.getInt("preview_png_max_dim"));
        }
        preview.update(1, png == null ? "preview off (preview_png_enabled = false)" : "preview written");
        return png;
    }

    /**
     * An input of the coadd from a FITS image: its pixels, ALPHA and WCS, weighted by its frame
     * count, with its exposure when it is a stack Tessera wrote ({@link #tileExposure}).
     */
    public static CoaddInput input(FitsFrame f) {
        return new CoaddInput(f.name(), f, f.alpha(), f.wcs(), nFrames(f), tileExposure(f));
    }

    /**
     * An input of the coadd from a light frame of Phase 1 (SDS's batches, coadded straight onto the
     * global grid): as {@link #input}, with the exposure its pixels are counts of
     * ({@link #frameExposure}), so that the photometric match's exposure prior puts frames of other
     * sub-exposures on one, as it puts master tiles of them on one in Classic.
     */
    public static CoaddInput frameInput(FitsFrame f) {
        double n = nFrames(f);
        return new CoaddInput(f.name(), f, f.alpha(), f.wcs(), n, frameExposure(f, n));
    }

    /**
     * The exposure (s) a light frame's pixels are counts of: its {@code EXPTIME} (or
     * {@code EXPOSURE}, {@link MosaicProvenance#commonExposure}); a stack Tessera wrote as
     * {@link #tileExposure}. NaN where it gives none, or where it is a stack of another program
     * ({@code frames}, its count in {@link #FRAME_COUNT_KEYS}, or one in {@code NEXP},
     * {@code STACKCNT} or {@code NEXP_SUM}, above 1), whose {@code EXPTIME} may be a total: never
     * rescaled by a guess.
     */
    static double frameExposure(FitsFrame f, double frames) {
        if (byTessera(f)) return tileExposure(f);
        if (frames != 1 || MosaicProvenance.exposures(f) != 1) return Double.NaN;
        return MosaicProvenance.commonExposure(List.of(f));
    }

    /** Whether Tessera wrote {@code f} (its {@code ORIGIN}): a stack whose {@code EXPTIME} is one frame's, the unit of its mean. */
    private static boolean byTessera(FitsFrame f) {
        return FrameSelection.ORIGIN_VALUE.equalsIgnoreCase(String.valueOf(f.keys().get(FrameSelection.ORIGIN_KEY)).trim());
    }

    /**
     * The exposure (s) a stack Tessera wrote (ORIGIN 'Tessera': master tile, Grid tile, mosaic) is
     * counts per: its {@code EXPTIME}, one frame's exposure, the unit of its mean (a stack of 20 s
     * frames holds twice the counts of one of 10 s frames). NaN for any other image, whose
     * {@code EXPTIME} may be a total or its pixels already per second.
     */
    public static double tileExposure(FitsFrame f) {
        if (!byTessera(f)) return Double.NaN;
        String v = f.keys().get("EXPTIME");
        if (v == null) return Double.NaN;
        try {
            double e = Double.parseDouble(v.trim());
            return e > 0 && Double.isFinite(e) ? e : Double.NaN;
        } catch (NumberFormatException e) {
            return Double.NaN;
        }
    }

    /**
     * The header cards that give a tile's frame count, in the order the original reads them: Tessera
     * and ZeMosaic write {@code MT_NFRAMES}; ZeMosaic's master tiles also carry {@code ZMT_NALGN}
     * (frames aligned and stacked) and {@code ZMT_NRAW} (frames in the group), older ones only
     * {@code NRAWPROC}/{@code NRAWINIT}. The first card holding a finite count &gt; 0 wins.
     */
    public static final List<String> FRAME_COUNT_KEYS = List.of("MT_NFRAMES", "ZMT_NALGN", "ZMT_NRAW", "NRAWPROC", "NRAWINIT");

    /** The frame count of a master or Grid tile (the tile weight, {@link #FRAME_COUNT_KEYS}), 1 for any other image. */
    static double nFrames(FitsFrame f) {
        for (String key : FRAME_COUNT_KEYS) {
            String v = f.keys().get(key);
            if (v == null) continue;
            try {
                double n = Double.parseDouble(v.trim());
                if (n > 0 && Double.isFinite(n)) return n;
            } catch (NumberFormatException e) {
                // not a count: the next card may hold one
            }
            LOG.warning("[P5] " + f.name() + ": " + key + "='" + v + "' is not a frame count > 0, ignored for the tile weight");
        }
        return 1;
    }

    /** {@link #header(WcsGrid, int, String)} of a mosaic, with what its images tell of the observation. */
    public static Header header(WcsGrid g, int images, String what, MosaicProvenance about) throws IOException {
        Header h = header(g, images, what);
        try {
            return about.addTo(h);
        } catch (HeaderCardException e) {
            throw new IOException("cannot build output header: " + e.getMessage(), e);
        }
    }

    /** The header of a mosaic or coverage file: the grid's WCS, the origin, NTILES and CONTENT. */
    public static Header header(WcsGrid g, int images, String what) throws IOException {
        Header h = new Header();
        try {
            g.wcs().writeTo(h);
            h.addValue(FrameSelection.ORIGIN_KEY, FrameSelection.ORIGIN_VALUE, "software");
            h.addValue("NTILES", images, "images coadded");
            h.addValue("CONTENT", what, null);
        } catch (HeaderCardException e) {
            throw new IOException("cannot build output header: " + e.getMessage(), e);
        }
        return h;
    }
}

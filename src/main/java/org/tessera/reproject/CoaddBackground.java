package org.tessera.reproject;

import java.io.IOException;

import nom.tam.fits.Header;

import org.tessera.image.RowSink;
import org.tessera.io.FitsImageWriter;

/**
 * The final background extraction ({@link FinalBackground}) of a mosaic while the coadd writes it:
 * the same result, byte for byte, as {@link FinalBackground#applyToFile} on the finished file, for
 * less. The cell medians are taken from the bands on their way to the file ({@link #sink}), in the
 * coadd's worker threads, instead of reading the mosaic back; the model is fitted once every band
 * is in; the correction is applied in place to the writer's temporary file before it is renamed
 * ({@link #beforeClose}), in parallel bands, instead of reading the finished file and writing a
 * second one. So the mosaic appears once, with its background removed, and nothing is lost when
 * the run stops half way (the temporary file is removed as before). Memory: the cell grid, and
 * the few cell rows that a band edge cuts until their other part arrives.
 */
public final class CoaddBackground {

    private final FinalBackground.Params params;
    private final FitsImageWriter mosaic;
    private final CellMedians cells;
    private FinalBackground.Model model;
    private long t0;
    private boolean inPlace;

    /** @param mosaic the mosaic's writer, with {@link FitsImageWriter.AlphaMode#FROM_NAN} */
    public CoaddBackground(FinalBackground.Params params, FitsImageWriter mosaic, int width, int height, int channels) {
        this.params = params;
        this.mosaic = mosaic;
        // FROM_NAN: a pixel not finite in every channel reads back NaN in all of them.
        this.cells = new CellMedians(width, height, channels, params.cellPx(), true);
    }

    /** Where the coadd writes the mosaic's bands: the file, and the samples. */
    public RowSink sink() {
        return (y0, rows, src) -> {
            mosaic.writeRows(y0, rows, src);
            cells.writeRows(y0, rows, src);
        };
    }

    /**
     * Every band written, the writer still open: fits the model and removes it from the file in
     * place on {@code threads} threads (header {@code header} plus {@code DBE = T}).
     */
    public void beforeClose(Header header, int threads) throws IOException {
        beforeClose(header, threads, null);
    }

    /**
     * As {@link #beforeClose(Header, int)}; the corrected bands also go to {@code corrected} (null:
     * nowhere) as they are written in place, so that the preview needs no read of the file.
     */
    public void beforeClose(Header header, int threads, RowSink corrected) throws IOException {
        t0 = System.nanoTime();
        model = FinalBackground.fit(cells, params);
        if (model.empty()) FinalBackground.skipped(mosaic.target());
        else inPlace = FinalBackground.applyInPlace(mosaic, header, model, params, threads, t0, corrected);
    }

    /** After {@link #beforeClose}: the model was removed in place, every corrected band went to its {@code corrected} sink. */
    public boolean appliedInPlace() {
        return inPlace;
    }

    /**
     * The writer closed: where the header with the DBE cards did not fit in the place of the
     * coadd's (a header at the end of a 2880-byte block), the file is rewritten as
     * {@link FinalBackground#applyToFile} does, with the model already fitted.
     */
    public void afterClose(Header header) throws IOException {
        if (model != null && !model.empty() && !inPlace) FinalBackground.rewrite(mosaic.target(), header, model, params, t0);
    }
}

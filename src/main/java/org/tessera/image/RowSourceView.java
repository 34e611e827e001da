package org.tessera.image;

import java.util.Objects;

/**
 * A view of a source on the source's own pixels: its width, height, channels, footprint and name
 * are the source's, and a subclass says in {@link #readRows} alone how its rows differ (a level added per
 * channel, a background subtracted, each band copied elsewhere as it is read, rows served again
 * from a spool file). Consumers then see the view wherever they would see the source, and a frame
 * the stack drops through a view is still named by its file.
 * <p>
 * The shape is final, since the stack core checks its frames against each other by it; the name
 * may be replaced. A view that puts the source on another grid (resampled, shifted or padded:
 * {@code reproject.ReprojectedSource}, {@code reproject.ShiftedSource}, {@code tiles.PaddedSource})
 * has a shape of its own and is not one of these.
 */
public abstract class RowSourceView implements RowSource {

    /** The source this view reads through. */
    protected final RowSource source;

    protected RowSourceView(RowSource source) {
        this.source = Objects.requireNonNull(source, "source");
    }

    @Override public final int width() { return source.width(); }
    @Override public final int height() { return source.height(); }
    @Override public final int channels() { return source.channels(); }
    @Override public String name() { return source.name(); }
    @Override public long footprintPixels() { return source.footprintPixels(); }
}

package org.tessera.tiles;

import java.io.IOException;

import org.tessera.image.RowSource;

/** A source that answers {@link #toString()} with its frame's name, so stack messages name it. */
final class NamedSource implements RowSource {
    private final RowSource src;
    private final String name;

    NamedSource(RowSource src, String name) {
        this.src = src;
        this.name = name;
    }

    @Override public int width() { return src.width(); }
    @Override public int height() { return src.height(); }
    @Override public int channels() { return src.channels(); }

    @Override
    public void readRows(int y0, int rows, float[][] dst) throws IOException {
        src.readRows(y0, rows, dst);
    }

    @Override
    public String toString() { return name; }
}

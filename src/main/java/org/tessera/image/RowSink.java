package org.tessera.image;

import java.io.IOException;

/** Receives an image band by band, in any order, from one or several threads. */
public interface RowSink {

    /** Writes rows {@code [y0, y0 + rows)}; layout as in {@link RowSource#readRows}. */
    void writeRows(int y0, int rows, float[][] src) throws IOException;
}

package org.tessera.solve;

import java.io.IOException;
import java.nio.file.Path;

import org.tessera.image.RowSource;
import org.tessera.io.FitsFrame;
import org.tessera.io.FitsImageWriter;

/**
 * The file a solver reads for a frame. A 2-D image in the primary HDU (every camera's raw frame,
 * Bayer or mono) is given as it is: the solver only reads it, and its pixel grid is the frame's.
 * A colour cube or an image in an extension is first written as a float32 luminance (the mean of
 * the channels, same pixel grid) into the work folder, since solvers read the primary HDU only.
 */
final class SolveImage {

    private SolveImage() {}

    static Path forSolver(FitsFrame f, Path workDir) throws IOException {
        if (f.imageInPrimaryHdu() && (f.bayerPattern() != null || f.channels() == 1)) return f.path();
        Path lum = workDir.resolve("luminance.fits");
        FitsImageWriter.write(lum, luminance(f), null, FitsImageWriter.AlphaMode.NONE);
        return lum;
    }

    /** The mean of a frame's channels, read band by band. */
    static RowSource luminance(FitsFrame f) {
        return new RowSource() {
            @Override public int width() { return f.width(); }
            @Override public int height() { return f.height(); }
            @Override public int channels() { return 1; }

            @Override
            public void readRows(int y0, int rows, float[][] dst) throws IOException {
                float[][] band = f.newBand(rows);
                f.readRows(y0, rows, band);
                int n = rows * f.width(), nc = band.length;
                for (int i = 0; i < n; i++) {
                    float s = 0;
                    for (float[] c : band) s += c[i];
                    dst[0][i] = s / nc;
                }
            }
        };
    }
}

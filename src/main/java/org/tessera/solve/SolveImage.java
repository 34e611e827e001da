package org.tessera.solve;

import java.io.IOException;
import java.nio.file.Path;

import org.tessera.detect.Luminance;
import org.tessera.io.FitsFrame;
import org.tessera.io.FitsImageWriter;

/**
 * The file a solver reads for a frame. A 2-D image in the primary HDU (every camera's raw frame,
 * Bayer or mono) is given as it is: the solver only reads it, and its pixel grid is the frame's.
 * A colour cube or an image in an extension is first written as a float32 luminance ({@link Luminance},
 * same pixel grid) into the work folder, since solvers read the primary HDU only.
 */
final class SolveImage {

    private SolveImage() {}

    static Path forSolver(FitsFrame f, Path workDir) throws IOException {
        if (f.imageInPrimaryHdu() && (f.bayerPattern() != null || f.channels() == 1)) return f.readableFile(); // a compressed file's decompressed copy
        Path lum = workDir.resolve("luminance.fits");
        FitsImageWriter.write(lum, Luminance.of(f), null, FitsImageWriter.AlphaMode.NONE);
        return lum;
    }
}

package org.tessera.bench.e2e;

import java.nio.file.Path;

import org.tessera.synth.SyntheticSky;

/**
 * The e2e benchmark's first night of 40 frames (4 pointings of 10, alt-az field rotation) drawn
 * with their WCS, as FITS frames the pipeline reads directly (no plate solve), and its stars as
 * drawn ({@code truth_stars.csv}): the set of docs/benchmarks.md, "Accuracy of the mosaics".
 * A nebula peak of 0 draws the same frames without the nebula. Not a test.
 *
 * <pre>java ... org.tessera.bench.e2e.E2eWcsFrames FRAMES_DIR TRUTH_CSV [NEBULA_PEAK]</pre>
 */
public final class E2eWcsFrames {
    private E2eWcsFrames() {}

    public static void main(String[] args) throws Exception {
        if (args.length < 2) {
            System.err.println("usage: E2eWcsFrames FRAMES_DIR TRUTH_CSV [NEBULA_PEAK]");
            System.exit(2);
        }
        SyntheticSky sky = E2eFrames.night(0, 10);
        if (args.length > 2) sky.nebula(Double.parseDouble(args[2]));
        sky.writeFits(Path.of(args[0]));
        sky.writeTruthStars(Path.of(args[1]));
    }
}

package org.tessera.bench.science;

import java.nio.file.Path;

import org.tessera.synth.DefaultSky;
import org.tessera.synth.SyntheticSky;

/**
 * The built-in sky's 20 frames as FITS files, and its stars as drawn (truth_stars.csv: RA, Dec,
 * flux per channel in ADU per exposure at unit gain), for bench/science/run.sh: the same frames
 * through Classic, SDS and Grid mode, their mosaics checked against the truth.
 *
 * <pre>java ... org.tessera.bench.science.DemoSkyFiles FRAMES_DIR TRUTH_CSV</pre>
 */
public final class DemoSkyFiles {
    private DemoSkyFiles() {}

    public static void main(String[] args) throws Exception {
        if (args.length < 2) {
            System.err.println("usage: DemoSkyFiles FRAMES_DIR TRUTH_CSV");
            System.exit(2);
        }
        SyntheticSky sky = DefaultSky.demo();
        sky.writeFits(Path.of(args[0]));
        sky.writeTruthStars(Path.of(args[1]));
    }
}

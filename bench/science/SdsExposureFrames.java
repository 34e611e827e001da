import java.nio.file.Files;
import java.nio.file.Path;

import org.tessera.io.MountMode;
import org.tessera.synth.SyntheticSky;

/**
 * The frames of SdsExposureTest for a run of bin/tessera (docs/benchmarks.md, "Real data audit"):
 * one sky, two panels 50 % apart, 6 frames of 10 s on the left one, 3 of 20 s on the right one,
 * into DIR. Run from a built checkout:
 * {@code java -cp 'target/classes:target/lib/*' bench/science/SdsExposureFrames.java DIR}
 */
public class SdsExposureFrames {
    static SyntheticSky sky(double seconds) {
        return new SyntheticSky().seed(20261207L).object("SDS exposures").centre(150.0, 40.0)
                .panels(2, 1).overlap(0.5).framesPerPanel(6).frameSize(400, 300).pixelScale(2.4)
                .mount(MountMode.EQ).dither(4).psfFwhm(3.5).gradient(0).starDensity(2.0).starFlux(300, 60000, 0.5)
                .gainVariation(0).transparencyVariation(0).offsetVariation(20).exposure(seconds)
                .output(SyntheticSky.Output.RGB_FLOAT);
    }

    public static void main(String[] args) throws Exception {
        Path out = Files.createDirectories(Path.of(args[0]));
        Path tmp = Files.createTempDirectory("sdsexp");
        for (Path f : sky(10).writeFits(tmp.resolve("10")))
            if (f.getFileName().toString().contains("_p1_")) Files.move(f, out.resolve(f.getFileName()));
        for (Path f : sky(20).writeFits(tmp.resolve("20")))
            if (f.getFileName().toString().matches(".*_p2_00[1-3]_.*")) Files.move(f, out.resolve(f.getFileName()));
        try (var left = Files.walk(tmp)) { // the frames not used
            for (Path p : left.sorted(java.util.Comparator.reverseOrder()).toList()) Files.delete(p);
        }
    }
}

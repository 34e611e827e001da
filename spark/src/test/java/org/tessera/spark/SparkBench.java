package org.tessera.spark;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.logging.Level;
import java.util.logging.Logger;

import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.tessera.Progress;
import org.tessera.config.Config;
import org.tessera.io.MountMode;
import org.tessera.pipeline.MosaicPipeline;
import org.tessera.synth.DefaultSky;
import org.tessera.synth.SyntheticSky;

/**
 * bench/spark: a synthetic job of N × N panels (64 master tiles by default), run on one machine
 * ({@link MosaicPipeline#mosaic}, best of two) and on Spark with 1 and 2 local task threads; prints each time,
 * the speed-up of 2 over 1 and Spark's overhead against the single-machine run.
 * Arguments: WORK_DIR [PANELS_PER_SIDE] [FRAMES_PER_PANEL].
 */
public final class SparkBench {
    private SparkBench() {}

    public static void main(String[] args) throws Exception {
        Path work = Path.of(args[0]).toAbsolutePath();
        int side = args.length > 1 ? Integer.parseInt(args[1]) : 8;
        int frames = args.length > 2 ? Integer.parseInt(args[2]) : 3;
        Logger.getLogger("org.tessera").setLevel(Level.WARNING);
        Path in = work.resolve("frames");
        if (!Files.isDirectory(in)) {
            new SyntheticSky().seed(DefaultSky.DEMO_SEED).object("Spark bench").centre(150.0, 40.0)
                    .panels(side, side).overlap(0.25).framesPerPanel(frames).frameSize(320, 240).pixelScale(2.4)
                    .mount(MountMode.EQ).dither(4).writeFits(in);
        }
        Config config = new Config();
        long t0 = System.nanoTime();
        MosaicPipeline.Outcome one = MosaicPipeline.mosaic(List.of(in), work.resolve("one"), config, Progress.NONE);
        double single = (System.nanoTime() - t0) / 1e9;
        // Again, in a warm JVM (the first run also pays the JIT warm-up the later ones do not).
        t0 = System.nanoTime();
        MosaicPipeline.mosaic(List.of(in), work.resolve("one-warm"), config, Progress.NONE);
        single = Math.min(single, (System.nanoTime() - t0) / 1e9);
        double[] spark = new double[3];
        for (int threads : new int[] {1, 2}) {
            try (JavaSparkContext sc = new JavaSparkContext(new SparkConf().setMaster("local[" + threads + "]")
                    .setAppName("tessera-bench").set("spark.ui.enabled", "false"))) {
                sc.setLogLevel("WARN");
                long t = System.nanoTime();
                new SparkMosaic(sc).mosaic(List.of(in), work.resolve("spark" + threads), config, Progress.NONE);
                spark[threads] = (System.nanoTime() - t) / 1e9;
            }
        }
        System.out.printf(Locale.ROOT, "%d frames, %d master tiles, %d cores%n", side * side * frames,
                one.masterTiles().size(), Runtime.getRuntime().availableProcessors());
        System.out.printf(Locale.ROOT, "single machine (MosaicPipeline.mosaic, best of 2): %.1f s%n", single);
        System.out.printf(Locale.ROOT, "Spark local[1]: %.1f s (overhead %+.0f%% against the single machine)%n",
                spark[1], 100 * (spark[1] / single - 1));
        System.out.printf(Locale.ROOT, "Spark local[2]: %.1f s, speed-up over local[1] %.2fx (overhead %+.0f%%)%n",
                spark[2], spark[1] / spark[2], 100 * (spark[2] / single - 1));
    }
}

package org.tessera.bench.reproject;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

import org.tessera.Progress;
import org.tessera.config.Config;
import org.tessera.pipeline.MosaicPipeline;
import org.tessera.pipeline.OutputRun;

/**
 * Many small jobs in one JVM, as a Fiji session or a script (scripts/Reproject_Coadd.py) runs them:
 * the same reproject job N times through {@link MosaicPipeline#reproject} with the default config,
 * each into a fresh output folder held by {@link OutputRun}, and the same job by SWarp N times as
 * whole processes, alternating. Prints every job's wall time and the median of the last half
 * (the JVM warmed up) against SWarp's median. Used by bench/reproject/warm.sh.
 * <pre>
 *   WarmJobsBench N WORKDIR SWARP THREADS FILE...
 * </pre>
 */
public final class WarmJobsBench {
    private WarmJobsBench() {}

    public static void main(String[] a) throws Exception {
        if (a.length < 5) {
            System.err.println("usage: WarmJobsBench N WORKDIR SWARP THREADS FILE...");
            System.exit(2);
        }
        int n = Integer.parseInt(a[0]);
        Path work = Path.of(a[1]).toAbsolutePath();
        String swarp = a[2];
        String threads = a[3];
        List<Path> images = Arrays.stream(a, 4, a.length).map(p -> Path.of(p).toAbsolutePath()).toList();
        double[] tessera = new double[n], peer = new double[n];
        for (int i = 0; i < n; i++) {
            // Alternate who goes first, as bench/reproject/launcher.sh does.
            if (i % 2 == 0) {
                tessera[i] = tessera(work.resolve("tessera"), images);
                peer[i] = swarp(work.resolve("swarp"), swarp, threads, images);
            } else {
                peer[i] = swarp(work.resolve("swarp"), swarp, threads, images);
                tessera[i] = tessera(work.resolve("tessera"), images);
            }
            System.out.printf(Locale.ROOT, "job %2d  tessera %.3f s  swarp %.3f s%n", i + 1, tessera[i], peer[i]);
        }
        double t = median(Arrays.copyOfRange(tessera, n / 2, n)), s = median(Arrays.copyOfRange(peer, n / 2, n));
        System.out.printf(Locale.ROOT, "first job %.3f s; jobs %d-%d median: tessera %.3f s, swarp %.3f s, ratio %.2f%n",
                tessera[0], n / 2 + 1, n, t, s, t / s);
        System.exit(0);
    }

    private static double tessera(Path out, List<Path> images) throws IOException {
        delete(out);
        long t0 = System.nanoTime();
        OutputRun run = OutputRun.folder(out, false);
        try {
            MosaicPipeline.reproject(out, images, new Config(), Progress.NONE);
        } finally {
            run.close();
        }
        return (System.nanoTime() - t0) / 1e9;
    }

    private static double swarp(Path dir, String swarp, String threads, List<Path> images) throws IOException, InterruptedException {
        delete(dir);
        Files.createDirectories(dir);
        List<String> cmd = new ArrayList<>(List.of(swarp));
        images.forEach(p -> cmd.add(p.toString()));
        // As bench/reproject/launcher.sh runs it.
        cmd.addAll(List.of("-IMAGEOUT_NAME", dir.resolve("coadd.fits").toString(), "-WEIGHTOUT_NAME",
                dir.resolve("coadd.weight.fits").toString(), "-RESAMPLING_TYPE", "BILINEAR", "-COMBINE_TYPE", "WEIGHTED",
                "-SUBTRACT_BACK", "N", "-WEIGHT_TYPE", "NONE", "-FSCALASTRO_TYPE", "NONE", "-RESAMPLE_DIR", dir.toString(),
                "-DELETE_TMPFILES", "Y", "-NTHREADS", threads, "-WRITE_XML", "N", "-VERBOSE_TYPE", "QUIET"));
        long t0 = System.nanoTime();
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        int rc = p.waitFor();
        double s = (System.nanoTime() - t0) / 1e9;
        if (rc != 0) throw new IOException("SWarp exited " + rc);
        return s;
    }

    private static void delete(Path dir) throws IOException {
        if (!Files.exists(dir)) return;
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) Files.delete(p);
        }
    }

    private static double median(double[] v) {
        double[] c = v.clone();
        Arrays.sort(c);
        int m = c.length;
        return m % 2 == 1 ? c[m / 2] : (c[m / 2 - 1] + c[m / 2]) / 2;
    }
}

package org.tessera.bench.reproject;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Random;

import nom.tam.fits.Header;

import org.tessera.config.Config;
import org.tessera.io.FitsImageWriter;
import org.tessera.reproject.CoaddBackground;
import org.tessera.reproject.FinalBackground;

/**
 * The final background extraction of a mosaic whose header fills its 2880-byte block (as the
 * built-in sky's and the Seestar M 94 subset's do with their observation cards): the writer made
 * without room for the DBE cards (the former path: closed, read back, rewritten to a second file)
 * against one keeping {@link CoaddBackground#HEADER_CARDS} (in place before the rename),
 * alternating; wall and process CPU from {@code beforeClose} to {@code afterClose} (the writer's
 * close and its fsync included), and the two files compared byte for byte. Usage: {@code java -cp
 * target/classes:target/test-classes:'target/lib/*' org.tessera.bench.reproject.DbeRoomBench
 * WIDTH HEIGHT ROUNDS DIR}.
 */
public final class DbeRoomBench {
    private DbeRoomBench() {}

    public static void main(String[] args) throws Exception {
        int w = Integer.parseInt(args[0]), h = Integer.parseInt(args[1]), rounds = Integer.parseInt(args[2]);
        Path root = Files.createDirectories(Path.of(args[3]));
        FinalBackground.Params p = FinalBackground.Params.fromConfig(new Config());
        var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        double[][] wall = new double[2][rounds], cpu = new double[2][rounds];
        for (int r = 0; r < rounds; r++) {
            Path[] files = new Path[2];
            for (int k = 0; k < 2; k++) {
                int v = (r + k) % 2; // alternate which variant goes first
                Path m = Files.createDirectories(root.resolve("r" + r + "v" + v)).resolve("m.fits");
                FitsImageWriter mw = new FitsImageWriter(m, w, h, 3, DbePreviewBench.header(), FitsImageWriter.AlphaMode.FROM_NAN,
                        v == 1 ? CoaddBackground.HEADER_CARDS : 0);
                CoaddBackground bg = new CoaddBackground(p, mw, w, h, 3);
                Random rnd = new Random(7);
                for (int y0 = 0; y0 < h; y0 += 64) {
                    int n = Math.min(64, h - y0);
                    float[][] band = new float[3][n * w];
                    for (int i = 0; i < n * w; i++) {
                        int x = i % w, y = y0 + i / w;
                        for (int ch = 0; ch < 3; ch++)
                            band[ch][i] = x < 20 ? Float.NaN : 1000 + 0.05f * x + 0.03f * y * (ch + 1) + (float) rnd.nextGaussian() * 10;
                    }
                    bg.sink().writeRows(y0, n, band);
                }
                System.gc();
                long c0 = os.getProcessCpuTime(), t0 = System.nanoTime();
                bg.beforeClose(DbePreviewBench.header(), 2);
                mw.close();
                bg.afterClose(DbePreviewBench.header());
                wall[v][r] = (System.nanoTime() - t0) / 1e9;
                cpu[v][r] = (os.getProcessCpuTime() - c0) / 1e9;
                if (!bg.applied() || bg.appliedInPlace() != (v == 1)) throw new IllegalStateException("not the path asked");
                files[v] = m;
                System.out.printf(Locale.ROOT, "round %d %s: %.3f s wall, %.3f s CPU%n", r, v == 0 ? "rewrite " : "in place",
                        wall[v][r], cpu[v][r]);
            }
            if (Files.mismatch(files[0], files[1]) != -1) throw new IllegalStateException("the files differ");
            for (Path f : files) {
                Files.delete(f);
                Files.delete(f.getParent());
            }
        }
        System.out.println("files identical in every round");
        System.out.printf(Locale.ROOT, "median: rewrite %.3f s wall %.3f s CPU, in place %.3f s wall %.3f s CPU%n",
                DbePreviewBench.median(wall[0]), DbePreviewBench.median(cpu[0]), DbePreviewBench.median(wall[1]),
                DbePreviewBench.median(cpu[1]));
    }
}

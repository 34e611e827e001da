package org.tessera.bench.lock;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import org.tessera.pipeline.OutputLock;

/**
 * The cost of taking a mosaic's output folder ({@link OutputLock#acquire}, then close) on a tree
 * of files below it: the look for stacks below the folder reads every entry under it. Not a test:
 * {@code bench/lock/run.sh} runs it with this build and with a peer build of the class.
 *
 * <pre>LockBench FOLDER FILES SUBFOLDERS LOCKS ITERATIONS</pre>
 * makes FOLDER (when missing) with SUBFOLDERS folders {@code subN/inner/}, FILES files in each
 * {@code inner/} and an unheld {@code .tessera.lock} in the first LOCKS of them, then prints the
 * median and 90th percentile of ITERATIONS takes after 50 unmeasured ones.
 */
public final class LockBench {
    public static void main(String[] args) throws Exception {
        Path root = Path.of(args[0]);
        int files = Integer.parseInt(args[1]), subs = Integer.parseInt(args[2]), locks = Integer.parseInt(args[3]);
        int n = Integer.parseInt(args[4]);
        if (!Files.exists(root)) {
            Files.createDirectories(root);
            for (int s = 0; s < subs; s++) {
                Path d = Files.createDirectories(root.resolve("sub" + s).resolve("inner"));
                for (int f = 0; f < files; f++) Files.writeString(d.resolve("tile_" + f + ".fits"), "x");
                if (s < locks) Files.writeString(d.resolve(OutputLock.FILE), "");
            }
        }
        for (int i = 0; i < 50; i++) OutputLock.acquire(root).close(); // JIT and file cache warm
        long entries;
        try (var w = Files.walk(root)) {
            entries = w.count() - 1; // the folder's own lock file included
        }
        long[] t = new long[n];
        for (int i = 0; i < n; i++) {
            long t0 = System.nanoTime();
            OutputLock.acquire(root).close();
            t[i] = System.nanoTime() - t0;
        }
        Arrays.sort(t);
        System.out.printf("%-6s entries below %6d   median %8.3f ms   p90 %8.3f ms%n", root.getFileName(), entries, t[n / 2] / 1e6,
                t[n * 9 / 10] / 1e6);
    }
}

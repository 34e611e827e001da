package org.tessera.bench.e2e;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.tessera.config.Config;
import org.tessera.io.FitsFrame;
import org.tessera.pipeline.MosaicPipeline;
import org.tessera.solve.RawFrameAstrometry;

/**
 * Phase 1 alone on the end-to-end frames (header scan, one stand-in plate solve per group,
 * registration of the other frames), as {@code bin/tessera mosaic} runs it, for profiles and
 * before/after figures of registration without the minutes of Phase 3 (docs/benchmarks.md). Writes
 * {@code OUT/solved_wcs/} as a mosaic run does, so {@link E2eWcsCompare} compares two runs. Prints
 * wall and process CPU time of each round (the JVM warms up in the first). Not a test.
 *
 * <pre>java ... org.tessera.bench.e2e.E2ePhase1 FRAMES_DIR OUT STANDIN_SOLVER [ROUNDS]</pre>
 * with {@code E2E_TRUTH} set for the stand-in solver, as bench/e2e/run.sh does.
 */
public final class E2ePhase1 {

    private E2ePhase1() {}

    public static void main(String[] args) throws Exception {
        if (args.length < 3) {
            System.err.println("usage: E2ePhase1 FRAMES_DIR OUT STANDIN_SOLVER [ROUNDS]");
            System.exit(2);
        }
        Path frames = Path.of(args[0]), out = Path.of(args[1]);
        int rounds = args.length > 3 ? Integer.parseInt(args[3]) : 1;
        Config cfg = new Config().set("solver_choice=astrometry").set("astrometry_net_path=" + args[2]);
        var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        for (int r = 0; r < rounds; r++) {
            Path dir = out.resolve("round" + r);
            Files.createDirectories(dir);
            long c0 = os.getProcessCpuTime(), t0 = System.nanoTime();
            List<MosaicPipeline.Skipped> skipped = new ArrayList<>();
            List<FitsFrame> placed = MosaicPipeline.phase1(List.of(frames), dir, cfg, RawFrameAstrometry.Work.LOCAL, skipped,
                    (f, m) -> { });
            long c1 = os.getProcessCpuTime(), t1 = System.nanoTime();
            System.out.printf(Locale.ROOT, "round %d: %d frames placed, %d skipped, wall %.2f s, CPU %.2f s%n", r,
                    placed.size(), skipped.size(), (t1 - t0) / 1e9, (c1 - c0) / 1e9);
        }
    }
}

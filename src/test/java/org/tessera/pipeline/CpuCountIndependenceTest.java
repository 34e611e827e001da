package org.tessera.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tessera.io.MountMode;
import org.tessera.synth.SyntheticSky;

/**
 * The science never depends on the machine's cores: the same frames give the same mosaic, coverage
 * and preview, byte for byte, whether the JVM sees one CPU, the machine's, or five
 * ({@code -XX:ActiveProcessorCount}: the worker pools, each worker's share of the memory budget,
 * the bands of Phase 3 and Phase 5 and the order tiles finish in all follow it), and with
 * {@code num_processing_workers} set. Two pointings, so that master tiles are built side by side
 * and Phase 5 matches and coadds more than one tile.
 */
class CpuCountIndependenceTest {

    @Test
    void sameBytesWhateverTheCoresAndWorkers(@TempDir Path tmp) throws Exception {
        Path in = tmp.resolve("frames");
        new SyntheticSky().seed(11).centre(150, 40).panels(2, 1).framesPerPanel(6).frameSize(300, 240)
                .pixelScale(2.4).dither(4).mount(MountMode.EQ).writeFits(in);
        List<List<String>> jvms = List.of(List.of("-XX:ActiveProcessorCount=1"), List.of(),
                List.of("-XX:ActiveProcessorCount=5"), List.of("-XX:ActiveProcessorCount=1"));
        List<byte[][]> outputs = new ArrayList<>();
        for (int i = 0; i < jvms.size(); i++) {
            Path out = tmp.resolve("out" + i);
            List<String> args = new ArrayList<>(List.of("mosaic", "-q", in.toString(), out.toString()));
            if (i == 3) args.addAll(List.of("--set", "num_processing_workers=3")); // three workers on one CPU
            ChildJvm.Run r = ChildJvm.runWith(jvms.get(i), tmp.resolve("console" + i + ".txt"), 240, args.toArray(String[]::new));
            assertEquals(0, r.exit(), jvms.get(i) + ":\n" + r.output());
            String log = Files.readString(out.resolve("tessera.log"));
            assertTrue(log.contains("[P3] 2 tile(s) done, 0 failed"), log);
            outputs.add(new byte[][] {Files.readAllBytes(out.resolve(MosaicPipeline.MOSAIC)),
                    Files.readAllBytes(out.resolve(MosaicPipeline.COVERAGE)),
                    Files.readAllBytes(out.resolve(MosaicPipeline.PREVIEW))});
        }
        String[] names = {"mosaic", "coverage", "preview"};
        for (int i = 1; i < outputs.size(); i++)
            for (int k = 0; k < names.length; k++)
                assertTrue(java.util.Arrays.equals(outputs.get(0)[k], outputs.get(i)[k]),
                        names[k] + " of run " + i + " (" + jvms.get(i) + ") differs from one CPU's");
    }
}

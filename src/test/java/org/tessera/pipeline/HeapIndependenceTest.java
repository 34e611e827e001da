package org.tessera.pipeline;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tessera.io.MountMode;
import org.tessera.synth.SyntheticSky;

/**
 * Issue 14 item 3: the heap never changes the mosaic. Before, the frames-per-tile cap came from
 * the heap (12 frames of 300x450 gave 4 tiles under -Xmx256m, 2 under -Xmx512m, 1 with the default
 * heap), so the picture changed with the memory setting. The same frames under -Xmx256m, -Xmx512m
 * and the default heap must give the same mosaic, bit for bit, or (a heap truly too small) one
 * clear message naming the setting and exit status 2.
 */
class HeapIndependenceTest {

    @Test
    void sameMosaicUnderEveryHeap(@TempDir Path tmp) throws Exception {
        Path in = tmp.resolve("frames");
        new SyntheticSky().seed(7).centre(150, 40).panels(1, 1).framesPerPanel(12).frameSize(300, 450)
                .pixelScale(2.4).dither(4).mount(MountMode.EQ).writeFits(in);
        float[][] reference = null;
        int tilesRef = -1;
        boolean tooSmallSeen = false;
        for (String heap : new String[] {null, "512m", "256m", "12m"}) {
            Path out = tmp.resolve("out-" + (heap == null ? "default" : heap));
            ChildJvm.Run r = ChildJvm.run(heap, tmp.resolve("console-" + heap + ".txt"), 180, "mosaic", in.toString(),
                    out.toString());
            assertFalse(r.output().contains("\tat ") || r.output().contains("Exception in thread"),
                    "no raw trace on the console:\n" + r.output());
            if (r.exit() == 2 && heap != null) { // too small: one clear message
                assertTrue((r.output().contains("out of memory") || r.output().contains("not enough memory"))
                        && r.output().contains("JAVA_OPTS=-Xmx")
                        && r.output().contains("Edit > Options > Memory"), r.output());
                assertFalse(Files.exists(out.resolve(MosaicPipeline.MOSAIC)), "no mosaic from a run that stopped");
                tooSmallSeen = true;
                continue;
            }
            assertEquals(0, r.exit(), "heap " + heap + ":\n" + r.output());
            int tiles = groups(Files.readString(out.resolve("tessera.log")));
            float[][] mosaic = ChildJvm.pixels(out.resolve(MosaicPipeline.MOSAIC));
            if (reference == null) {
                reference = mosaic;
                tilesRef = tiles;
                continue;
            }
            assertEquals(tilesRef, tiles, "master tiles under -Xmx" + heap);
            assertEquals(reference.length, mosaic.length);
            for (int c = 0; c < mosaic.length; c++)
                assertArrayEquals(reference[c], mosaic[c], "channel " + c + " under -Xmx" + heap + " vs the default heap");
        }
        assertEquals(1, tilesRef, "12 frames of one pointing make one master tile");
        assertTrue(tooSmallSeen, "-Xmx12m cannot hold one master tile of these frames: the run must stop before Phase 3 with the message");
    }

    private static int groups(String log) {
        Matcher m = Pattern.compile("\\[P2\\] 12 frame\\(s\\) -> (\\d+) group\\(s\\)").matcher(log);
        assertTrue(m.find(), log);
        return Integer.parseInt(m.group(1));
    }
}

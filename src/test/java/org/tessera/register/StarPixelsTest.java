package org.tessera.register;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tessera.image.FloatImage;
import org.tessera.io.FitsFrame;
import org.tessera.io.FrameReading;
import org.tessera.io.MountMode;
import org.tessera.synth.SyntheticSky;

/**
 * Registration detects stars on the pixels its thresholds were set on (bilinear demosaic, no
 * hot-pixel correction) whatever the run reads its frames with: stacking_demosaic and
 * hot_pixel_correction change the stack, never the registrations and the WCS they give.
 */
class StarPixelsTest {

    @Test
    void starsAreDetectedOnBilinearPixelsWhateverTheRunsReading(@TempDir Path tmp) throws Exception {
        List<Path> files = new SyntheticSky().seed(4).centre(150, 40).panels(1, 1).framesPerPanel(1).frameSize(64, 48)
                .pixelScale(2.4).mount(MountMode.EQ).writeFits(tmp);
        FitsFrame f = FitsFrame.open(files.get(0));
        assertNotNull(f.bayerPattern());
        FloatImage expect = FloatImage.copyOf(f.withReading(new FrameReading(false, FrameReading.Demosaic.BILINEAR)));
        for (boolean hot : new boolean[] {false, true})
            for (FrameReading.Demosaic d : FrameReading.Demosaic.values()) {
                FitsFrame run = f.withReading(new FrameReading(hot, d));
                FitsFrame seen = (FitsFrame) FrameRegistrar.starPixels(run);
                assertEquals(FrameReading.STAR_DETECTION, seen.reading(), run.reading().toString());
                FloatImage got = FloatImage.copyOf(seen);
                for (int c = 0; c < 3; c++) assertArrayEquals(expect.plane(c), got.plane(c), run.reading() + " channel " + c);
            }
    }
}

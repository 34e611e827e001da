package org.tessera.detect;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import org.tessera.image.FloatImage;
import org.tessera.io.FitsFrame;
import org.tessera.io.FrameReading;

/** The luminance plane read band by band: bands under 1 MiB, the same pixels as one whole read. */
class LuminanceTest {

    @Test
    void bandsAndTheirRawRowsStayUnderOneMebibyte() {
        // Seestar S50 portrait, landscape, a 4144-pixel-wide sensor, a narrow frame
        int[][] cases = {{1080, 1920, 239}, {1920, 1080, 133}, {4144, 2822, 60}, {100, 50, 50}};
        for (int[] c : cases) {
            int rows = Luminance.bandRows(c[0], c[1]);
            assertEquals(c[2], rows, c[0] + " wide");
            // raw rows of a Bayer read: one more on either side; 16 bytes of array header
            assertTrue((rows + 2L) * c[0] * 4 + 16 < (1 << 20), c[0] + " wide: " + rows + " rows");
        }
        assertEquals(16, Luminance.bandRows(100_000, 20), "at least 16 rows however wide");
    }

    @Test
    void aRawSeestarFrameGivesTheSamePlaneAsOneWholeReadIntoTheBufferGiven() throws Exception {
        Path dir = Path.of("../shared/data/seestar_m94_raw");
        Assumptions.assumeTrue(Files.isDirectory(dir), "skipped: ../shared/data/seestar_m94_raw not found");
        Path file;
        try (Stream<Path> s = Files.walk(dir)) {
            file = s.filter(p -> p.toString().endsWith(".fit") && p.getFileName().toString().startsWith("Light")).sorted().findFirst().orElseThrow();
        }
        FitsFrame f = FitsFrame.open(file).withReading(FrameReading.AS_STORED);
        int w = f.width(), h = f.height();
        float[][] whole = f.newBand(h);
        f.readRows(0, h, whole);
        float[] expect = new float[w * h];
        for (int i = 0; i < expect.length; i++) {
            float v = (float) (0.299 * whole[0][i] + 0.587 * whole[1][i] + 0.114 * whole[2][i]);
            expect[i] = Float.isFinite(v) ? v : Float.NaN;
        }
        float[] reuse = new float[w * h];
        FloatImage lum = Luminance.of(f, reuse);
        assertSame(reuse, lum.plane(0), "the buffer given holds the plane");
        assertArrayEquals(expect, lum.plane(0));
        assertTrue(Luminance.bandRows(w, h) < h, "read in several bands");
        FloatImage fresh = Luminance.of(f, new float[7]); // too short: a new plane
        assertArrayEquals(expect, fresh.plane(0));
    }
}

package org.tessera.tiles;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.tessera.image.FloatImage;
import org.tessera.io.Frame;
import org.tessera.io.InMemoryFrame;
import org.tessera.io.MountMode;
import org.tessera.reproject.MosaicProvenance;
import org.tessera.stack.StackResult;

/**
 * A master tile's {@code EXPTIME} ({@link TileHeaders#exposure}): one exposure as always; frames of
 * other exposures only when linear_fit put every one of them on its reference by a measured gain.
 */
class TileExposureTest {

    private static Frame frame(String name, Double exptime) {
        return new InMemoryFrame(name, new FloatImage(2, 2, 1), null, MountMode.EQ, exptime == null ? 1 : exptime,
                exptime == null ? Map.of() : Map.of("EXPTIME", String.valueOf(exptime)));
    }

    /** A stack of {@code n} frames, each used unless its weight is 0, onto {@code reference}. */
    private static StackResult stack(int reference, boolean[] onReference, boolean... dropped) {
        int n = onReference.length;
        double[][] w = new double[n][];
        List<String> gone = new ArrayList<>();
        for (int i = 0; i < n; i++) w[i] = new double[] {i < dropped.length && dropped[i] ? 0 : 1};
        return new StackResult(n, gone, new double[1], w, reference, onReference);
    }

    private final List<Frame> mixed = List.of(frame("a10", 10.0), frame("b20", 20.0), frame("c10", 10.0), frame("d20", 20.0));

    @Test
    void oneExposureIsTheCardAsBefore() {
        List<Frame> same = List.of(frame("a", 10.0), frame("b", 10.0));
        assertEquals(10.0, TileHeaders.exposure(same, stack(0, new boolean[] {true, false})));
        assertEquals(10.0, TileHeaders.exposure(same, stack(-1, new boolean[2])), "whatever the normalisation");
    }

    @Test
    void otherExposuresAllMeasuredOntoTheReferenceGiveItsExposureScaled() {
        Object e = TileHeaders.exposure(mixed, stack(0, new boolean[] {true, true, true, true}));
        assertEquals(new TileHeaders.Commented(10.0, MosaicProvenance.EXPTIME_SCALED_COMMENT), e);
        // onto a 20 s reference; the other 20 s frame's gain was not measured: it is in that unit anyway
        assertEquals(new TileHeaders.Commented(20.0, MosaicProvenance.EXPTIME_SCALED_COMMENT),
                TileHeaders.exposure(mixed, stack(1, new boolean[] {true, true, true, false})));
    }

    @Test
    void aFrameOfAnotherExposureNotMeasuredLeavesTheUnitUnknown() {
        assertNull(TileHeaders.exposure(mixed, stack(0, new boolean[] {true, true, true, false})));
        assertNull(TileHeaders.exposure(mixed, stack(-1, new boolean[4])), "none or sky_mean: each frame its own unit");
        // a dropped frame does not count, whatever its exposure
        assertEquals(new TileHeaders.Commented(10.0, MosaicProvenance.EXPTIME_SCALED_COMMENT),
                TileHeaders.exposure(mixed, stack(0, new boolean[] {true, true, true, false}, false, false, false, true)));
        // a frame without an exposure card: unknown
        List<Frame> unknown = List.of(frame("a10", 10.0), frame("b20", 20.0), frame("x", null));
        assertNull(TileHeaders.exposure(unknown, stack(0, new boolean[] {true, true, true})));
    }
}

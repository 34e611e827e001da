package org.tessera.tiles;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.logging.Level;

import org.junit.jupiter.api.Test;
import org.tessera.Logged;
import org.tessera.config.Config;
import org.tessera.io.Frame;
import org.tessera.io.MountMode;
import org.tessera.wcs.Wcs;

/** {@code cluster_orientation_split_deg}: one panel shot at two camera angles becomes two groups. */
class OrientationSplitTest {

    /** Six EQ frames of one field: rotations in degrees as given, dithered by a pixel or two. */
    static List<Frame> frames(double... rot) {
        List<Frame> out = new ArrayList<>();
        for (int i = 0; i < rot.length; i++) {
            Wcs w = SyntheticSky.wcs(150 + 0.0003 * i, 20, MasterTileBuilderTest.SCALE, rot[i], 80, 60);
            out.add(MasterTileBuilderTest.SKY_EQ.frame("r" + i, w, 80, 60, 1, MountMode.EQ, SyntheticSky.keys("EQMODE", "1"), i));
        }
        return out;
    }

    static List<List<String>> names(Grouping.Result r) {
        List<List<String>> out = new ArrayList<>();
        for (FrameGroup g : r.groups()) out.add(g.frames().stream().map(Frame::name).toList());
        return out;
    }

    @Test
    void framesOfTwoCameraAnglesAreSplitAboveTheThresholdOnly() {
        List<Frame> f = frames(0, 30, 1, 31, -1, 29.5);
        Config c = new Config();
        assertEquals(0.0, c.getDouble("cluster_orientation_split_deg"), "off by default, as the original");
        assertEquals(1, Grouping.group(f, Grouping.Params.fromConfig(c)).groups().size());

        try (Logged.Capture log = Logged.capture("org.tessera.tiles", Level.FINE)) {
            Grouping.Result r = Grouping.group(f, Grouping.Params.fromConfig(c.copy().set("cluster_orientation_split_deg=10")));
            assertEquals(List.of(List.of("r0", "r2", "r4"), List.of("r1", "r3", "r5")), names(r));
            assertTrue(log.has(Level.INFO, "[P2] orientation split: group of 6 frame(s) spans 32.0 deg of field orientation (> cluster_orientation_split_deg 10.0): split into 2"));
        }
        // A threshold above the spread leaves the group whole.
        assertEquals(1, Grouping.group(f, Grouping.Params.fromConfig(new Config().set("cluster_orientation_split_deg=40"))).groups().size());
    }

    @Test
    void anglesAcrossPlusMinus180StayTogether() {
        List<Frame> f = frames(179, -179, 178, 90);
        Grouping.Result r = Grouping.group(f, new Grouping.Params(0.03, 0, 0, false, 5));
        assertEquals(List.of(List.of("r0", "r1", "r2"), List.of("r3")), names(r));
    }

    @Test
    void noPartSpansMoreThanTheThreshold() {
        List<Frame> f = frames(0, 4, 8, 12, 16, 20);
        Grouping.Result r = Grouping.group(f, new Grouping.Params(0.03, 0, 0, false, 5));
        assertEquals(List.of(List.of("r0", "r1"), List.of("r2", "r3"), List.of("r4", "r5")), names(r));
    }
}

package org.tessera.tiles;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.tessera.Progress;
import org.tessera.image.FloatImage;
import org.tessera.io.Frame;
import org.tessera.io.MountMode;
import org.tessera.stack.StackParams;
import org.tessera.wcs.Wcs;

/**
 * A master tile is normalised onto its reference frame (closest to the group centroid), not onto
 * the group's first frame: the tile keeps the reference frame's levels.
 */
class NormalisationAnchorTest {

    /** Three frames of one field; the middle one (index 1) is the reference. Levels: x2+50, x1, x0.5. */
    static List<Frame> frames() {
        double[][] ga = {{2, 50}, {1, 0}, {0.5, 0}};
        List<Frame> out = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            Wcs w = SyntheticSky.wcs(150 + 0.0015 * i, 20, MasterTileBuilderTest.SCALE, 0,
                    MasterTileBuilderTest.W, MasterTileBuilderTest.H);
            Frame f = MasterTileBuilderTest.SKY_EQ.frame("f" + i, w, MasterTileBuilderTest.W, MasterTileBuilderTest.H, 1,
                    MountMode.EQ, SyntheticSky.keys("EQMODE", "1"), 40 + i);
            float[] p = ((org.tessera.io.InMemoryFrame) f).image().plane(0);
            for (int k = 0; k < p.length; k++) p[k] = (float) (ga[i][0] * p[k] + ga[i][1]);
            out.add(f);
        }
        return out;
    }

    @Test
    void theTileKeepsTheReferenceFramesLevels() {
        List<Frame> fr = frames();
        List<FrameGroup> g = MasterTileBuilderTest.groups(fr);
        assertEquals(1, g.size());
        assertEquals(1, TileGeometry.referenceIndex(g.get(0).frames()), "the middle frame is closest to the centroid");
        assertEquals("f0", g.get(0).frames().get(0).name(), "the group's first frame is another one");
        StackParams p = StackParams.plainMean().with(StackParams.Normalize.LINEAR_FIT, StackParams.Weighting.NONE);
        MasterTileBuilder b = new MasterTileBuilder(p, new AltAzGating(false, false, AltAzGating.UnknownPolicy.EQ),
                new AltAzCleanup.Params(5, 0.15, true), 1);
        List<MasterTile> tiles = new ArrayList<>();
        b.build(g, tiles::add, Progress.NONE);
        assertEquals(1, tiles.size());
        MasterTile t = tiles.get(0);
        double sky = median(t.image());
        // Reference frame's sky is 100 (SKY_EQ background); frame 0's would be 250, frame 2's 50.
        assertEquals(100, sky, 1.0, "tile sky " + sky);
        // Every frame was used and the weights are reported in group order.
        for (int i = 0; i < 3; i++) assertTrue(FrameLosses.used(t.stack(), i));
    }

    @Test
    void referenceFirstOrderAndMapBack() {
        assertEquals("[2, 0, 1, 3]", Arrays.toString(ReferenceFirst.order(4, 2)));
        var r = new org.tessera.stack.StackResult(3, List.of(), new double[] {0},
                new double[][] {{0.5}, {0.25}, {0}});
        var back = ReferenceFirst.toGroupOrder(r, ReferenceFirst.order(3, 1));
        assertEquals(0.5, back.frameWeights()[1][0]);
        assertEquals(0.25, back.frameWeights()[0][0]);
        assertEquals(0.0, back.frameWeights()[2][0]);
    }

    static double median(FloatImage img) {
        float[] p = img.plane(0);
        double[] v = new double[p.length];
        int n = 0;
        for (float x : p) if (Float.isFinite(x) && x != 0) v[n++] = x;
        double[] s = Arrays.copyOf(v, n);
        Arrays.sort(s);
        return s[n / 2];
    }
}

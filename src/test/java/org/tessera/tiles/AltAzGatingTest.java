package org.tessera.tiles;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.logging.Level;

import org.junit.jupiter.api.Test;
import org.tessera.Logged;
import org.tessera.config.Config;
import org.tessera.image.FloatImage;
import org.tessera.io.Frame;
import org.tessera.io.InMemoryFrame;
import org.tessera.io.MountMode;

class AltAzGatingTest {

    static Frame frame(double rotDeg, String... kv) {
        return new InMemoryFrame("f" + rotDeg, new FloatImage(40, 30, 1), SyntheticSky.wcs(150, 20, 0.001, rotDeg, 40, 30),
                MountMode.UNKNOWN, 1, SyntheticSky.keys(kv));
    }

    static FrameGroup group(int id, Frame... f) {
        return FrameGroup.of(id, List.of(f));
    }

    static final FrameGroup EQ = group(0, frame(0, "EQMODE", "1"), frame(0.2, "EQMODE", "1"));
    static final FrameGroup AZ = group(1, frame(0, "EQMODE", "0"), frame(30, "EQMODE", "0"));
    static final FrameGroup UNK_PLAIN = group(2, frame(0, "INSTRUME", "ASI2600"), frame(0.3, "INSTRUME", "ASI2600"));
    static final FrameGroup UNK_SEESTAR = group(3, frame(0, "INSTRUME", "Seestar S50"));
    static final FrameGroup UNK_ROTATING = group(4, frame(0), frame(12));

    @Test
    void eqOnlyRunForcesTheCleanupOffAndWarnsWhenItWasRequested() {
        try (Logged.Capture log = Logged.capture("org.tessera.tiles", Level.FINE)) {
            assertFalse(new AltAzGating(true, true, AltAzGating.UnknownPolicy.AUTO).runFlag(List.of(EQ)));
            assertEquals(List.of("ALT-AZ cleanup requested but no ALT_AZ frames detected -> disabled (EQ-only run)"),
                    log.messages(Level.WARNING));
        }
        try (Logged.Capture log = Logged.capture("org.tessera.tiles", Level.FINE)) {
            assertFalse(new AltAzGating(false, true, AltAzGating.UnknownPolicy.AUTO).runFlag(List.of(EQ, UNK_PLAIN)));
            assertTrue(log.messages(Level.WARNING).isEmpty(), "no warning when nobody asked");
        }
    }

    @Test
    void runWithAltAzFramesIsOnWhenRequestedOrAuto() {
        assertTrue(new AltAzGating(true, false, AltAzGating.UnknownPolicy.AUTO).runFlag(List.of(EQ, AZ)));
        assertTrue(new AltAzGating(false, true, AltAzGating.UnknownPolicy.AUTO).runFlag(List.of(EQ, AZ)));
        assertFalse(new AltAzGating(false, false, AltAzGating.UnknownPolicy.AUTO).runFlag(List.of(EQ, AZ)));
    }

    @Test
    void perTileGateIsRunFlagAndAltAzGroup() {
        AltAzGating g = new AltAzGating(true, true, AltAzGating.UnknownPolicy.AUTO);
        try (Logged.Capture log = Logged.capture("org.tessera.tiles", Level.FINE)) {
            assertFalse(g.tileFlag(0, EQ, true));
            assertTrue(g.tileFlag(1, AZ, true));
            assertFalse(g.tileFlag(1, AZ, false));
            assertEquals(List.of(
                    "P3_ALTaz_GATING: tile_id=0 eqmode=EQ global_enabled=True => tile_enabled=False",
                    "P3_ALTaz_GATING: tile_id=1 eqmode=ALT_AZ global_enabled=True => tile_enabled=True",
                    "P3_ALTaz_GATING: tile_id=1 eqmode=ALT_AZ global_enabled=False => tile_enabled=False"),
                    log.messages(Level.FINE));
        }
    }

    @Test
    void unknownPolicyEqNeverCleans() {
        AltAzGating g = new AltAzGating(true, true, AltAzGating.UnknownPolicy.EQ);
        for (FrameGroup u : List.of(UNK_PLAIN, UNK_SEESTAR, UNK_ROTATING)) {
            assertEquals(MountMode.EQ, g.effectiveMode(u));
            assertFalse(g.tileFlag(u.id(), u, true));
        }
        assertFalse(g.runFlag(List.of(UNK_SEESTAR, UNK_ROTATING)));
    }

    @Test
    void unknownPolicyAltAzAlwaysCleans() {
        AltAzGating g = new AltAzGating(false, true, AltAzGating.UnknownPolicy.ALTAZ);
        assertTrue(g.runFlag(List.of(EQ, UNK_PLAIN)));
        assertTrue(g.tileFlag(2, UNK_PLAIN, true));
        assertFalse(g.tileFlag(0, EQ, true));
    }

    @Test
    void unknownPolicyAutoLooksForAltAzEvidence() {
        AltAzGating g = new AltAzGating(false, true, AltAzGating.UnknownPolicy.AUTO);
        assertEquals(MountMode.EQ, g.effectiveMode(UNK_PLAIN));      // same rotation, not a Seestar
        assertEquals(MountMode.ALT_AZ, g.effectiveMode(UNK_SEESTAR)); // Seestar: alt-az unless EQMODE says otherwise
        assertEquals(MountMode.ALT_AZ, g.effectiveMode(UNK_ROTATING)); // field rotation inside the group
        // Known modes are never overridden by the policy.
        assertEquals(MountMode.EQ, g.effectiveMode(group(5, frame(0, "EQMODE", "1", "INSTRUME", "Seestar S50"), frame(40, "EQMODE", "1"))));
        try (Logged.Capture log = Logged.capture("org.tessera.tiles", Level.FINE)) {
            assertTrue(g.tileFlag(3, UNK_SEESTAR, true));
            assertEquals("P3_ALTaz_GATING: tile_id=3 eqmode=UNKNOWN global_enabled=True => tile_enabled=True (unknown_policy=auto -> ALT_AZ)",
                    log.messages(Level.FINE).get(0));
        }
    }

    @Test
    void retriedSubGroupsKeepTheirMode() {
        List<Frame> frames = new ArrayList<>();
        for (int i = 0; i < 6; i++) frames.add(frame(i, i == 0 ? new String[0] : new String[] {"EQMODE", "0"}));
        FrameGroup whole = FrameGroup.of(0, frames);
        FrameGroup retry = FrameGroup.of(7, frames.subList(3, 6));
        assertEquals(MountMode.ALT_AZ, whole.mount());
        assertEquals(MountMode.ALT_AZ, retry.mount());
        AltAzGating g = new AltAzGating(false, true, AltAzGating.UnknownPolicy.EQ);
        assertTrue(g.tileFlag(7, retry, true));
    }

    @Test
    void fromConfig() {
        AltAzGating d = AltAzGating.fromConfig(new Config());
        assertFalse(d.requested());
        assertEquals(AltAzGating.UnknownPolicy.AUTO, d.policy());
        assertTrue(d.runFlag(List.of(AZ)), "auto-on by default when ALT_AZ frames exist");
        Config off = new Config().set("altaz_unknown_policy=eq");
        off.put("altaz_cleanup_auto", false);
        assertFalse(AltAzGating.fromConfig(off).runFlag(List.of(AZ)));
        assertEquals(AltAzGating.UnknownPolicy.ALTAZ, AltAzGating.UnknownPolicy.parse("alt-az"));
        assertThrows(IllegalArgumentException.class, () -> AltAzGating.UnknownPolicy.parse("sometimes"));
    }
}

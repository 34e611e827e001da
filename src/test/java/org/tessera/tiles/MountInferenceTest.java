package org.tessera.tiles;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.tessera.image.FloatImage;
import org.tessera.io.Frame;
import org.tessera.io.InMemoryFrame;
import org.tessera.io.MountMode;

/** The seed's _infer_group_eqmode cases, on frames' in-memory keys. */
class MountInferenceTest {

    static Frame frame(String name, MountMode readerMode, String... kv) {
        return new InMemoryFrame(name, new FloatImage(4, 4, 1), SyntheticSky.wcs(10, 20, 0.001, 0, 4, 4), readerMode, 1.0,
                SyntheticSky.keys(kv));
    }

    @Test
    void eqmodeOneIsEq() {
        assertEquals(MountMode.EQ, MountInference.ofGroup(List.of(frame("a", MountMode.UNKNOWN, "EQMODE", "1"))));
    }

    @Test
    void eqmodeZeroIsAltAz() {
        assertEquals(MountMode.ALT_AZ, MountInference.ofGroup(List.of(frame("a", MountMode.UNKNOWN, "EQMODE", "0"))));
    }

    @Test
    void nothingIsUnknown() {
        assertEquals(MountMode.UNKNOWN, MountInference.ofGroup(List.of(
                frame("a", MountMode.UNKNOWN, "OBJECT", "M 94"), frame("b", MountMode.UNKNOWN, "EQMODE", "7"))));
    }

    @Test
    void keysMissingOnFirstEntryAreFoundOnALaterOne() {
        Frame bare = frame("bare", MountMode.UNKNOWN);
        assertEquals(MountMode.ALT_AZ, MountInference.ofGroup(List.of(bare, frame("b", MountMode.UNKNOWN, "EQMODE", "0"))));
        assertEquals(MountMode.EQ, MountInference.ofGroup(List.of(bare, bare, frame("c", MountMode.UNKNOWN, "MOUNT_MODE", "EQ"))));
    }

    @Test
    void firstEntryDecidesWhenItKnows() {
        assertEquals(MountMode.EQ, MountInference.ofGroup(List.of(
                frame("a", MountMode.UNKNOWN, "EQMODE", "1"), frame("b", MountMode.UNKNOWN, "EQMODE", "0"))));
    }

    @Test
    void priorityMountModeThenInternalKeyThenEqmodeThenReader() {
        assertEquals(MountMode.ALT_AZ, MountInference.ofFrame(frame("a", MountMode.EQ, "MOUNT_MODE", "ALT_AZ", "EQMODE", "1")));
        assertEquals(MountMode.EQ, MountInference.ofFrame(frame("a", MountMode.ALT_AZ, "_EQMODE_MODE", "EQ", "EQMODE", "0")));
        assertEquals(MountMode.ALT_AZ, MountInference.ofFrame(frame("a", MountMode.EQ, "_eqmode_mode", "ALT_AZ")));
        assertEquals(MountMode.ALT_AZ, MountInference.ofFrame(frame("a", MountMode.EQ, "EQMODE", "0")));
        // No key: the mode the reader parsed from the header.
        assertEquals(MountMode.EQ, MountInference.ofFrame(frame("a", MountMode.EQ)));
        // A value that does not parse is skipped, not taken as the answer.
        assertEquals(MountMode.ALT_AZ, MountInference.ofFrame(frame("a", MountMode.UNKNOWN, "MOUNT_MODE", "weird", "EQMODE", "0.0")));
    }

    @Test
    void seestarIsRecognisedFromInstrumentKeys() {
        assertTrue(MountInference.isSeestar(frame("a", MountMode.UNKNOWN, "INSTRUME", "Seestar S50")));
        assertTrue(MountInference.isSeestar(frame("a", MountMode.UNKNOWN, "CREATOR", "ZWO S30")));
        assertFalse(MountInference.isSeestar(frame("a", MountMode.UNKNOWN, "INSTRUME", "ZWO ASI2600MC Pro")));
    }
}

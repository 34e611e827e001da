package org.tessera.io;

import static org.junit.jupiter.api.Assertions.*;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;

import org.junit.jupiter.api.Test;
import org.tessera.config.Config;

/** How frames are read, as the config says: one value from hot_pixel_correction and stacking_demosaic. */
class FrameReadingTest {

    @Test
    void theConfigGivesTheReading() {
        assertEquals(FrameReading.DEFAULT, FrameReading.of(new Config()));
        assertEquals(new FrameReading(true, FrameReading.Demosaic.BILINEAR),
                FrameReading.of(new Config().set("stacking_demosaic=bilinear")));
        assertEquals(new FrameReading(false, FrameReading.Demosaic.BILINEAR),
                FrameReading.of(new Config().set("stacking_demosaic= Bilinear ").set("hot_pixel_correction=false")));
        assertEquals(new FrameReading(false, FrameReading.Demosaic.MHC),
                FrameReading.of(new Config().set("stacking_demosaic=MHC").set("hot_pixel_correction=false")));
        assertEquals("mhc", new Config().getString(FrameReading.KEY_DEMOSAIC), "the key's default");
    }

    @Test
    void anUnknownDemosaicNamesTheKeyAndTheAllowedValues() {
        for (String bad : new String[] {"rcd", "", "bilinear2"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> FrameReading.of(new Config().put("stacking_demosaic", bad)));
            assertEquals("stacking_demosaic: unknown demosaic '" + bad + "' (allowed: mhc, bilinear)", e.getMessage());
        }
    }

    @Test
    void registrationsReadingIgnoresTheRunsAndTheValueTravels() throws Exception {
        assertEquals(new FrameReading(false, FrameReading.Demosaic.BILINEAR), FrameReading.STAR_DETECTION);
        assertEquals(new FrameReading(false, FrameReading.Demosaic.MHC), FrameReading.AS_STORED);
        FrameReading r = FrameReading.DEFAULT.withDemosaic(FrameReading.Demosaic.BILINEAR);
        assertSame(r, r.withHotPixels(true));
        assertEquals(FrameReading.STAR_DETECTION, r.withHotPixels(false));
        // a Spark task carries it: Java serialization gives an equal value back
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream o = new ObjectOutputStream(bytes)) {
            o.writeObject(r);
        }
        try (ObjectInputStream i = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            assertEquals(r, i.readObject());
        }
    }
}

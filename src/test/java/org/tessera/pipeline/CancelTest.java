package org.tessera.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tessera.Progress;
import org.tessera.UserMessages;
import org.tessera.config.Config;

/** A run the user stops ends as "cancelled by the user", never as a failure of the tiles it stopped. */
class CancelTest {

    @Test
    void cancelDuringPhase3EndsTheRunAsCancelledWithNoMosaic(@TempDir Path dir) throws Exception {
        AtomicBoolean stop = new AtomicBoolean();
        Progress p = new Progress() {
            @Override public void update(double f, String m) {
                if (m != null && m.equals("grouped")) stop.set(true); // Esc pressed as Phase 3 starts
            }
            @Override public boolean cancelled() { return stop.get(); }
        };
        CancellationException e = assertThrows(CancellationException.class,
                () -> MosaicPipeline.mosaic(List.of(), dir, new Config().set("use_gpu_phase5=false"), p));
        assertEquals("cancelled by the user", UserMessages.describe(e));
        assertTrue(UserMessages.isCancel(new java.io.UncheckedIOException(new java.io.IOException(e))));
        assertFalse(Files.exists(dir.resolve("mosaic.fits")));
        try (Stream<Path> s = Files.walk(dir)) {
            assertTrue(s.noneMatch(f -> f.getFileName().toString().startsWith("mosaic")), "no output under a final name");
        }
    }
}

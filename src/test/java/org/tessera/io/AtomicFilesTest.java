package org.tessera.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The one way outputs reach their final names: the new bytes replace the old whole, the temporary name is gone. */
class AtomicFilesTest {

    @Test
    void commitReplacesTheTargetWholeAndLeavesNoTemporaryFile(@TempDir Path dir) throws IOException {
        Path target = dir.resolve("mosaic_preview.png"), tmp = dir.resolve("mosaic_preview.png.part");
        Files.writeString(target, "the earlier run's preview");
        Files.writeString(tmp, "this run's");
        AtomicFiles.commit(tmp, target);
        assertEquals("this run's", Files.readString(target));
        assertFalse(Files.exists(tmp));

        Path fresh = dir.resolve("tessera-run.json"), t2 = dir.resolve("tessera-run.json.tmp");
        Files.writeString(t2, "{}\n");
        AtomicFiles.move(t2, fresh);
        assertEquals("{}\n", Files.readString(fresh));
        assertFalse(Files.exists(t2));
    }

    @Test
    void aMissingTemporaryFileIsAnErrorAndTheTargetIsKept(@TempDir Path dir) throws IOException {
        Path target = dir.resolve("t.fits");
        Files.writeString(target, "kept");
        assertThrows(IOException.class, () -> AtomicFiles.commit(dir.resolve("t.fits.part"), target));
        assertEquals("kept", Files.readString(target));
    }
}

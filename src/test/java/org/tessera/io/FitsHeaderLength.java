package org.tessera.io;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Tests' reading of a FITS file's primary header length, independent of the reader under test. */
public final class FitsHeaderLength {
    private FitsHeaderLength() {}

    /** The primary header's length in bytes (to the end of the 2880-byte block holding END). */
    public static long of(Path f) throws Exception {
        return of(Files.readAllBytes(f));
    }

    /** The same of a file's bytes. */
    public static int of(byte[] b) {
        for (int i = 0; i + 80 <= b.length; i += 80)
            if (new String(b, i, 80, StandardCharsets.US_ASCII).startsWith("END     "))
                return (i / 2880 + 1) * 2880;
        throw new AssertionError("no END card");
    }
}

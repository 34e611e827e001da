package org.tessera.io;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A FITS file cannot be used as an input frame. The message is always
 * {@code "<file name>: <problem>"}, so that a scan can log and skip the file with a clear reason.
 */
public class FitsReadException extends IOException {
    private static final long serialVersionUID = 1L;

    private final transient Path file;
    private final String problem;

    public FitsReadException(Path file, String problem) {
        this(file, problem, null);
    }

    public FitsReadException(Path file, String problem, Throwable cause) {
        super(file.getFileName() + ": " + problem, cause);
        this.file = file;
        this.problem = problem;
    }

    /** The file that could not be read. */
    public Path file() { return file; }

    /** The problem without the file name, e.g. "unsupported BITPIX=24". */
    public String problem() { return problem; }
}

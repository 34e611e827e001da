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
    private final boolean diskFull;

    public FitsReadException(Path file, String problem) {
        this(file, problem, null);
    }

    public FitsReadException(Path file, String problem, Throwable cause) {
        this(file, problem, cause, false);
    }

    private FitsReadException(Path file, String problem, Throwable cause, boolean diskFull) {
        super(file.getFileName() + ": " + problem, cause);
        this.file = file;
        this.problem = problem;
        this.diskFull = diskFull;
    }

    /**
     * The file could not be made usable because the disk Tessera writes to is full (its
     * decompressed copy did not fit): a failure of the run, not of the file ({@link #diskFull()}).
     */
    static FitsReadException diskFull(Path file, String problem, Throwable cause) {
        return new FitsReadException(file, problem, cause, true);
    }

    /** True when the disk is at fault, not the file ({@link #diskFull(Path, String, Throwable)}). */
    public boolean diskFull() { return diskFull; }

    /** The file that could not be read. */
    public Path file() { return file; }

    /** The problem without the file name, e.g. "unsupported BITPIX=24". */
    public String problem() { return problem; }
}

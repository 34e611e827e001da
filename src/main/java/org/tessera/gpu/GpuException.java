package org.tessera.gpu;

/** A device failure that is not an out-of-memory condition (driver error, bad launch, invalid result). */
public class GpuException extends RuntimeException {
    public GpuException(String message) { super(message); }
    public GpuException(String message, Throwable cause) { super(message, cause); }
}

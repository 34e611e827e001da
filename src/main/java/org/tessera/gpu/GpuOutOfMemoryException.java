package org.tessera.gpu;

/** CUDA out of memory (CUDA_ERROR_OUT_OF_MEMORY / cudaErrorMemoryAllocation): the only failure that counts as OOM. */
public class GpuOutOfMemoryException extends GpuException {
    public GpuOutOfMemoryException(String message) { super(message); }
    public GpuOutOfMemoryException(String message, Throwable cause) { super(message, cause); }
}

package org.tessera.gpu;

/**
 * The GPU gave a stack that cannot be used (NaN where frames have data, or all zero where they do
 * not): the original's {@code GPUStackingError}. Counts as a GPU failure, not as OOM.
 */
public class GpuStackingException extends GpuException {
    public GpuStackingException(String message) { super(message); }
}

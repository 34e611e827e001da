package org.tessera.gpu;

/**
 * A block of device memory handed out by a {@link GpuDevice}; its size is in bytes. The handle is
 * opaque outside the device that made it (a {@code CUdeviceptr} for JCuda, Java arrays for the
 * simulated device).
 */
public interface DeviceBuffer {
    long bytes();
}

package org.tessera.gpu;

/**
 * A point in one stream's queue ({@link GpuDevice#record(int)}): another stream that awaits it
 * runs its later work only after everything queued before the point is done. Opaque outside the
 * device that made it (a {@code CUevent} for JCuda, a vector clock for the simulated device).
 */
public interface DeviceEvent {
    /** The event of a device that runs everything synchronously: always done. */
    DeviceEvent DONE = new DeviceEvent() {
    };
}

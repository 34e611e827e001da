package org.tessera.gpu;

import java.util.ArrayList;
import java.util.List;

/**
 * The buffers of one backend call, all returned to the pool when the call ends, whether it
 * succeeded or threw (try-with-resources). Counts what it holds, so a backend can check its chunk
 * budget before asking the device.
 */
final class Allocation implements AutoCloseable {
    private final GpuDevice device;
    private final GpuPhase phase;
    private final List<DeviceBuffer> held = new ArrayList<>();

    Allocation(GpuDevice device, GpuPhase phase) {
        this.device = device;
        this.phase = phase;
    }

    /** A buffer of at least one element of {@code bytes} bytes (CUDA cannot allocate 0). */
    DeviceBuffer get(long bytes) {
        DeviceBuffer b = device.allocate(Math.max(bytes, 8), phase);
        held.add(b);
        return b;
    }

    /**
     * Waits for every stream, then returns the buffers: a buffer goes back to the pool (where the
     * next allocation may take it) only once no queued work can still use it, also when the call
     * failed half way through its pipeline.
     */
    @Override
    public void close() {
        RuntimeException first = null;
        try {
            device.synchronize();
        } catch (RuntimeException e) {
            first = e;
        }
        for (int i = held.size() - 1; i >= 0; i--) {
            try {
                device.release(held.get(i));
            } catch (RuntimeException e) {
                if (first == null) first = e;
            }
        }
        held.clear();
        if (first != null) throw first;
    }
}

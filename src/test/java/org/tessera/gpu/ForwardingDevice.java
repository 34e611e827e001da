package org.tessera.gpu;

/**
 * A device that hands every call to another one: the base of the tests' decorators (a fault at a
 * chosen call, a borrowed device that must not be closed, one stream only), which override the
 * calls they change.
 */
class ForwardingDevice implements GpuDevice {
    final GpuDevice inner;

    ForwardingDevice(GpuDevice inner) {
        this.inner = inner;
    }

    @Override public String describe() { return inner.describe(); }
    @Override public long totalBytes() { return inner.totalBytes(); }
    @Override public long freeBytes() { return inner.freeBytes(); }
    @Override public DeviceBuffer allocate(long bytes, GpuPhase phase) { return inner.allocate(bytes, phase); }
    @Override public void release(DeviceBuffer b) { inner.release(b); }
    @Override public void upload(float[] h, int o, DeviceBuffer b, long d, int n) { inner.upload(h, o, b, d, n); }
    @Override public void upload(int[] h, int o, DeviceBuffer b, long d, int n) { inner.upload(h, o, b, d, n); }
    @Override public void upload(double[] h, int o, DeviceBuffer b, long d, int n) { inner.upload(h, o, b, d, n); }
    @Override public void download(DeviceBuffer b, long o, double[] h, int ho, int n) { inner.download(b, o, h, ho, n); }
    @Override public void download(DeviceBuffer b, long o, float[] h, int ho, int n) { inner.download(b, o, h, ho, n); }
    @Override public void download(DeviceBuffer b, long o, int[] h, int ho, int n) { inner.download(b, o, h, ho, n); }
    @Override public void launch(KernelCall c, GpuPhase p) { inner.launch(c, p); }
    @Override public int streams() { return inner.streams(); }
    @Override public void uploadAsync(int s, float[] h, int o, DeviceBuffer b, long d, int n) { inner.uploadAsync(s, h, o, b, d, n); }
    @Override public void uploadAsync(int s, int[] h, int o, DeviceBuffer b, long d, int n) { inner.uploadAsync(s, h, o, b, d, n); }
    @Override public void uploadAsync(int s, double[] h, int o, DeviceBuffer b, long d, int n) { inner.uploadAsync(s, h, o, b, d, n); }
    @Override public void launchAsync(int s, KernelCall c, GpuPhase p) { inner.launchAsync(s, c, p); }
    @Override public DeviceEvent record(int s) { return inner.record(s); }
    @Override public void await(int s, DeviceEvent e) { inner.await(s, e); }
    @Override public void synchronize(int s) { inner.synchronize(s); }
    @Override public void synchronize() { inner.synchronize(); }
    @Override public void freePool() { inner.freePool(); }
    @Override public void close() { inner.close(); }

    /** {@code d} seen with one stream: the unoverlapped path on the same device. */
    static GpuDevice oneStream(GpuDevice d) {
        return new ForwardingDevice(d) {
            @Override public int streams() { return 1; }
            @Override public void synchronize() { inner.synchronize(); }
        };
    }

    /** {@code d} lent to a run that closes its device when it ends: closing does nothing. */
    static GpuDevice borrowed(GpuDevice d) {
        return new ForwardingDevice(d) {
            @Override public void close() {}
        };
    }
}

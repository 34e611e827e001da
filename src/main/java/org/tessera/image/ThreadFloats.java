package org.tessera.image;

/**
 * One float array per thread, reused from call to call and grown when a call needs more. For the
 * row buffers of a frame's reads: they are a few MB, and the launcher's serial collector places
 * arrays over 1 MB straight in the old generation, so allocating them per read fills it and
 * costs full collections. The contents are whatever the thread's last call left there.
 */
public final class ThreadFloats {
    private final ThreadLocal<float[]> slot = new ThreadLocal<>();

    /** This thread's array, at least {@code n} floats long. */
    public float[] get(int n) {
        float[] b = slot.get();
        if (b == null || b.length < n) {
            b = new float[n];
            slot.set(b);
        }
        return b;
    }
}

package org.tessera.wcs;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** The per-pixel methods allocate nothing (another helper builds its pixel-to-pixel mapping on them). */
class WcsAllocationTest {

    @Test
    void pixelWorldMappingsDoNotAllocate() throws Exception {
        java.lang.management.ThreadMXBean bean = ManagementFactory.getThreadMXBean();
        Assumptions.assumeTrue(bean instanceof com.sun.management.ThreadMXBean, "no allocation counter in this JVM");
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) bean;
        Assumptions.assumeTrue(mx.isThreadAllocatedMemorySupported() && mx.isThreadAllocatedMemoryEnabled());
        for (String name : new String[] {"real_ngc7023_20240730-224459", "syn_sip_apbp", "syn_sip_noinv",
                "syn_car_oblique", "syn_zea", "real_dss_test1"}) {
            Wcs w = WcsFixtures.load(name).grid().wcs();
            double[] o = new double[2];
            double sink = run(w, o, 2000); // warm up (class loading, JIT) outside the measurement
            long tid = Thread.currentThread().getId();
            long before = mx.getThreadAllocatedBytes(tid);
            sink += run(w, o, 50_000);
            long bytes = mx.getThreadAllocatedBytes(tid) - before;
            assertTrue(bytes < 4096, name + ": 100000 mappings allocated " + bytes + " bytes");
            assertTrue(Double.isFinite(sink));
        }
    }

    private static double run(Wcs w, double[] o, int n) {
        double s = 0;
        for (int i = 0; i < n; i++) {
            w.pixelToWorld(i % 1000, (i * 7) % 900, o);
            w.worldToPixel(o[0], o[1], o);
            s += o[0];
        }
        return s;
    }
}

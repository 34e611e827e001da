package org.tessera.stack;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import javax.management.NotificationEmitter;
import javax.management.openmbean.CompositeData;

import com.sun.management.GarbageCollectionNotificationInfo;

/**
 * Largest heap in use right after a garbage collection (the live set at that moment), seen since
 * {@link #start()}: a lower bound of the peak. Test and benchmark helper.
 */
public final class HeapWatch {
    private static final AtomicLong maxAfterGc = new AtomicLong();
    private static boolean started;

    private HeapWatch() {}

    public static synchronized void start() {
        if (started) return;
        started = true;
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            if (!(gc instanceof NotificationEmitter em)) continue;
            em.addNotificationListener((n, hb) -> {
                if (!GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION.equals(n.getType())) return;
                GarbageCollectionNotificationInfo info = GarbageCollectionNotificationInfo.from((CompositeData) n.getUserData());
                long used = 0;
                for (Map.Entry<String, MemoryUsage> e : info.getGcInfo().getMemoryUsageAfterGc().entrySet()) {
                    if (e.getKey().contains("Metaspace") || e.getKey().contains("Code") || e.getKey().contains("Class")) continue;
                    used += e.getValue().getUsed();
                }
                maxAfterGc.accumulateAndGet(used, Math::max);
            }, null, null);
        }
    }

    public static long maxLiveBytes() { return maxAfterGc.get(); }
}

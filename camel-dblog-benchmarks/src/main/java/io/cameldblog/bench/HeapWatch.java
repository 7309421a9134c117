package io.cameldblog.bench;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;

import javax.management.NotificationEmitter;
import javax.management.openmbean.CompositeData;

import com.sun.management.GarbageCollectionNotificationInfo;

/**
 * This JVM's peak heap use, from the collector's own notifications (no sampling thread, no JFR): the heap is fullest
 * just before a collection, so the largest heap before any collection (or now, if none came since) is the peak
 * used; the largest heap left after a collection bounds what the reader kept. A reader that streams keeps the
 * second flat however many rows pass through it, and finishes under a small {@code -Xmx}.
 */
final class HeapWatch {

    private final Set<String> heapPools = ManagementFactory.getMemoryPoolMXBeans().stream()
            .filter(pool -> pool.getType() == MemoryType.HEAP).map(MemoryPoolMXBean::getName)
            .collect(Collectors.toSet());
    private final AtomicLong peakUsed = new AtomicLong();
    private final AtomicLong peakAfterGc = new AtomicLong();

    private HeapWatch() {
    }

    /** Watches from now on. */
    static HeapWatch start() {
        HeapWatch watch = new HeapWatch();
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            ((NotificationEmitter) gc).addNotificationListener((notification, handback) -> {
                if (GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION.equals(notification.getType())) {
                    watch.collected(GarbageCollectionNotificationInfo.from((CompositeData) notification.getUserData()));
                }
            }, null, null);
        }
        return watch;
    }

    private void collected(GarbageCollectionNotificationInfo info) {
        peakUsed.accumulateAndGet(heap(info.getGcInfo().getMemoryUsageBeforeGc()), Math::max);
        peakAfterGc.accumulateAndGet(heap(info.getGcInfo().getMemoryUsageAfterGc()), Math::max);
    }

    private long heap(Map<String, MemoryUsage> pools) {
        return pools.entrySet().stream().filter(e -> heapPools.contains(e.getKey()))
                .mapToLong(e -> e.getValue().getUsed()).sum();
    }

    /** Peak heap used so far, in KiB. */
    long peakUsedKb() {
        long now = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
        return Math.max(peakUsed.get(), now) >> 10;
    }

    /** Largest heap left after a collection so far, in KiB (-1 when no collection ran). */
    long peakAfterGcKb() {
        long after = peakAfterGc.get();
        return after == 0 ? -1 : after >> 10;
    }

    /** The heap's ceiling ({@code -Xmx}), in KiB. */
    static long maxKb() {
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getMax() >> 10;
    }
}

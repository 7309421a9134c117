package io.cameldblog.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.BitSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Times {@code rows} rows: when the first arrives and when the last arrives (wall clock, to compare with the JVM's
 * launch in another process). Events per second count from the first event, so start-up is not in them. With
 * {@code distinctKeys}, each row's value is its key (1..rows) and the keys seen are counted too: a reader that
 * delivered a row twice reaches {@code rows} with fewer distinct keys.
 * <p>
 * Also the CPU time per event between the two, of the whole reader JVM and of the thread that delivers the rows
 * (the streaming thread): on a shared machine the events/s follow the neighbours' load, the CPU time per event
 * much less.
 */
final class ThroughputClock implements Contender.RowSink {

    private final long rows;
    private final BitSet keys;
    private final CountDownLatch done = new CountDownLatch(1);
    private long count;
    private long firstEpochMillis;
    private long firstNanos;
    private long endNanos;
    private long firstProcessCpuNanos;
    private long firstThreadCpuNanos;
    private long endProcessCpuNanos;
    private long endThreadCpuNanos;
    private long lastEpochMillis;
    private long firstGcs;
    private long endGcs;

    ThroughputClock(long rows, boolean distinctKeys) {
        this.rows = rows;
        this.keys = distinctKeys ? new BitSet() : null;
    }

    @Override
    public void row(long value) {
        if (keys != null && value > 0 && value <= rows) {
            keys.set((int) value);
        }
        long n = ++count;
        if (n == 1) {
            firstEpochMillis = System.currentTimeMillis();
            firstNanos = System.nanoTime();
            firstProcessCpuNanos = processCpuNanos();
            firstThreadCpuNanos = THREADS.getCurrentThreadCpuTime();
            firstGcs = gcs();
        }
        if (n == rows) {
            endNanos = System.nanoTime();
            endProcessCpuNanos = processCpuNanos();
            endThreadCpuNanos = THREADS.getCurrentThreadCpuTime();
            endGcs = gcs();
            lastEpochMillis = System.currentTimeMillis();
            done.countDown();
        }
    }

    @Override
    public long events() {
        return count;
    }

    @Override
    public boolean await(long seconds) throws InterruptedException {
        return done.await(seconds, TimeUnit.SECONDS);
    }

    @Override
    public Map<String, Object> result() {
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("events", count);
        result.put("firstEpochMillis", firstEpochMillis);
        if (keys != null) {
            result.put("distinct", keys.cardinality());
        }
        if (done.getCount() == 0) {
            result.put("lastEpochMillis", lastEpochMillis);
            result.put("perSecond", Math.round((rows - 1) * 1e9 / (endNanos - firstNanos)));
            result.put("cpuNsPerEvent", (endProcessCpuNanos - firstProcessCpuNanos) / (rows - 1));
            result.put("streamCpuNsPerEvent", (endThreadCpuNanos - firstThreadCpuNanos) / (rows - 1));
            result.put("gcs", endGcs - firstGcs);
        }
        return result;
    }

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    /** Collections so far, all collectors. */
    private static long gcs() {
        long n = 0;
        for (var gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            n += Math.max(0, gc.getCollectionCount());
        }
        return n;
    }

    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }
}

package io.cameldblog.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Times {@code rows} inserts: when the first arrives (wall clock, to compare with the JVM's launch in another
 * process) and when the last arrives. Events per second count from the first event, so start-up is not in them.
 * <p>
 * Also the CPU time per event between the two, of the whole reader JVM and of the thread that delivers the rows
 * (the streaming thread): on a shared machine the events/s follow the neighbours' load, the CPU time per event
 * much less.
 */
final class ThroughputClock implements Contender.RowSink {

    private final long rows;
    private final CountDownLatch done = new CountDownLatch(1);
    private long count;
    private long firstEpochMillis;
    private long firstNanos;
    private long endNanos;
    private long firstProcessCpuNanos;
    private long firstThreadCpuNanos;
    private long endProcessCpuNanos;
    private long endThreadCpuNanos;

    ThroughputClock(long rows) {
        this.rows = rows;
    }

    @Override
    public void row(long stampMicros) {
        long n = ++count;
        if (n == 1) {
            firstEpochMillis = System.currentTimeMillis();
            firstNanos = System.nanoTime();
            firstProcessCpuNanos = processCpuNanos();
            firstThreadCpuNanos = THREADS.getCurrentThreadCpuTime();
        }
        if (n == rows) {
            endNanos = System.nanoTime();
            endProcessCpuNanos = processCpuNanos();
            endThreadCpuNanos = THREADS.getCurrentThreadCpuTime();
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
        if (done.getCount() > 0) {
            return Map.of("events", count, "firstEpochMillis", firstEpochMillis);
        }
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("events", count);
        result.put("firstEpochMillis", firstEpochMillis);
        result.put("perSecond", Math.round((rows - 1) * 1e9 / (endNanos - firstNanos)));
        result.put("cpuNsPerEvent", (endProcessCpuNanos - firstProcessCpuNanos) / (rows - 1));
        result.put("streamCpuNsPerEvent", (endThreadCpuNanos - firstThreadCpuNanos) / (rows - 1));
        return result;
    }

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }
}

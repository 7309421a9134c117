package io.cameldblog.bench;

import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Times {@code rows} rows: when the first arrives and when the last arrives (wall clock, to compare with the JVM's
 * launch in another process). Events per second count from the first event, so start-up is not in them.
 */
final class ThroughputClock implements Contender.RowSink {

    private final long rows;
    private final CountDownLatch done = new CountDownLatch(1);
    private long count;
    private long firstEpochMillis;
    private long firstNanos;
    private long endNanos;
    private long lastEpochMillis;

    ThroughputClock(long rows) {
        this.rows = rows;
    }

    @Override
    public void row(long stampMicros) {
        long n = ++count;
        if (n == 1) {
            firstEpochMillis = System.currentTimeMillis();
            firstNanos = System.nanoTime();
        }
        if (n == rows) {
            endNanos = System.nanoTime();
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
        if (done.getCount() > 0) {
            return Map.of("events", count, "firstEpochMillis", firstEpochMillis);
        }
        return Map.of("events", count, "firstEpochMillis", firstEpochMillis, "lastEpochMillis", lastEpochMillis,
                "perSecond", Math.round((rows - 1) * 1e9 / (endNanos - firstNanos)));
    }
}

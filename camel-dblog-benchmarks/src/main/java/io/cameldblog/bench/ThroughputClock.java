package io.cameldblog.bench;

import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Times a backlog of {@code batchRows} inserts in 1 000-row transactions followed by one-row transactions up to
 * {@code rows}: when the first event arrives (wall clock, to compare with the JVM's launch in another process), when
 * the batch part is through and when the last event arrives.
 */
final class ThroughputClock implements Contender.RowSink {

    private final long batchRows;
    private final long rows;
    private final CountDownLatch done = new CountDownLatch(1);
    private long count;
    private long firstEpochMillis;
    private long firstNanos;
    private long batchEndNanos;
    private long endNanos;

    ThroughputClock(long batchRows, long rows) {
        this.batchRows = batchRows;
        this.rows = rows;
    }

    @Override
    public void row(long stampMicros) {
        long n = ++count;
        if (n == 1) {
            firstEpochMillis = System.currentTimeMillis();
            firstNanos = System.nanoTime();
        }
        if (n == batchRows) {
            batchEndNanos = System.nanoTime();
        }
        if (n == rows) {
            endNanos = System.nanoTime();
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

    /** Events per second of each part; the batch part counts from the first event, so start-up is not in it. */
    @Override
    public Map<String, Object> result() {
        if (done.getCount() > 0) {
            return Map.of("events", count, "firstEpochMillis", firstEpochMillis);
        }
        return Map.of("events", count, "firstEpochMillis", firstEpochMillis,
                "batchPerSecond", Math.round((batchRows - 1) * 1e9 / (batchEndNanos - firstNanos)),
                "singlePerSecond", Math.round((rows - batchRows) * 1e9 / (endNanos - batchEndNanos)));
    }
}

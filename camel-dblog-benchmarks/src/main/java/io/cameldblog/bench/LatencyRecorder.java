package io.cameldblog.bench;

import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Commit-to-exchange time of stamped rows. The writer stamps each row with the wall clock just before the
 * statement that commits it; a row stamped {@value #PROBE} is a probe (the reader says {@code LIVE} on the first),
 * {@value #WARM_UP} warms the reader up without being measured, {@value #END} ends the run.
 */
final class LatencyRecorder implements Contender.RowSink {

    static final long PROBE = 0;
    static final long END = -1;
    static final long WARM_UP = -2;

    private final CountDownLatch done = new CountDownLatch(1);
    private long[] micros = new long[1 << 16];
    private int count;
    private long received;
    private boolean live;

    @Override
    public void row(long stampMicros) {
        received++;
        if (stampMicros == END) {
            done.countDown();
        } else if (stampMicros == PROBE) {
            if (!live) {
                live = true;
                System.out.println("LIVE");
                System.out.flush();
            }
        } else if (stampMicros != WARM_UP) {
            if (count == micros.length) {
                micros = Arrays.copyOf(micros, count * 2);
            }
            micros[count++] = Contender.nowMicros() - stampMicros;
        }
    }

    @Override
    public long events() {
        return received;
    }

    @Override
    public boolean await(long seconds) throws InterruptedException {
        return done.await(seconds, TimeUnit.SECONDS);
    }

    @Override
    public Map<String, Object> result() {
        long[] sorted = Arrays.copyOf(micros, count);
        Arrays.sort(sorted);
        return Map.of("events", count, "p50us", percentile(sorted, 0.50), "p99us", percentile(sorted, 0.99),
                "maxus", count == 0 ? -1 : sorted[count - 1]);
    }

    private static long percentile(long[] sorted, double q) {
        return sorted.length == 0 ? -1 : sorted[(int) Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];
    }
}

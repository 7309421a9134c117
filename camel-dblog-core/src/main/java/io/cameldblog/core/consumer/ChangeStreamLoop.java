package io.cameldblog.core.consumer;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import io.cameldblog.core.LogPosition;
import io.cameldblog.core.StartPosition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The consumer's long-running loop: streams from the open reader; when the connection fails, the route fails an
 * event or anything else is thrown (an {@link Error} included), marks the consumer DOWN, waits with back-off and
 * reconnects right after the last processed event, until stopped.
 * <p>
 * The back-off grows with each failed attempt and returns to its first delay only once a connection made progress
 * ({@link #progressed()}): a connection that opens and then fails on the same event again (a poison event, a
 * reader bug) waits longer each time instead of reconnecting every second forever.
 */
final class ChangeStreamLoop<P extends LogPosition> implements Runnable {

    private static final Logger LOG = LoggerFactory.getLogger(ChangeStreamLoop.class);

    private final DbLogConsumer<P> consumer;
    private final ReconnectBackoff backoff;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private volatile ChangeLogReader<P> reader;
    private volatile boolean running = true;
    /** The last failure logged with its stack trace; the same failure again is logged in one line. */
    private String lastFailure;

    ChangeStreamLoop(DbLogConsumer<P> consumer, ChangeLogReader<P> openReader, ReconnectBackoff backoff) {
        this.consumer = consumer;
        this.reader = openReader;
        this.backoff = backoff;
    }

    @Override
    public void run() {
        String uri = consumer.getEndpoint().getEndpointBaseUri();
        while (running) {
            ChangeLogReader<P> current = reader;
            try {
                if (current == null) {
                    current = consumer.getEndpoint().createReader();
                    reader = current;
                    if (!running) {
                        // stop() ran before the new reader was visible to it
                        break;
                    }
                    StartPosition<P> from = consumer.restartPosition();
                    current.open(from);
                    LOG.info("{} reconnected, continuing from {}", uri, from);
                }
                consumer.connected(true, null);
                current.stream(consumer);
                if (running) {
                    throw new IllegalStateException("the change log stream ended without an error");
                }
            } catch (Throwable e) {
                // Throwable, not Exception: an Error ending this thread silently would leave the route "started"
                // and its health UP while nothing is read any more
                if (!running) {
                    break;
                }
                consumer.connected(false, e);
                long delay = backoff.nextDelayMs();
                report(uri, e, delay);
                closeQuietly(current);
                reader = null;
                if (!sleep(delay)) {
                    break;
                }
            }
        }
        closeQuietly(reader);
        consumer.connected(false, null);
    }

    /**
     * The current connection delivered an event or moved past log that holds none: it works, so the next failure
     * starts the back-off again from its first delay.
     */
    void progressed() {
        backoff.reset();
        synchronized (this) {
            lastFailure = null;
        }
    }

    private void report(String uri, Throwable e, long delay) {
        String failure = e.getClass().getName() + ": " + describe(e);
        boolean repeated;
        synchronized (this) {
            repeated = failure.equals(lastFailure);
            lastFailure = failure;
        }
        if (e instanceof EventNotProcessedException) {
            // the route's exception handler has logged the cause with the exchange
            LOG.warn("{}: {}; retrying in {} ms (attempt {})", uri, e.getMessage(), delay, backoff.attempts());
        } else if (repeated) {
            LOG.warn("{}: failed again ({}); reconnecting in {} ms (attempt {})", uri, describe(e), delay,
                    backoff.attempts());
        } else {
            LOG.warn("{}: reading the change log failed ({}); reconnecting in {} ms (attempt {})", uri, describe(e),
                    delay, backoff.attempts(), e);
        }
    }

    void positionStored(P position) {
        ChangeLogReader<P> r = reader;
        if (r != null) {
            r.positionStored(position);
        }
    }

    void stop() {
        running = false;
        stopped.countDown();
        closeQuietly(reader);
    }

    private boolean sleep(long ms) {
        try {
            return !stopped.await(ms, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static void closeQuietly(ChangeLogReader<?> r) {
        if (r != null) {
            try {
                r.close();
            } catch (Throwable e) {
                LOG.debug("Closing a change log reader failed", e);
            }
        }
    }

    private static String describe(Throwable e) {
        String m = e.getMessage();
        return m == null ? e.getClass().getSimpleName() : e instanceof Exception ? m : e.getClass().getSimpleName() + ": " + m;
    }
}

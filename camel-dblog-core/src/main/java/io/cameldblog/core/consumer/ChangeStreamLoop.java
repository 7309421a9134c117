package io.cameldblog.core.consumer;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import io.cameldblog.core.LogPosition;
import io.cameldblog.core.StartPosition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The consumer's long-running loop: streams from the open reader; when the connection fails or the route fails
 * an event, waits with back-off and reconnects right after the last processed event, until stopped.
 */
final class ChangeStreamLoop<P extends LogPosition> implements Runnable {

    private static final Logger LOG = LoggerFactory.getLogger(ChangeStreamLoop.class);

    private final DbLogConsumer<P> consumer;
    private final ReconnectBackoff backoff;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private volatile ChangeLogReader<P> reader;
    private volatile boolean running = true;

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
                backoff.reset();
                current.stream(consumer);
                if (running) {
                    throw new IllegalStateException("the change log stream ended without an error");
                }
            } catch (Exception e) {
                if (!running) {
                    break;
                }
                consumer.connected(false, e);
                long delay = backoff.nextDelayMs();
                if (e instanceof EventNotProcessedException) {
                    LOG.warn("{}: {}; retrying in {} ms", uri, e.getMessage(), delay);
                } else {
                    LOG.warn("{}: connection to the change log lost ({}); reconnecting in {} ms (attempt {})", uri,
                            describe(e), delay, backoff.attempts(), e);
                }
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
            } catch (RuntimeException e) {
                LOG.debug("Closing a change log reader failed", e);
            }
        }
    }

    private static String describe(Throwable e) {
        String m = e.getMessage();
        return m == null ? e.getClass().getSimpleName() : m;
    }
}

package io.cameldblog.core.consumer;

/**
 * Exponential back-off between reconnect attempts: {@code initial}, doubling up to {@code max}, back to
 * {@code initial} once a connection delivered something.
 */
public final class ReconnectBackoff {

    private final long initialMs;
    private final long maxMs;
    private long nextMs;
    private int attempts;

    public ReconnectBackoff(long initialMs, long maxMs) {
        if (initialMs <= 0 || maxMs < initialMs) {
            throw new IllegalArgumentException("Back-off needs 0 < initial <= max, got " + initialMs + ", " + maxMs);
        }
        this.initialMs = initialMs;
        this.maxMs = maxMs;
        this.nextMs = initialMs;
    }

    /** The delay before the next attempt; each call doubles the one after it. */
    public synchronized long nextDelayMs() {
        long d = nextMs;
        nextMs = Math.min(maxMs, nextMs * 2);
        attempts++;
        return d;
    }

    public synchronized int attempts() {
        return attempts;
    }

    public synchronized void reset() {
        nextMs = initialMs;
        attempts = 0;
    }
}

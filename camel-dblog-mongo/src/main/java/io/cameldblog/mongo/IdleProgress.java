package io.cameldblog.mongo;

import io.cameldblog.core.LogPosition;
import io.cameldblog.core.consumer.ChangeEventSink;

/**
 * Moves the stored position over log that holds nothing to deliver (other collections, filtered changes, the
 * oplog's own progress while the captured collections are idle), so that a quiet period longer than the oplog
 * window does not leave a stored position the server no longer has. At most once a second: each advance is a
 * write to the resume strategy.
 * <p>
 * Only positions the reader has passed with every earlier event delivered are given here, and an emitted event
 * drops what is pending, so the stored position never passes an event that is not processed.
 */
final class IdleProgress<P extends LogPosition> {

    private static final long INTERVAL_MS = 1000;

    private final ChangeEventSink<P> sink;
    private P pending;
    private P last;
    private long lastAdvance;

    IdleProgress(ChangeEventSink<P> sink) {
        this.sink = sink;
    }

    /** The reader is past {@code position} and delivered every event before it. */
    void passed(P position) {
        if (!position.equals(last)) {
            pending = position;
        }
    }

    /** An event at {@code position} is about to be delivered: its own position supersedes what is pending. */
    void emitted(P position) {
        pending = null;
        last = position;
    }

    /** Stores what is pending, unless the last advance is less than a second old. */
    void flush() {
        long now = System.currentTimeMillis();
        if (pending != null && now - lastAdvance >= INTERVAL_MS) {
            lastAdvance = now;
            last = pending;
            pending = null;
            sink.advance(last);
        }
    }
}

package io.cameldblog.core.consumer;

import io.cameldblog.core.LogPosition;
import io.cameldblog.core.StartPosition;

/**
 * A source's connection to its change log: one instance per connection attempt.
 * <p>
 * {@link #open} runs on the thread that starts the route, so what is wrong with the configuration (credentials,
 * grants, server settings, a position the server no longer has) fails the route's start. {@link #stream} then
 * runs on the consumer's own thread until {@link #close} or a failure.
 */
public interface ChangeLogReader<P extends LogPosition> extends AutoCloseable {

    /**
     * Connects and checks everything that can be checked before reading.
     *
     * @param  start where to continue: a position means "the next thing to read is here" (a resumed position
     *               includes how many rows of its transaction are already done)
     * @throws io.cameldblog.core.DbLogConfigurationException for settings only a person can fix
     * @throws Exception                                     for failures a retry may cure (network, server restart)
     */
    void open(StartPosition<P> start) throws Exception;

    /**
     * Reads and hands every event to the sink in log order, blocking until {@link #close()} is called
     * (then returns normally) or the connection fails (then throws). An exception thrown by the sink must
     * end the stream and be rethrown unchanged: the consumer restarts from the last processed position.
     */
    void stream(ChangeEventSink<P> sink) throws Exception;

    /**
     * {@code position} (one this reader delivered) is now durably stored by the resume strategy, or processed
     * when the route stores no positions. Sources whose server discards log behind a confirmed position
     * (PostgreSQL's slot) confirm only such positions. May be called from any thread.
     */
    default void positionStored(P position) {
    }

    /** Stops {@link #stream} from any thread and releases the connection; safe to call twice. */
    @Override
    void close();
}

package io.cameldblog.core.resume;

import java.util.Map;
import java.util.function.Consumer;

/**
 * A resume strategy that can say when a position is durably stored, not merely handed over.
 * <p>
 * Sources that let the server discard log (PostgreSQL's slot flush LSN, ...) only confirm positions they were
 * told are stored: after a crash the server must still have everything after the stored position. The
 * camel-dblog strategies implement this; with a strategy that does not, the consumer treats a position as
 * stored once its exchange completed.
 */
public interface StoredPositionNotifier {

    /**
     * Registers {@code listener} for the positions stored under {@code endpointName}. The listener receives
     * the stored map ({@link io.cameldblog.core.LogPosition#toMap()}), possibly from the strategy's own thread.
     *
     * @return closing it removes the listener
     */
    AutoCloseable onStored(String endpointName, Consumer<Map<String, Object>> listener);
}

package io.cameldblog.core.consumer;

import io.cameldblog.core.ChangeEvent;
import io.cameldblog.core.LogPosition;

/**
 * Where a {@link ChangeLogReader} delivers. Calls come from the reader's thread, one at a time, in log order.
 */
public interface ChangeEventSink<P extends LogPosition> {

    /**
     * Routes one event and returns once the route has processed it.
     *
     * @throws EventNotProcessedException when the route failed it: the reader must stop and rethrow, so that
     *                                    nothing after it is read before it is delivered again
     */
    void emit(ChangeEvent event) throws Exception;

    /**
     * The reader passed {@code position} without an event to deliver (a transaction of filtered tables, a
     * heartbeat, the resolved start of {@code latest}). Stores it so that idle captured tables do not pin the
     * log, and a restart does not re-read what was skipped.
     */
    void advance(P position);

    /**
     * The reader is between two transactions at {@code position}: everything before it is delivered, and a restart
     * from it reads nothing twice. A snapshot under way reads its next chunk here, or delivers the chunk whose
     * watermark {@code position} has passed. Readers call it after each transaction and when the log is idle
     * (keepalive, heartbeat, empty batch: with the position of the log's end), and once right after opening.
     *
     * @throws EventNotProcessedException as {@link #emit}: snapshot rows are delivered here
     */
    default void betweenTransactions(P position) throws Exception {
    }

    /**
     * Whether {@link #betweenTransactions} has work now (a snapshot under way or asked for). A reader whose
     * between-transactions position costs something to build (a GTID set as text) may skip the call when false;
     * calling it anyway is always right.
     */
    default boolean snapshotUnderWay() {
        return true;
    }
}

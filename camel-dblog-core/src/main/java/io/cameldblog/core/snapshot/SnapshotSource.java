package io.cameldblog.core.snapshot;

import java.util.List;

import io.cameldblog.core.LogPosition;

/**
 * A source's side of a snapshot: reads a table chunk by chunk in primary-key order on a connection of its own,
 * without locks and without a long transaction, and says where the log stood when it read. The
 * {@link Snapshotter} does the rest (the watermark window, progress, delivery); everything here runs on the
 * reader's thread.
 */
public interface SnapshotSource<P extends LogPosition> extends AutoCloseable {

    /**
     * The tables to read, in order.
     *
     * @param  tables the names a request gave ({@code db.table}, {@code schema.table}, {@code db.collection}), or
     *                null for every captured table that exists now (the table filters, less the signal table)
     * @param  where  a condition for every table of the request, or null
     * @throws io.cameldblog.core.DbLogConfigurationException for a table that does not exist, is not captured, or
     *                                                        has no primary key (naming the table and the fix)
     */
    List<SnapshotTable> tables(List<String> tables, String where) throws Exception;

    /**
     * Reads at most {@code limit} rows of {@code table} whose key comes after {@code afterKey} (from the first row
     * when null), in key order, and the chunk's watermark: a log position such that every change the rows do
     * not show comes in the log after {@code current}, and every change they do show comes before the watermark.
     * Log events between {@code current} and the watermark replace the rows they touch; the rest are delivered once
     * the reader reaches the watermark. Usually the log's end read after the rows (PostgreSQL's
     * {@code pg_current_wal_lsn()}, the newest oplog entry), or the snapshot's exact position where the server
     * gives one (MariaDB's {@code binlog_snapshot_file/position}); a source whose snapshot turned out older than
     * {@code current} reads the chunk again.
     *
     * @param afterKey a key this source gave in an earlier {@link SnapshotChunk#keys()}, possibly after a round
     *                 trip through the position store's JSON (numbers may come back as another Number type)
     * @param current  where the reader is: everything before it is delivered
     */
    SnapshotChunk<P> readChunk(SnapshotTable table, List<Object> afterKey, int limit, P current) throws Exception;

    /**
     * Whether a reader that has delivered everything before {@code current} (a position it gave to
     * {@link io.cameldblog.core.consumer.ChangeEventSink#betweenTransactions}) has passed {@code watermark}.
     */
    boolean reached(P current, P watermark);

    /**
     * Whether {@code event} carries only part of the row (MongoDB's oplog updates: the fields set, as a patch), so
     * that a chunk row it touches cannot simply be dropped: a consumer that never saw the whole row would be left
     * with the patch alone. Such rows are read again with {@link #readAgain} when the chunk is delivered.
     */
    default boolean isPartial(io.cameldblog.core.ChangeEvent event) {
        return false;
    }

    /**
     * The rows of {@code table} with these keys as they are now (rows gone since are left out), as
     * {@link SnapshotChunk#rows()}: for chunk rows a partial log event touched inside the window. Called once the
     * reader has passed the window's watermark, so what they show is at least as new as every event delivered; the
     * events between the reader and the read that follow them in the log are applied again by a consumer on a
     * newer row, which ends in the same document (each event sets, removes or replaces whole fields).
     */
    default List<io.cameldblog.core.ChangeEvent> readAgain(SnapshotTable table, List<List<Object>> keys)
            throws Exception {
        throw new UnsupportedOperationException(getClass().getName() + " reports partial events but cannot read rows"
                                                + " again");
    }

    @Override
    void close();
}

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
     * when null), in key order, and then the log's current position as the chunk's watermark.
     *
     * @param afterKey a key this source gave in an earlier {@link SnapshotChunk#keys()}, possibly after a round
     *                 trip through the position store's JSON (numbers may come back as another Number type)
     */
    SnapshotChunk<P> readChunk(SnapshotTable table, List<Object> afterKey, int limit) throws Exception;

    /**
     * Whether a reader that has delivered everything before {@code current} (a position it gave to
     * {@link io.cameldblog.core.consumer.ChangeEventSink#betweenTransactions}) has passed {@code watermark}.
     */
    boolean reached(P current, P watermark);

    @Override
    void close();
}

package io.cameldblog.core.snapshot;

import java.util.List;

import io.cameldblog.core.ChangeEvent;
import io.cameldblog.core.LogPosition;

/**
 * One chunk a {@link SnapshotSource} read: rows in primary-key order and the log position (the high watermark)
 * from which on the log holds every change the rows do not show.
 *
 * @param rows      {@code op = r} events, {@code before} null, {@code after} the whole row, in key order; their
 *                  position is left unset (the snapshotter gives them one)
 * @param keys      each row's key in key-column order, JSON-friendly (strings, numbers, booleans): the snapshot's
 *                  stored progress, handed back to {@link SnapshotSource#readChunk} after a restart
 * @param last      true when the table has no rows after these
 * @param watermark the log position read after the rows: once the reader has delivered the log up to it, the rows
 *                  not replaced by a log event in between are current
 */
public record SnapshotChunk<P extends LogPosition>(List<ChangeEvent> rows, List<List<Object>> keys, boolean last,
        P watermark) {

    public SnapshotChunk {
        if (rows.size() != keys.size()) {
            throw new IllegalArgumentException("one key per row: " + rows.size() + " rows, " + keys.size() + " keys");
        }
    }
}

package io.cameldblog.core.snapshot;

import java.util.List;
import java.util.Objects;

/**
 * One table (collection) a snapshot reads: its name as the table filters see it ({@code db.table},
 * {@code schema.table}, {@code db.collection}), an optional SQL {@code WHERE} condition (a JSON filter for MongoDB)
 * and the primary-key columns that order its chunks.
 */
public record SnapshotTable(String name, String where, List<String> keyColumns) {

    public SnapshotTable {
        Objects.requireNonNull(name, "name");
        keyColumns = List.copyOf(keyColumns);
        where = where == null || where.isBlank() ? null : where;
    }
}

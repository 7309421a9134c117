package io.cameldblog.postgres;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalInt;

import io.cameldblog.core.LogPosition;

/**
 * A place in a logical replication slot's stream: the commit LSN of a transaction and how many of its row
 * changes are already processed.
 * <p>
 * PostgreSQL sends a transaction again when replication restarts at or before its commit LSN, so a reader that
 * starts at {@link #lsn()} and skips the first {@link #rowsDone()} changes continues exactly after the last
 * processed row. {@code rowsDone == 0} means "nothing of the transaction committing at or after {@code lsn} is
 * done", the form used for start positions and for points between transactions (heartbeats, filtered
 * transactions, which use the end LSN of the last transaction passed).
 */
public final class PgPosition implements LogPosition, Comparable<PgPosition> {

    private final long lsn;
    private final long rowsDone;

    public PgPosition(long lsn, long rowsDone) {
        if (rowsDone < 0) {
            throw new IllegalArgumentException("rowsDone must not be negative: " + rowsDone);
        }
        this.lsn = lsn;
        this.rowsDone = rowsDone;
    }

    public static PgPosition at(long lsn) {
        return new PgPosition(lsn, 0);
    }

    public long lsn() {
        return lsn;
    }

    public long rowsDone() {
        return rowsDone;
    }

    /** The LSN, like {@code 0/16B3748}: the position text form of the contract. */
    @Override
    public String text() {
        return Lsn.format(lsn);
    }

    @Override
    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("lsn", text());
        m.put("rows", rowsDone);
        return m;
    }

    @Override
    public int compareTo(PgPosition o) {
        int c = Long.compareUnsigned(lsn, o.lsn);
        return c != 0 ? c : Long.compare(rowsDone, o.rowsDone);
    }

    @Override
    public OptionalInt compareToStored(Map<String, Object> stored) {
        try {
            return OptionalInt.of(compareTo(PgPositionCodec.INSTANCE.fromMap(stored)));
        } catch (IllegalArgumentException e) {
            return OptionalInt.empty();
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PgPosition p && p.lsn == lsn && p.rowsDone == rowsDone;
    }

    @Override
    public int hashCode() {
        return Long.hashCode(lsn) * 31 + Long.hashCode(rowsDone);
    }

    @Override
    public String toString() {
        return rowsDone == 0 ? text() : text() + " (+" + rowsDone + " rows)";
    }
}

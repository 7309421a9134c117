package io.cameldblog.mysql;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalInt;

import io.cameldblog.core.LogPosition;

/**
 * Where a binlog reader continues: the start of a transaction in the binary log ({@code file:pos}, the event
 * that opens it) and how many captured rows of that transaction are already processed.
 * <p>
 * Keeping the transaction start rather than the last row event is what makes a restart inside a multi-row
 * transaction exact: the reader re-reads the transaction from its first event (the table maps it needs are
 * there) and skips {@link #rowsDone()} rows. {@code gtidSet} is the server's executed set before this
 * transaction, when the server uses GTIDs; with {@code gtidMode} the reader reconnects by it instead of by file
 * and offset, which survives a switch to another server of the same replication topology.
 */
public final class BinlogPosition implements LogPosition {

    private final String file;
    private final long offset;
    private final long rowsDone;
    private final String gtidSet;

    public BinlogPosition(String file, long offset, long rowsDone, String gtidSet) {
        if (file == null || file.isBlank()) {
            throw new IllegalArgumentException("binlog file name is empty");
        }
        if (offset < 4) {
            throw new IllegalArgumentException("binlog offset " + offset + " is before the first event (4)");
        }
        if (rowsDone < 0) {
            throw new IllegalArgumentException("rows done " + rowsDone + " is negative");
        }
        this.file = file;
        this.offset = offset;
        this.rowsDone = rowsDone;
        this.gtidSet = gtidSet == null || gtidSet.isBlank() ? null : gtidSet;
    }

    public static BinlogPosition of(String file, long offset) {
        return new BinlogPosition(file, offset, 0, null);
    }

    public String file() {
        return file;
    }

    public long offset() {
        return offset;
    }

    public long rowsDone() {
        return rowsDone;
    }

    public String gtidSet() {
        return gtidSet;
    }

    public BinlogPosition withRowsDone(long rows) {
        return new BinlogPosition(file, offset, rows, gtidSet);
    }

    @Override
    public String text() {
        return file + ":" + offset;
    }

    @Override
    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("file", file);
        m.put("pos", offset);
        m.put("rows", rowsDone);
        if (gtidSet != null) {
            m.put("gtids", gtidSet);
        }
        return m;
    }

    /** Within one binlog (same base name): by file number, offset, rows done; files of other names are unordered. */
    @Override
    public OptionalInt compareToStored(Map<String, Object> stored) {
        try {
            BinlogPosition other = BinlogPositionCodec.INSTANCE.fromMap(stored);
            int dot = file.lastIndexOf('.');
            if (dot < 0 || !other.file.startsWith(file.substring(0, dot + 1))
                || other.file.indexOf('.', dot + 1) >= 0) {
                return OptionalInt.empty();
            }
            int c = Long.compare(Long.parseLong(file.substring(dot + 1)), Long.parseLong(other.file.substring(dot + 1)));
            if (c == 0) {
                c = Long.compare(offset, other.offset);
            }
            return OptionalInt.of(c != 0 ? c : Long.compare(rowsDone, other.rowsDone));
        } catch (IllegalArgumentException e) {
            return OptionalInt.empty();
        }
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof BinlogPosition)) {
            return false;
        }
        BinlogPosition that = (BinlogPosition) o;
        return offset == that.offset && rowsDone == that.rowsDone && file.equals(that.file)
                && Objects.equals(gtidSet, that.gtidSet);
    }

    @Override
    public int hashCode() {
        return Objects.hash(file, offset, rowsDone, gtidSet);
    }

    @Override
    public String toString() {
        return text() + (rowsDone > 0 ? " +" + rowsDone + " rows" : "") + (gtidSet != null ? " [" + gtidSet + "]" : "");
    }
}

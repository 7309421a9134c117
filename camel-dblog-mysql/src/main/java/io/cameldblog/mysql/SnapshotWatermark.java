package io.cameldblog.mysql;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Set;

/**
 * Where the binlog stands for a snapshot chunk, and the order of binlog positions.
 * <p>
 * MariaDB gives the exact position a consistent snapshot sees: {@code binlog_snapshot_file/position} inside a
 * transaction opened {@code WITH CONSISTENT SNAPSHOT} is the end of the last transaction the snapshot shows; every
 * transaction before it is visible and none after it. Oracle MySQL has no such variable: there the binlog's end
 * read after the rows stands in for it ({@link #logEnd}), which leaves a small race (docs/mysql.md, Snapshots).
 */
final class SnapshotWatermark {

    /** Events a binlog holds between transactions: they change no row. */
    private static final Set<String> NO_ROWS = Set.of("Format_desc", "Gtid_list", "Binlog_checkpoint", "Rotate",
            "Previous_gtids", "Stop", "Heartbeat", "Start_encryption");
    /** How many events {@link #onlyNonTransactionEventsBetween} looks at before it answers "maybe rows". */
    private static final int MAX_EVENTS = 100;

    private SnapshotWatermark() {
    }

    /** The snapshot's exact position, or null where the server does not report one (MySQL). */
    static BinlogPosition ofSnapshot(Connection c) throws SQLException {
        String file = null;
        long pos = -1;
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SHOW STATUS LIKE 'binlog_snapshot_%'")) {
            while (rs.next()) {
                String name = rs.getString(1).toLowerCase();
                if (name.equals("binlog_snapshot_file")) {
                    file = rs.getString(2);
                } else if (name.equals("binlog_snapshot_position")) {
                    pos = rs.getLong(2);
                }
            }
        }
        return file == null || file.isEmpty() || pos < 4 ? null : BinlogPosition.of(file, pos);
    }

    /** The binlog's end now ({@code SHOW MASTER STATUS} or its newer name). */
    static BinlogPosition logEnd(Connection c, ServerVersion version) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(version.binlogStatusStatement())) {
            if (!rs.next()) {
                throw new SQLException("the server reports no binary log status");
            }
            return BinlogPosition.of(rs.getString(1), rs.getLong(2));
        }
    }

    /**
     * Whether only events that change no row lie between {@code from} and {@code to} ({@code from} before
     * {@code to}): a binlog checkpoint written after the last commit, a new file's header. Then a snapshot at
     * {@code from} shows everything a reader at {@code to} delivered. False when a transaction lies in between (one
     * written to the binlog whose commit the snapshot does not show yet) or when that cannot be told.
     */
    static boolean onlyNonTransactionEventsBetween(Connection c, BinlogPosition from, BinlogPosition to,
            List<String> files) throws SQLException {
        int first = files.indexOf(from.file());
        int last = files.indexOf(to.file());
        if (first < 0 || last < first) {
            return false;
        }
        int seen = 0;
        for (int f = first; f <= last; f++) {
            String file = files.get(f);
            long start = f == first ? from.offset() : 4;
            String sql = "SHOW BINLOG EVENTS IN '" + file.replace("'", "''") + "' FROM " + start + " LIMIT "
                         + (MAX_EVENTS + 1);
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
                while (rs.next()) {
                    long pos = rs.getLong("Pos");
                    if (f == last && pos >= to.offset()) {
                        return true;
                    }
                    if (++seen > MAX_EVENTS || !NO_ROWS.contains(rs.getString("Event_type"))) {
                        return false;
                    }
                }
            }
        }
        return true;
    }

    /** By binlog file number, then offset; files of other base names by name. Rows done do not count. */
    static int compare(BinlogPosition a, BinlogPosition b) {
        int c = compareFiles(a.file(), b.file());
        return c != 0 ? c : Long.compare(a.offset(), b.offset());
    }

    private static int compareFiles(String a, String b) {
        int da = a.lastIndexOf('.');
        int db = b.lastIndexOf('.');
        if (da > 0 && db > 0 && a.substring(0, da).equals(b.substring(0, db))) {
            try {
                return Long.compare(Long.parseLong(a.substring(da + 1)), Long.parseLong(b.substring(db + 1)));
            } catch (NumberFormatException e) {
                // not numbered: by name
            }
        }
        return a.compareTo(b);
    }
}

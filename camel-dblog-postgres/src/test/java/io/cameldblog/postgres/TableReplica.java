package io.cameldblog.postgres;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import io.cameldblog.core.ChangeEvent;
import io.cameldblog.core.Operation;
import io.cameldblog.sandbox.SandboxPostgres;

/**
 * A copy of one table {@code (id int PRIMARY KEY, v int, payload text)} built only from a route's events, as a
 * target would apply them: c, u and r upsert by key, d deletes. Compared with the real table at the end.
 */
final class TableReplica {

    private final String table;
    final Map<Integer, String> rows = new ConcurrentHashMap<>();
    final AtomicInteger snapshotRows = new AtomicInteger();
    /** op=r rows of a key the snapshot had delivered already. */
    final AtomicInteger snapshotRepeats = new AtomicInteger();
    private final java.util.Set<Integer> snapshotKeys = ConcurrentHashMap.newKeySet();
    final AtomicInteger logEvents = new AtomicInteger();
    /** Log events applied before the snapshot's last row: the stream ran through the snapshot. */
    final AtomicLong logEventsDuringSnapshot = new AtomicLong();
    volatile boolean snapshotDone;

    TableReplica(String table) {
        this.table = table;
    }

    void apply(ChangeEvent e) {
        if (!table.equals(e.source().table())) {
            return;
        }
        if (e.op() == Operation.READ) {
            snapshotRows.incrementAndGet();
            if (!snapshotKeys.add((Integer) e.after().get("id"))) {
                snapshotRepeats.incrementAndGet();
            }
            if ("last".equals(e.source().extra().get("snapshot"))) {
                snapshotDone = true;
            }
        } else {
            logEvents.incrementAndGet();
            if (snapshotRows.get() > 0 && !snapshotDone) {
                logEventsDuringSnapshot.incrementAndGet();
            }
        }
        if (e.op() == Operation.DELETE) {
            rows.remove((Integer) e.before().get("id"));
        } else if (e.op() == Operation.TRUNCATE) {
            rows.clear();
        } else {
            rows.put((Integer) e.after().get("id"), e.after().get("v") + "|" + e.after().get("payload"));
        }
    }

    /** The real table in the same form. */
    static Map<Integer, String> real(SandboxPostgres pg, String db, String table) {
        Map<Integer, String> real = new java.util.HashMap<>();
        List<String> lines = PgTestSupport.column(pg, db, "SELECT id || E'\\t' || coalesce(v::text, 'null') || '|'"
                                                          + " || coalesce(payload, 'null') FROM " + table);
        for (String line : lines) {
            int tab = line.indexOf('\t');
            real.put(Integer.valueOf(line.substring(0, tab)), line.substring(tab + 1));
        }
        return real;
    }
}

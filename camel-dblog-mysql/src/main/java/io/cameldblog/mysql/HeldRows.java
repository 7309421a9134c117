package io.cameldblog.mysql;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.cameldblog.core.ChangeEvent;
import io.cameldblog.core.consumer.ChangeEventSink;

/**
 * The captured rows of the open transaction that are not delivered yet.
 * <p>
 * A binlog transaction is not always all committed: when it wrote a non-transactional table (MyISAM, Aria,
 * MEMORY), the server logs {@code ROLLBACK TO `sp`} after rows that a savepoint rollback undid, and a whole
 * transaction that was rolled back ends in a {@code ROLLBACK} query after its rows (a replica replays and undoes
 * them). Rows are therefore held until the transaction's end and delivered only when it commits; a rollback to a
 * savepoint drops the rows held since it.
 * <p>
 * At most {@link #LIMIT} rows are held: when that many are pending they are delivered, so a huge transaction
 * does not exhaust memory. A rollback that then undoes rows already delivered is reported by the count it
 * returns.
 */
final class HeldRows {

    static final int LIMIT = 10_000;

    private final List<ChangeEvent> pending = new ArrayList<>();
    /** savepoint name to the number of rows (delivered and pending) held before it */
    private final Map<String, Long> savepoints = new LinkedHashMap<>();
    private final int limit;
    private long delivered;

    HeldRows() {
        this(LIMIT);
    }

    HeldRows(int limit) {
        this.limit = limit;
    }

    void add(ChangeEvent event, ChangeEventSink<?> sink) throws Exception {
        pending.add(event);
        if (pending.size() >= limit) {
            deliver(sink);
        }
    }

    void savepoint(String name) {
        // a savepoint set again under the same name moves
        savepoints.remove(name);
        savepoints.put(name, delivered + pending.size());
    }

    /**
     * Drops the rows held since {@code name} was set, and the savepoints set after it.
     *
     * @return how many of the undone rows were already delivered (0 when all were still held); -1 when the
     *         savepoint is unknown (set before the rows this reader started with) and nothing was dropped
     */
    long rollbackTo(String name) {
        Long mark = savepoints.get(name);
        if (mark == null) {
            return -1;
        }
        boolean after = false;
        for (Iterator<Map.Entry<String, Long>> it = savepoints.entrySet().iterator(); it.hasNext();) {
            Map.Entry<String, Long> e = it.next();
            if (after) {
                it.remove();
            }
            after |= e.getKey().equals(name);
        }
        long keepPending = Math.max(0, mark - delivered);
        pending.subList((int) keepPending, pending.size()).clear();
        return Math.max(0, delivered - mark);
    }

    /** Delivers every pending row, in order. */
    void deliver(ChangeEventSink<?> sink) throws Exception {
        for (ChangeEvent e : pending) {
            sink.emit(e);
            delivered++;
        }
        pending.clear();
    }

    /** Drops every pending row; returns how many rows of the transaction were already delivered. */
    long discard() {
        pending.clear();
        return delivered;
    }

    boolean anyDelivered() {
        return delivered > 0;
    }
}

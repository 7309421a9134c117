package io.cameldblog.mysql;

import java.util.function.Supplier;

import io.cameldblog.core.ChangeEvent;
import io.cameldblog.core.DbLogConfigurationException;
import io.cameldblog.core.consumer.ChangeEventSink;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where the stream is: the current binlog file and the current unit, a transaction ({@code GTID}/{@code BEGIN}
 * .. {@code XID}/{@code COMMIT}/{@code XA PREPARE}) or a statement logged on its own (DDL, {@code TRUNCATE}).
 * <p>
 * A unit starts at its first event (the GTID event, else {@code BEGIN} or the statement itself) and every row
 * position is "unit start + rows done". Rows are numbered in log order, captured or not, so a restart at a
 * stored position re-reads the unit, counts the same way and skips exactly the rows already processed. Events
 * between the start and the end of a transaction ({@code SAVEPOINT}, {@code ROLLBACK TO}, statements on
 * non-transactional tables) never end it; their offsets (0 on MariaDB 11) are never stored.
 */
final class BinlogCursor {

    private static final Logger LOG = LoggerFactory.getLogger(BinlogCursor.class);

    /** How often a run of units without captured rows stores its progress. */
    private static final long ADVANCE_INTERVAL_MS = 1000;

    private final String name;
    private final ChangeEventSink<BinlogPosition> sink;
    private final Supplier<String> gtidSetNow;
    private final int holdLimit;

    private String file;
    private long skipRows;
    private String gtidSetBefore;
    private long lastAdvanceMs;

    private boolean inUnit;
    private boolean inTransaction;
    private long unitStart;
    private String gtid;
    private long rows;
    private boolean emitted;
    private HeldRows held;

    BinlogCursor(String name, ChangeEventSink<BinlogPosition> sink, BinlogPosition start, Supplier<String> gtidSetNow,
                 int holdLimit) {
        this.name = name;
        this.sink = sink;
        this.gtidSetNow = gtidSetNow;
        this.holdLimit = holdLimit;
        this.file = start.file();
        this.skipRows = start.rowsDone();
        this.gtidSetBefore = start.gtidSet();
    }

    String file() {
        return file;
    }

    void rotate(String nextFile) {
        file = nextFile;
    }

    /** A GTID event: a unit starts here; {@code transaction} when it is known to be a transaction (MariaDB flags). */
    void startUnit(EventAddress at, String unitGtid, boolean transaction) throws Exception {
        if (inTransaction) {
            // the previous transaction's end was not in the log: deliver what it held rather than lose it
            LOG.warn("{}: transaction at {}:{} has no end event before the next transaction at {}:{}; its rows are"
                     + " delivered as committed", name, file, unitStart, file, at.position());
            // no position after it to store: the next unit starts here
            end(null, true);
        }
        inUnit = true;
        inTransaction = transaction;
        unitStart = at.position();
        gtid = unitGtid;
        rows = 0;
        emitted = false;
        held = new HeldRows(holdLimit);
        String now = gtidSetNow.get();
        if (now != null) {
            gtidSetBefore = now;
        }
    }

    /** {@code BEGIN} / {@code XA START}: the unit a GTID event started is a transaction, or one starts here. */
    void beginTransaction(EventAddress at) throws Exception {
        if (!inUnit) {
            startUnit(at, null, true);
        }
        inTransaction = true;
    }

    boolean inTransaction() {
        return inTransaction;
    }

    /** A statement outside a transaction: its own unit, starting at its GTID event if one preceded it. */
    void startStatement(EventAddress at) throws Exception {
        if (!inUnit) {
            startUnit(at, null, false);
        }
    }

    /**
     * Counts one row (or truncate) of the current unit.
     *
     * @return whether it is new, i.e. not among the rows a restart skips
     */
    boolean nextRow(EventAddress at) {
        if (!inUnit) {
            throw new DbLogConfigurationException("A row event at " + file + " outside any transaction: the start"
                                                  + " position is not the start of a transaction.",
                    "start from a transaction's first event (a position this component stored, startPosition=latest"
                                                                                                   + " or earliest, or the GTID/BEGIN event's offset from mysqlbinlog).");
        }
        rows++;
        return rows > skipRows;
    }

    /** The position that, once the current row is processed, continues right after it. */
    BinlogPosition rowPosition() {
        return new BinlogPosition(file, unitStart, rows, gtidSetBefore);
    }

    long unitStart() {
        return unitStart;
    }

    /** 0-based number of the current row in its unit. */
    long rowIndex() {
        return rows - 1;
    }

    String gtid() {
        return gtid;
    }

    /** Delivers a captured row: held until its transaction commits, at once for a statement on its own. */
    void deliver(ChangeEvent event) throws Exception {
        emitted = true;
        if (inTransaction) {
            held.add(event, sink);
        } else {
            sink.emit(event);
        }
    }

    void savepoint(String savepoint) {
        if (inTransaction) {
            held.savepoint(savepoint);
        }
    }

    void rollbackToSavepoint(String savepoint) {
        if (!inTransaction) {
            return;
        }
        long undone = held.rollbackTo(savepoint);
        if (undone > 0) {
            LOG.error("{}: ROLLBACK TO {} in the transaction at {}:{} undid {} row(s) already delivered (the"
                      + " transaction held more than {} captured rows): the target has rows the source does not",
                    name, savepoint, file, unitStart, undone, holdLimit);
        } else if (undone < 0) {
            LOG.debug("{}: ROLLBACK TO {} names a savepoint set before the rows this reader started with", name,
                    savepoint);
        }
    }

    /** {@code XID}, {@code COMMIT}, {@code XA PREPARE}, or the end of a statement on its own. */
    void commit(EventAddress at) throws Exception {
        end(at, true);
    }

    /** A {@code ROLLBACK} query: the transaction's logged rows did not happen. */
    void rollback(EventAddress at) throws Exception {
        if (!inUnit) {
            return;
        }
        long delivered = held.discard();
        if (delivered > 0) {
            LOG.error("{}: the transaction at {}:{} was rolled back after {} of its rows were delivered (it held more"
                      + " than {} captured rows): the target has rows the source does not", name, file, unitStart,
                    delivered, holdLimit);
        }
        end(at, false);
    }

    /** Ends the unit; {@code at} is its last event, or null when no position after it may be stored. */
    private void end(EventAddress at, boolean committed) throws Exception {
        if (!inUnit) {
            return;
        }
        if (committed) {
            held.deliver(sink);
        }
        // a rolled-back transaction stored nothing unless it delivered rows before its rollback
        boolean stored = emitted && (committed || held.anyDelivered());
        inUnit = false;
        inTransaction = false;
        skipRows = 0;
        emitted = false;
        held = null;
        if (at == null || !at.hasNextPosition()) {
            return;
        }
        boolean advance = false;
        if (!stored) {
            long now = System.currentTimeMillis();
            if (now - lastAdvanceMs >= ADVANCE_INTERVAL_MS) {
                lastAdvanceMs = now;
                advance = true;
            }
        }
        boolean snapshot = sink.snapshotUnderWay();
        if (!advance && !snapshot) {
            // the usual case: no position needed, and in gtidMode the GTID set as text costs per transaction
            return;
        }
        BinlogPosition next = new BinlogPosition(file, at.nextPosition(), 0, gtidSetNow.get());
        if (advance) {
            sink.advance(next);
        }
        if (snapshot) {
            // a snapshot under way reads its next chunk here, or delivers the one whose watermark this passed
            sink.betweenTransactions(next);
        }
    }

    /**
     * The server says the log ends at {@code offset} of {@code logFile} and everything before it was sent (a
     * heartbeat on an idle connection): outside a unit, the reader is between transactions there, so a snapshot
     * chunk waiting for that watermark is delivered even when nothing else is written.
     */
    void idleAt(String logFile, long offset) throws Exception {
        if (inUnit || offset < 4) {
            return;
        }
        sink.betweenTransactions(new BinlogPosition(logFile == null || logFile.isEmpty() ? file : logFile, offset, 0,
                gtidSetNow.get()));
    }
}

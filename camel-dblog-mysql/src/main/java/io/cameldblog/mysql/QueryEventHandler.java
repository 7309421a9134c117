package io.cameldblog.mysql;

import com.github.shyiko.mysql.binlog.event.Event;
import com.github.shyiko.mysql.binlog.event.QueryEventData;
import io.cameldblog.core.TableFilter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code QUERY}: transaction boundaries ({@code BEGIN}, {@code COMMIT}, {@code ROLLBACK}, XA), savepoints, and
 * statements. A statement inside an open transaction ({@code SAVEPOINT}, {@code ROLLBACK TO}, a write to a
 * non-transactional table) stays inside it; outside one a statement is a unit of its own: a DDL statement makes
 * the catalogue forget the table it names, {@code TRUNCATE} of a captured table is delivered as one
 * {@code op = "t"} event.
 */
final class QueryEventHandler implements EventTypeHandler {

    private static final Logger LOG = LoggerFactory.getLogger(QueryEventHandler.class);

    private final String name;
    private final BinlogCursor cursor;
    private final TableFilter filter;
    private final TableMaps schemas;
    private final ChangeEventFactory events;

    QueryEventHandler(String name, BinlogCursor cursor, TableFilter filter, TableMaps schemas,
                      ChangeEventFactory events) {
        this.name = name;
        this.cursor = cursor;
        this.filter = filter;
        this.schemas = schemas;
        this.events = events;
    }

    @Override
    public void handle(Event event, EventAddress at) throws Exception {
        QueryEventData data = event.getData();
        BinlogQuery q = BinlogQuery.parse(data.getSql(), data.getDatabase());
        switch (q.kind()) {
            case BEGIN, XA_START -> cursor.beginTransaction(at);
            case COMMIT, XA_PREPARE -> cursor.commit(at);
            case ROLLBACK -> cursor.rollback(at);
            case SAVEPOINT -> cursor.savepoint(q.name());
            case ROLLBACK_TO_SAVEPOINT -> cursor.rollbackToSavepoint(q.name());
            case RELEASE_SAVEPOINT, XA_END -> {
                // inside the transaction; changes nothing that is delivered
            }
            case XA_COMMIT -> statement(at);
            case XA_ROLLBACK -> {
                LOG.error("{}: {} at {}:{}: the rows of that XA transaction were delivered at its XA PREPARE and did"
                          + " not happen", name, data.getSql(), cursor.file(), at.position());
                statement(at);
            }
            case TRUNCATE -> {
                if (cursor.inTransaction()) {
                    truncate(at, q);
                } else {
                    cursor.startStatement(at);
                    truncate(at, q);
                    cursor.commit(at);
                }
            }
            case TABLE_DDL -> {
                schemas.invalidate(q.db(), q.name());
                endIfStatement(at);
            }
            case OTHER -> {
                if (!cursor.inTransaction()) {
                    // a DDL statement whose table is not recognised: forget every table
                    schemas.invalidate(null, null);
                    statement(at);
                }
            }
        }
    }

    private void truncate(EventAddress at, BinlogQuery q) throws Exception {
        if (cursor.nextRow(at) && filter.matches(q.db(), q.name())) {
            cursor.deliver(events.truncate(at, q.db(), q.name()));
        }
    }

    private void endIfStatement(EventAddress at) throws Exception {
        if (!cursor.inTransaction()) {
            statement(at);
        }
    }

    /** A statement that is a unit of its own (or ends the unit its GTID event opened). */
    private void statement(EventAddress at) throws Exception {
        cursor.startStatement(at);
        cursor.commit(at);
    }
}

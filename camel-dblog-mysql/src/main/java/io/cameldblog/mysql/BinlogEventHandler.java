package io.cameldblog.mysql;

import java.util.EnumMap;
import java.util.Map;
import java.util.function.Supplier;

import com.github.shyiko.mysql.binlog.event.Event;
import com.github.shyiko.mysql.binlog.event.EventHeaderV4;
import com.github.shyiko.mysql.binlog.event.EventType;
import io.cameldblog.core.TableFilter;
import io.cameldblog.core.consumer.ChangeEventSink;

/**
 * Follows the binlog event by event, one {@link EventTypeHandler} per event type (as the binlog client has one
 * deserializer per type): transaction boundaries come from the events that open and end a transaction (GTID,
 * {@code BEGIN}, {@code XID}, {@code COMMIT}, XA), never from guessing at statements. Each captured row becomes a
 * {@link io.cameldblog.core.ChangeEvent} whose position is "its transaction's start + rows done".
 * <p>
 * When the reader resumes inside a transaction, the first transaction read is the one the position names and its
 * first {@code rowsDone} rows are skipped: they were processed before the restart. Event types without a handler
 * (format description, previous-GTIDs, annotations, checkpoints) carry nothing to deliver; a heartbeat tells a
 * snapshot where the idle log ends.
 */
final class BinlogEventHandler {

    private final Map<EventType, EventTypeHandler> handlers = new EnumMap<>(EventType.class);
    private final TableMaps tableMaps;

    BinlogEventHandler(String name, TableFilter filter, TableSchemas schemas, ChangeEventSink<BinlogPosition> sink,
                       BinlogPosition start, Supplier<String> gtidSetNow) {
        this(name, filter, schemas, sink, start, gtidSetNow, HeldRows.LIMIT);
    }

    BinlogEventHandler(String name, TableFilter filter, TableSchemas schemas, ChangeEventSink<BinlogPosition> sink,
                       BinlogPosition start, Supplier<String> gtidSetNow, int holdLimit) {
        BinlogCursor cursor = new BinlogCursor(name, sink, start, gtidSetNow, holdLimit);
        ChangeEventFactory events = new ChangeEventFactory(name, cursor);
        tableMaps = new TableMaps(schemas);

        handlers.put(EventType.ROTATE, new RotateEventHandler(cursor, tableMaps));
        EventTypeHandler gtid = new GtidEventHandler(cursor);
        handlers.put(EventType.GTID, gtid);
        handlers.put(EventType.ANONYMOUS_GTID, gtid);
        handlers.put(EventType.GTID_TAGGED, gtid);
        handlers.put(EventType.MARIADB_GTID, new MariadbGtidEventHandler(cursor));
        handlers.put(EventType.QUERY, new QueryEventHandler(name, cursor, filter, tableMaps, events));
        handlers.put(EventType.TABLE_MAP, new TableMapEventHandler(tableMaps));
        EventTypeHandler rows = new RowsEventHandler(cursor, tableMaps, filter, events);
        for (EventType t : new EventType[] { EventType.WRITE_ROWS, EventType.EXT_WRITE_ROWS, EventType.UPDATE_ROWS,
                EventType.EXT_UPDATE_ROWS, EventType.DELETE_ROWS, EventType.EXT_DELETE_ROWS }) {
            handlers.put(t, rows);
        }
        handlers.put(EventType.PARTIAL_UPDATE_ROWS_EVENT, new PartialUpdateRowsEventHandler(cursor, tableMaps, filter));
        EventTypeHandler end = new TransactionEndHandler(cursor);
        handlers.put(EventType.XID, end);
        handlers.put(EventType.XA_PREPARE, end);
        handlers.put(EventType.HEARTBEAT, new HeartbeatEventHandler(cursor));
        handlers.put(EventType.TRANSACTION_PAYLOAD, new TransactionPayloadEventHandler(this));
    }

    void handle(Event event) throws Exception {
        EventHeaderV4 header = event.getHeader();
        handle(event, EventAddress.of(header));
    }

    void handle(Event event, EventAddress at) throws Exception {
        EventHeaderV4 header = event.getHeader();
        EventTypeHandler handler = handlers.get(header.getEventType());
        if (handler != null) {
            handler.handle(event, at);
        }
    }

    /** Table maps and schemas currently kept (they are dropped on each rotation). */
    int cachedTables() {
        return tableMaps.size();
    }
}

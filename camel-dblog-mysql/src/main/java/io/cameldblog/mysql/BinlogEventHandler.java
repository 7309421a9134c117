package io.cameldblog.mysql;

import java.io.Serializable;
import java.sql.SQLException;
import java.util.BitSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.github.shyiko.mysql.binlog.event.DeleteRowsEventData;
import com.github.shyiko.mysql.binlog.event.Event;
import com.github.shyiko.mysql.binlog.event.EventHeaderV4;
import com.github.shyiko.mysql.binlog.event.EventType;
import com.github.shyiko.mysql.binlog.event.GtidEventData;
import com.github.shyiko.mysql.binlog.event.MariadbGtidEventData;
import com.github.shyiko.mysql.binlog.event.QueryEventData;
import com.github.shyiko.mysql.binlog.event.RotateEventData;
import com.github.shyiko.mysql.binlog.event.TableMapEventData;
import com.github.shyiko.mysql.binlog.event.TransactionPayloadEventData;
import com.github.shyiko.mysql.binlog.event.UpdateRowsEventData;
import com.github.shyiko.mysql.binlog.event.WriteRowsEventData;
import io.cameldblog.core.ChangeEvent;
import io.cameldblog.core.Operation;
import io.cameldblog.core.SourceInfo;
import io.cameldblog.core.TableFilter;
import io.cameldblog.core.consumer.ChangeEventSink;

/**
 * Follows the binlog event by event: tracks the current file and transaction, keeps the table maps, and turns
 * each captured row of a rows event into a {@link ChangeEvent} whose position is "this transaction's start +
 * rows done".
 * <p>
 * When the reader resumes inside a transaction, the first transaction read is the one the position names and
 * its first {@code rowsDone} rows are skipped: they were processed before the restart.
 */
final class BinlogEventHandler {

    /** How often a run of transactions without captured rows stores its progress. */
    private static final long ADVANCE_INTERVAL_MS = 1000;

    private static final Pattern DDL_TABLE = Pattern.compile(
            "^\\s*(?:ALTER|CREATE|DROP|RENAME|TRUNCATE)\\s+(?:TEMPORARY\\s+)?(?:TABLE|INDEX)\\s+(?:IF\\s+(?:NOT\\s+)?EXISTS\\s+)?"
                                                             + "(?:`?([^`.\\s]+)`?\\.)?`?([^`.\\s(]+)`?",
            Pattern.CASE_INSENSITIVE);

    private final String name;
    private final TableFilter filter;
    private final TableSchemaResolver resolver;
    private final TableCatalog catalog;
    private final ChangeEventSink<BinlogPosition> sink;
    private final Supplier<String> gtidSetNow;

    private final Map<Long, TableMapEventData> tableMaps = new HashMap<>();
    private final Map<Long, TableSchema> schemas = new HashMap<>();

    private String file;
    private boolean inTransaction;
    private long txStart;
    private String txGtidSetBefore;
    private String txGtid;
    private long txRows;
    private boolean txEmitted;
    private long skipRows;
    private long lastAdvanceMs;

    BinlogEventHandler(String name, TableFilter filter, TableSchemaResolver resolver, TableCatalog catalog,
                       ChangeEventSink<BinlogPosition> sink, BinlogPosition start, Supplier<String> gtidSetNow) {
        this.name = name;
        this.filter = filter;
        this.resolver = resolver;
        this.catalog = catalog;
        this.sink = sink;
        this.gtidSetNow = gtidSetNow;
        this.file = start.file();
        this.skipRows = start.rowsDone();
        this.txGtidSetBefore = start.gtidSet();
    }

    void handle(Event event) throws Exception {
        EventHeaderV4 header = event.getHeader();
        EventType type = header.getEventType();
        switch (type) {
            case ROTATE -> {
                RotateEventData rotate = event.getData();
                file = rotate.getBinlogFilename();
            }
            case GTID, ANONYMOUS_GTID, GTID_TAGGED -> {
                GtidEventData gtid = event.getData();
                beginTransaction(header, gtid == null ? null : gtid.getGtid());
            }
            case MARIADB_GTID -> {
                MariadbGtidEventData gtid = event.getData();
                // in file/offset mode MariaDB writes server id 0 into the event body: the header has the real one
                beginTransaction(header, gtid.getDomainId() + "-" + header.getServerId() + "-" + gtid.getSequence());
            }
            case QUERY -> query(header, event.getData());
            case TABLE_MAP -> {
                TableMapEventData map = event.getData();
                tableMaps.put(map.getTableId(), map);
                schemas.remove(map.getTableId());
            }
            case WRITE_ROWS, EXT_WRITE_ROWS -> {
                WriteRowsEventData d = event.getData();
                // the client's row lists are linked lists: iterate, never index
                for (Serializable[] after : d.getRows()) {
                    row(header, d.getTableId(), Operation.INSERT, null, d.getIncludedColumns(), after,
                            d.getIncludedColumns());
                }
            }
            case UPDATE_ROWS, EXT_UPDATE_ROWS -> {
                UpdateRowsEventData d = event.getData();
                for (Map.Entry<Serializable[], Serializable[]> r : d.getRows()) {
                    row(header, d.getTableId(), Operation.UPDATE, r.getKey(), d.getIncludedColumnsBeforeUpdate(),
                            r.getValue(), d.getIncludedColumns());
                }
            }
            case DELETE_ROWS, EXT_DELETE_ROWS -> {
                DeleteRowsEventData d = event.getData();
                for (Serializable[] before : d.getRows()) {
                    row(header, d.getTableId(), Operation.DELETE, before, d.getIncludedColumns(), null, null);
                }
            }
            case XID -> commit(header);
            case TRANSACTION_PAYLOAD -> {
                TransactionPayloadEventData payload = event.getData();
                for (Event inner : payload.getUncompressedEvents()) {
                    handle(inner);
                }
            }
            default -> {
                // format description, heartbeats, previous-GTIDs, annotations: nothing to deliver
            }
        }
    }

    private void beginTransaction(EventHeaderV4 header, String gtid) {
        inTransaction = true;
        txStart = header.getPosition();
        txGtid = gtid;
        txRows = 0;
        txEmitted = false;
        String now = gtidSetNow.get();
        if (now != null) {
            txGtidSetBefore = now;
        }
    }

    private void query(EventHeaderV4 header, QueryEventData q) throws SQLException {
        String sql = q.getSql().trim();
        String upper = sql.length() > 16 ? sql.substring(0, 16).toUpperCase(Locale.ROOT) : sql.toUpperCase(Locale.ROOT);
        if (upper.startsWith("BEGIN") || upper.startsWith("XA START")) {
            if (!inTransaction) {
                beginTransaction(header, null);
            }
            return;
        }
        if (upper.startsWith("COMMIT") || upper.startsWith("XA END") || upper.startsWith("XA PREPARE")
                || upper.startsWith("ROLLBACK") || upper.startsWith("XA COMMIT")) {
            commit(header);
            return;
        }
        // DDL: the tables it names read differently from now on
        Matcher m = DDL_TABLE.matcher(sql);
        if (m.find()) {
            String db = m.group(1) != null ? m.group(1) : q.getDatabase();
            catalog.invalidate(db, m.group(2));
        } else {
            catalog.invalidate(null, null);
        }
        commit(header);
    }

    private void commit(EventHeaderV4 header) {
        boolean emitted = txEmitted;
        inTransaction = false;
        skipRows = 0;
        txEmitted = false;
        if (!emitted) {
            long now = System.currentTimeMillis();
            if (now - lastAdvanceMs >= ADVANCE_INTERVAL_MS) {
                lastAdvanceMs = now;
                String gtids = gtidSetNow.get();
                sink.advance(new BinlogPosition(file, header.getNextPosition(), 0, gtids != null ? gtids : null));
            }
        }
    }

    private void row(EventHeaderV4 header, long tableId, Operation op, Serializable[] before, BitSet beforeColumns,
            Serializable[] after, BitSet afterColumns) throws Exception {
        txRows++;
        if (txRows <= skipRows) {
            return;
        }
        TableMapEventData map = tableMaps.get(tableId);
        if (map == null) {
            throw new IllegalStateException("Rows event for table id " + tableId + " without its table map at "
                                            + file + ":" + header.getPosition());
        }
        if (!filter.matches(map.getDatabase() + "." + map.getTable())) {
            return;
        }
        TableSchema schema = schemas.get(tableId);
        if (schema == null) {
            schema = resolver.resolve(map);
            schemas.put(tableId, schema);
        }
        Map<String, Object> beforeImage = before == null ? null : image(schema, before, beforeColumns);
        Map<String, Object> afterImage = after == null ? null : image(schema, after, afterColumns);
        Map<String, Object> key = key(schema, afterImage != null ? afterImage : beforeImage);

        BinlogPosition position = new BinlogPosition(file, txStart, txRows, txGtidSetBefore);
        // MariaDB 11 logs offset 0 for the events inside a transaction: a row is addressed by its transaction's
        // start and its number in the transaction
        SourceInfo source = SourceInfo.builder().connector("mysql").name(name).db(schema.db()).table(schema.table())
                .tsMs(header.getTimestamp()).position(position.text())
                .extra("file", file).extra("pos", txStart).extra("row", txRows - 1)
                .extra("server_id", header.getServerId()).extra("gtid", txGtid).build();
        ChangeEvent event = ChangeEvent.builder().op(op).before(beforeImage).after(afterImage).source(source)
                .key(key).position(position).build();
        txEmitted = true;
        sink.emit(event);
    }

    private static Map<String, Object> image(TableSchema schema, Serializable[] values, BitSet included) {
        Map<String, Object> row = new LinkedHashMap<>();
        List<ColumnSpec> columns = schema.columns();
        int v = 0;
        for (int c = 0; c < columns.size(); c++) {
            if (included != null && !included.get(c)) {
                continue;
            }
            ColumnSpec column = columns.get(c);
            row.put(column.name(), v < values.length ? ColumnValueDecoder.decode(column, values[v]) : null);
            v++;
        }
        return row;
    }

    private static Map<String, Object> key(TableSchema schema, Map<String, Object> image) {
        if (schema.keyColumns().isEmpty() || image == null) {
            return Map.of();
        }
        Map<String, Object> key = new LinkedHashMap<>();
        for (int i : schema.keyColumns()) {
            String col = schema.columns().get(i).name();
            key.put(col, image.get(col));
        }
        return key;
    }
}

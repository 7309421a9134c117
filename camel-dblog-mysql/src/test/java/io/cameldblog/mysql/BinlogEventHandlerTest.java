package io.cameldblog.mysql;

import java.io.Serializable;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.github.shyiko.mysql.binlog.event.Event;
import com.github.shyiko.mysql.binlog.event.EventData;
import com.github.shyiko.mysql.binlog.event.EventHeaderV4;
import com.github.shyiko.mysql.binlog.event.EventType;
import com.github.shyiko.mysql.binlog.event.GtidEventData;
import com.github.shyiko.mysql.binlog.event.GtidTaggedEventData;
import com.github.shyiko.mysql.binlog.event.MySqlGtid;
import com.github.shyiko.mysql.binlog.event.QueryEventData;
import com.github.shyiko.mysql.binlog.event.RotateEventData;
import com.github.shyiko.mysql.binlog.event.TableMapEventData;
import com.github.shyiko.mysql.binlog.event.TransactionPayloadEventData;
import com.github.shyiko.mysql.binlog.event.WriteRowsEventData;
import com.github.shyiko.mysql.binlog.event.XidEventData;
import com.github.shyiko.mysql.binlog.event.deserialization.ColumnType;
import com.github.shyiko.mysql.binlog.io.ByteArrayInputStream;
import io.cameldblog.core.ChangeEvent;
import io.cameldblog.core.DbLogConfigurationException;
import io.cameldblog.core.TableFilter;
import io.cameldblog.core.consumer.ChangeEventSink;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * MySQL 8 event forms no server here can write (no MySQL 8 runs where the tests run), fed to the handler as the
 * binlog client decodes them: tagged GTIDs, compressed transactions, partial JSON updates; and the table-map
 * caches across rotations. The catalogue is replaced by a fixed one-column schema: these tests are about event
 * order and positions, not values.
 */
class BinlogEventHandlerTest {

    private static final String FILE = "binlog.000007";
    private static final UUID SERVER = UUID.fromString("3e11fa47-71ca-11e1-9e33-c80aa9429562");

    private final List<ChangeEvent> emitted = new ArrayList<>();
    private final List<BinlogPosition> advanced = new ArrayList<>();
    private final List<BinlogPosition> between = new ArrayList<>();
    private final ChangeEventSink<BinlogPosition> sink = new ChangeEventSink<>() {
        @Override
        public void betweenTransactions(BinlogPosition position) {
            between.add(position);
        }

        @Override
        public void emit(ChangeEvent event) {
            emitted.add(event);
        }

        @Override
        public void advance(BinlogPosition position) {
            advanced.add(position);
        }
    };

    private int resolved;
    private final TableSchemas schemas = new TableSchemas() {
        @Override
        public TableSchema resolve(TableMapEventData map) {
            resolved++;
            return new TableSchema(map.getDatabase(), map.getTable(),
                    List.of(new ColumnSpec("id", ColumnType.LONG, 0, false, null, List.of(), false)), List.of(0));
        }

        @Override
        public void invalidate(String db, String table) {
        }
    };

    private BinlogEventHandler handler(BinlogPosition start) {
        return new BinlogEventHandler("orders", TableFilter.of("shop\\.orders", null), schemas, sink, start, () -> null);
    }

    /**
     * A snapshot reads its chunks and delivers them between transactions: the reader says where it is after each
     * transaction's end and on each heartbeat (the idle log's end), never inside a transaction.
     */
    @Test
    void theReaderIsBetweenTransactionsAfterEachEndAndOnHeartbeatsOutsideATransaction() throws Exception {
        BinlogEventHandler h = handler(BinlogPosition.of(FILE, 4));
        h.handle(event(EventType.GTID, 100, 179, gtid(1)));
        h.handle(event(EventType.QUERY, 179, 260, query("BEGIN")));
        h.handle(event(EventType.TABLE_MAP, 260, 310, tableMap(41, "orders")));
        h.handle(event(EventType.HEARTBEAT, 0, 310, null));
        h.handle(event(EventType.EXT_WRITE_ROWS, 310, 360, rows(41, 1)));
        assertThat(between).isEmpty();
        h.handle(event(EventType.XID, 360, 391, new XidEventData()));
        assertThat(between).containsExactly(BinlogPosition.of(FILE, 391));
        h.handle(event(EventType.HEARTBEAT, 0, 391, null));
        assertThat(between).containsExactly(BinlogPosition.of(FILE, 391), BinlogPosition.of(FILE, 391));
        // after a rotation the heartbeat names the new file's end
        h.handle(event(EventType.ROTATE, 391, 440, rotate("binlog.000008")));
        h.handle(event(EventType.HEARTBEAT, 0, 342, null));
        assertThat(between).last().isEqualTo(BinlogPosition.of("binlog.000008", 342));
    }

    @Test
    void aTaggedGtidStartsATransactionLikeAnyGtid() throws Exception {
        BinlogEventHandler h = handler(BinlogPosition.of(FILE, 4));
        GtidTaggedEventData tagged = new GtidTaggedEventData(new MySqlGtid("blue", SERVER, 5), (byte) 0, 0, 0, 0, 0,
                0, 0, 0, 0);
        h.handle(event(EventType.GTID_TAGGED, 100, 190, tagged));
        h.handle(event(EventType.QUERY, 190, 260, query("BEGIN")));
        h.handle(event(EventType.TABLE_MAP, 260, 310, tableMap(41, "orders")));
        h.handle(event(EventType.EXT_WRITE_ROWS, 310, 360, rows(41, 1, 2)));
        h.handle(event(EventType.XID, 360, 391, new XidEventData()));

        assertThat(emitted).extracting(e -> e.after().get("id")).containsExactly(1, 2);
        assertThat(emitted).extracting(ChangeEvent::position)
                .containsExactly(new BinlogPosition(FILE, 100, 1, null), new BinlogPosition(FILE, 100, 2, null));
        assertThat(emitted.get(0).source().extra()).containsEntry("gtid", SERVER + ":blue:5");
    }

    @Test
    void rowsOfACompressedTransactionArePositionedAtItsGtidEventAndItsEndAfterThePayload() throws Exception {
        BinlogEventHandler h = handler(BinlogPosition.of(FILE, 4));
        feedCompressedTransaction(h);

        assertThat(emitted).extracting(e -> e.after().get("id")).containsExactly(1, 2, 3);
        // inner offsets (a few hundred bytes into the payload) never become positions
        assertThat(emitted).extracting(ChangeEvent::position).containsExactly(
                new BinlogPosition(FILE, 1000, 1, null), new BinlogPosition(FILE, 1000, 2, null),
                new BinlogPosition(FILE, 1000, 3, null));
        assertThat(emitted.get(2).source().extra()).containsEntry("pos", 1000L).containsEntry("row", 2L);

        // a compressed transaction of tables that are not captured: the stream moves past the payload event
        h.handle(event(EventType.GTID, 3000, 3079, gtid(9)));
        h.handle(payload(3079, 3600, inner(EventType.QUERY, 0, 70, query("BEGIN")),
                inner(EventType.TABLE_MAP, 70, 120, tableMap(52, "audit")),
                inner(EventType.EXT_WRITE_ROWS, 120, 170, rows(52, 7)),
                inner(EventType.XID, 170, 201, new XidEventData())));
        assertThat(advanced).containsExactly(new BinlogPosition(FILE, 3600, 0, null));
    }

    @Test
    void aRestartInsideACompressedTransactionReReadsThePayloadAndSkipsTheDoneRows() throws Exception {
        BinlogEventHandler h = handler(new BinlogPosition(FILE, 1000, 2, null));
        feedCompressedTransaction(h);
        assertThat(emitted).extracting(e -> e.after().get("id")).containsExactly(3);
        assertThat(emitted.get(0).position()).isEqualTo(new BinlogPosition(FILE, 1000, 3, null));
    }

    @Test
    void aCompressedTransactionWithoutAGtidEventBeforeItIsPositionedAtThePayloadEvent() throws Exception {
        BinlogEventHandler h = handler(BinlogPosition.of(FILE, 4));
        h.handle(payload(2000, 2400, inner(EventType.QUERY, 0, 70, query("BEGIN")),
                inner(EventType.TABLE_MAP, 70, 120, tableMap(41, "orders")),
                inner(EventType.EXT_WRITE_ROWS, 120, 170, rows(41, 5)),
                inner(EventType.XID, 170, 201, new XidEventData())));
        assertThat(emitted).extracting(ChangeEvent::position).containsExactly(new BinlogPosition(FILE, 2000, 1, null));
    }

    @Test
    void aPartialJsonUpdateOfACapturedTableStopsTheStreamNamingTheSetting() throws Exception {
        BinlogEventHandler h = handler(BinlogPosition.of(FILE, 4));
        h.handle(event(EventType.GTID, 100, 179, gtid(3)));
        h.handle(event(EventType.QUERY, 179, 250, query("BEGIN")));
        h.handle(event(EventType.TABLE_MAP, 250, 300, tableMap(41, "orders")));
        assertThatThrownBy(() -> h.handle(event(EventType.PARTIAL_UPDATE_ROWS_EVENT, 300, 380,
                new PartialUpdateRowsEventData(41))))
                .isInstanceOf(DbLogConfigurationException.class)
                .hasMessageContaining("shop.orders").hasMessageContaining("binlog_row_value_options=PARTIAL_JSON")
                .hasMessageContaining("SET GLOBAL binlog_row_value_options=''");
    }

    @Test
    void aPartialJsonUpdateOfATableThatIsNotCapturedIsIgnored() throws Exception {
        BinlogEventHandler h = handler(BinlogPosition.of(FILE, 4));
        h.handle(event(EventType.GTID, 100, 179, gtid(3)));
        h.handle(event(EventType.QUERY, 179, 250, query("BEGIN")));
        h.handle(event(EventType.TABLE_MAP, 250, 300, tableMap(52, "audit")));
        h.handle(event(EventType.PARTIAL_UPDATE_ROWS_EVENT, 300, 380, new PartialUpdateRowsEventData(52)));
        h.handle(event(EventType.TABLE_MAP, 380, 430, tableMap(41, "orders")));
        h.handle(event(EventType.EXT_WRITE_ROWS, 430, 480, rows(41, 8)));
        h.handle(event(EventType.XID, 480, 511, new XidEventData()));
        assertThat(emitted).extracting(e -> e.after().get("id")).containsExactly(8);
    }

    @Test
    void theDeserializerDecodesAPartialUpdateEventsTableInsteadOfDroppingTheEvent() throws Exception {
        // header: timestamp, type 39, server id, length, next position, flags; body: 6-byte table id and more
        ByteBuffer b = ByteBuffer.allocate(19 + 12).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(1_700_000_000).put((byte) 39).putInt(1).putInt(31).putInt(531).putShort((short) 0);
        b.put(new byte[] { 41, 0, 0, 0, 0, 0 }).put(new byte[6]);
        Event e = new BinlogEventDeserializer().nextEvent(new ByteArrayInputStream(b.array()));
        assertThat(((EventHeaderV4) e.getHeader()).getEventType()).isEqualTo(EventType.PARTIAL_UPDATE_ROWS_EVENT);
        assertThat((EventData) e.getData()).isEqualTo(new PartialUpdateRowsEventData(41));
    }

    @Test
    void theEventsOfACompressedTransactionAreDecodedByThisReadersDeserializer() throws Exception {
        // inner events: a partial JSON update (the client's own deserializer hands it over empty) and an XID
        ByteBuffer inner = ByteBuffer.allocate(19 + 12 + 19 + 8).order(ByteOrder.LITTLE_ENDIAN);
        inner.putInt(1_700_000_000).put((byte) 39).putInt(1).putInt(31).putInt(0).putShort((short) 0);
        inner.put(new byte[] { 41, 0, 0, 0, 0, 0 }).put(new byte[6]);
        inner.putInt(1_700_000_000).put((byte) 16).putInt(1).putInt(27).putInt(0).putShort((short) 0);
        inner.putLong(77);
        byte[] compressed = com.github.luben.zstd.Zstd.compress(inner.array());
        assertThat(compressed.length).isLessThan(251);

        // payload fields (type, length, value) up to the end mark, then the compressed events
        byte[] fields = { 1, 1, (byte) compressed.length, 2, 1, 0, 3, 1, (byte) inner.capacity(), 0 };
        int length = 19 + fields.length + compressed.length;
        ByteBuffer b = ByteBuffer.allocate(length).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(1_700_000_000).put((byte) 40).putInt(1).putInt(length).putInt(1079 + length).putShort((short) 0);
        b.put(fields).put(compressed);

        Event e = new BinlogEventDeserializer().nextEvent(new ByteArrayInputStream(b.array()));
        TransactionPayloadEventData payload = e.getData();
        assertThat(payload.getUncompressedEvents()).hasSize(2);
        assertThat((EventData) payload.getUncompressedEvents().get(0).getData())
                .isEqualTo(new PartialUpdateRowsEventData(41));
        assertThat(((XidEventData) payload.getUncompressedEvents().get(1).getData()).getXid()).isEqualTo(77);
    }

    @Test
    void rotationDropsTheTableMapsOfThePreviousFile() throws Exception {
        BinlogEventHandler h = handler(BinlogPosition.of(FILE, 4));
        long pos = 4;
        for (int t = 0; t < 500; t++) {
            h.handle(event(EventType.GTID, pos, pos + 79, gtid(t + 1)));
            h.handle(event(EventType.QUERY, pos + 79, pos + 150, query("BEGIN")));
            h.handle(event(EventType.TABLE_MAP, pos + 150, pos + 200, tableMap(1000 + t, t % 2 == 0 ? "orders" : "t" + t)));
            h.handle(event(EventType.EXT_WRITE_ROWS, pos + 200, pos + 250, rows(1000 + t, t)));
            h.handle(event(EventType.XID, pos + 250, pos + 281, new XidEventData()));
            pos += 281;
        }
        assertThat(h.cachedTables()).as("table maps and schemas of one file").isEqualTo(500 + 250);
        h.handle(event(EventType.ROTATE, pos, pos + 44, rotate("binlog.000008")));
        assertThat(h.cachedTables()).isZero();

        // the next file's transactions bring their own table maps and read as before
        h.handle(event(EventType.GTID, 4, 83, gtid(900)));
        h.handle(event(EventType.QUERY, 83, 150, query("BEGIN")));
        h.handle(event(EventType.TABLE_MAP, 150, 200, tableMap(1000, "orders")));
        h.handle(event(EventType.EXT_WRITE_ROWS, 200, 250, rows(1000, 9999)));
        h.handle(event(EventType.XID, 250, 281, new XidEventData()));
        assertThat(emitted.get(emitted.size() - 1).position()).isEqualTo(new BinlogPosition("binlog.000008", 4, 1, null));
        assertThat(emitted.get(emitted.size() - 1).after()).containsEntry("id", 9999);
    }

    @Test
    void aTableMapRepeatedByEveryTransactionIsResolvedOnceUntilADdlStatementOrANewTableMap() throws Exception {
        BinlogEventHandler h = handler(BinlogPosition.of(FILE, 4));
        // the deserializer gives back the same instance for the same table map event (TableMapDecoder)
        TableMapEventData orders = tableMap(41, "orders");
        long pos = 4;
        for (int t = 1; t <= 3; t++) {
            oneRowTransaction(h, pos, orders, t);
            pos += 281;
        }
        assertThat(resolved).as("one resolution for three transactions").isEqualTo(1);

        h.handle(event(EventType.GTID, pos, pos + 79, gtid(4)));
        h.handle(event(EventType.QUERY, pos + 79, pos + 150, query("ALTER TABLE shop.orders ADD COLUMN note INT")));
        pos += 150;
        oneRowTransaction(h, pos, orders, 5);
        assertThat(resolved).as("resolved again after the DDL statement").isEqualTo(2);

        pos += 281;
        oneRowTransaction(h, pos, tableMap(41, "orders"), 6);
        assertThat(resolved).as("resolved again for another table map of the id").isEqualTo(3);
        assertThat(emitted).extracting(e -> e.after().get("id")).containsExactly(1, 2, 3, 5, 6);
    }

    private void oneRowTransaction(BinlogEventHandler h, long pos, TableMapEventData map, int id) throws Exception {
        h.handle(event(EventType.GTID, pos, pos + 79, gtid(pos)));
        h.handle(event(EventType.QUERY, pos + 79, pos + 150, query("BEGIN")));
        h.handle(event(EventType.TABLE_MAP, pos + 150, pos + 200, map));
        h.handle(event(EventType.EXT_WRITE_ROWS, pos + 200, pos + 250, rows(map.getTableId(), id)));
        h.handle(event(EventType.XID, pos + 250, pos + 281, new XidEventData()));
    }

    @Test
    void theDeserializerDecodesATableMapRepeatedByEveryTransactionOnce() throws Exception {
        // three TABLE_MAP events with CRC32 checksums, the third for another version of the table (a BIGINT column)
        byte[] first = tableMapEvent(41, ColumnType.LONG, 1000);
        byte[] again = tableMapEvent(41, ColumnType.LONG, 2000);
        byte[] altered = tableMapEvent(41, ColumnType.LONGLONG, 3000);
        byte[] name = "binlog.000008".getBytes(StandardCharsets.US_ASCII);
        ByteBuffer rotate = ByteBuffer.allocate(19 + 8 + name.length + 4).order(ByteOrder.LITTLE_ENDIAN);
        rotate.putInt(0).put((byte) 4).putInt(1).putInt(rotate.capacity()).putInt(0).putShort((short) 0x20);
        rotate.putLong(4).put(name).putInt(0);
        ByteBuffer stream = ByteBuffer.allocate(first.length + again.length + altered.length + rotate.capacity());
        stream.put(first).put(again).put(altered).put(rotate.array());
        BinlogEventDeserializer deserializer = new BinlogEventDeserializer();
        deserializer.setChecksumType(com.github.shyiko.mysql.binlog.event.deserialization.ChecksumType.CRC32);
        ByteArrayInputStream in = new ByteArrayInputStream(stream.array());

        TableMapEventData a = deserializer.nextEvent(in).getData();
        TableMapEventData b = deserializer.nextEvent(in).getData();
        TableMapEventData c = deserializer.nextEvent(in).getData();
        assertThat(deserializer.cachedTableMaps()).as("the row deserializers' table map and the decoder's").isEqualTo(2);
        assertThat(((RotateEventData) deserializer.nextEvent(in).getData()).getBinlogFilename()).isEqualTo("binlog.000008");
        assertThat(deserializer.cachedTableMaps()).as("dropped on rotation").isZero();
        assertThat(in.peek()).as("each event read to its end, checksum included").isEqualTo(-1);
        assertThat(a.getTableId()).isEqualTo(41);
        assertThat(a.getDatabase()).isEqualTo("shop");
        assertThat(a.getTable()).isEqualTo("orders");
        assertThat(a.getColumnTypes()).containsExactly((byte) ColumnType.LONG.getCode());
        assertThat(b).as("the same body: decoded once").isSameAs(a);
        assertThat(c).isNotSameAs(a);
        assertThat(c.getColumnTypes()).containsExactly((byte) ColumnType.LONGLONG.getCode());
    }

    /** A TABLE_MAP event of {@code shop.orders} with one column, a made-up CRC32 (nothing checks it) after its body. */
    private static byte[] tableMapEvent(long tableId, ColumnType type, int crc) {
        ByteBuffer body = ByteBuffer.allocate(64).order(ByteOrder.LITTLE_ENDIAN);
        body.put(new byte[] { (byte) tableId, 0, 0, 0, 0, 0 }).putShort((short) 1);
        body.put((byte) 4).put("shop".getBytes(StandardCharsets.US_ASCII)).put((byte) 0);
        body.put((byte) 6).put("orders".getBytes(StandardCharsets.US_ASCII)).put((byte) 0);
        // one column: its type, no type metadata, nullable
        body.put((byte) 1).put((byte) type.getCode()).put((byte) 0).put((byte) 1);
        int bodyLength = body.position();
        int length = 19 + bodyLength + 4;
        ByteBuffer b = ByteBuffer.allocate(length).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(1_700_000_000).put((byte) 19).putInt(1).putInt(length).putInt(crc + length).putShort((short) 0);
        b.put(body.array(), 0, bodyLength).putInt(crc);
        return b.array();
    }

    @Test
    void theDeserializersTableMapsAreDroppedOnRotation() throws Exception {
        Map<Long, TableMapEventData> maps = new HashMap<>();
        maps.put(41L, tableMap(41, "orders"));
        BinlogEventDeserializer deserializer = new BinlogEventDeserializer(maps);
        byte[] name = "binlog.000008".getBytes(StandardCharsets.US_ASCII);
        ByteBuffer b = ByteBuffer.allocate(19 + 8 + name.length).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(0).put((byte) 4).putInt(1).putInt(19 + 8 + name.length).putInt(0).putShort((short) 0x20);
        b.putLong(4).put(name);
        Event e = deserializer.nextEvent(new ByteArrayInputStream(b.array()));
        assertThat(((RotateEventData) e.getData()).getBinlogFilename()).isEqualTo("binlog.000008");
        assertThat(deserializer.cachedTableMaps()).isZero();
    }

    @Test
    void rowsReachingTheHoldLimitAreDeliveredAndTheRestWaitsForTheCommit() throws Exception {
        BinlogEventHandler h = new BinlogEventHandler("orders", TableFilter.of("shop\\.orders", null), schemas, sink,
                BinlogPosition.of(FILE, 4), () -> null, 2);
        h.handle(event(EventType.GTID, 100, 179, gtid(3)));
        h.handle(event(EventType.QUERY, 179, 250, query("BEGIN")));
        h.handle(event(EventType.TABLE_MAP, 250, 300, tableMap(41, "orders")));
        h.handle(event(EventType.EXT_WRITE_ROWS, 300, 350, rows(41, 1)));
        assertThat(emitted).as("held until the commit").isEmpty();
        h.handle(event(EventType.EXT_WRITE_ROWS, 350, 400, rows(41, 2, 3)));
        assertThat(emitted).as("the limit reached: delivered").extracting(e -> e.after().get("id")).containsExactly(1, 2);
        h.handle(event(EventType.XID, 400, 431, new XidEventData()));
        assertThat(emitted).extracting(e -> e.after().get("id")).containsExactly(1, 2, 3);
    }

    @Test
    void aTransactionWithoutItsEndIsDeliveredAndNoPositionInsideTheNextOneIsStored() throws Exception {
        BinlogEventHandler h = handler(BinlogPosition.of(FILE, 4));
        h.handle(event(EventType.GTID, 100, 179, gtid(3)));
        h.handle(event(EventType.QUERY, 179, 250, query("BEGIN")));
        h.handle(event(EventType.TABLE_MAP, 250, 300, tableMap(52, "audit")));
        h.handle(event(EventType.EXT_WRITE_ROWS, 300, 350, rows(52, 1)));
        h.handle(event(EventType.TABLE_MAP, 350, 400, tableMap(41, "orders")));
        h.handle(event(EventType.EXT_WRITE_ROWS, 400, 450, rows(41, 2)));
        h.handle(event(EventType.GTID, 450, 529, gtid(4)));
        assertThat(emitted).extracting(ChangeEvent::position).containsExactly(new BinlogPosition(FILE, 100, 2, null));
        assertThat(advanced).isEmpty();
    }

    private void feedCompressedTransaction(BinlogEventHandler h) throws Exception {
        h.handle(event(EventType.GTID, 1000, 1079, gtid(7)));
        h.handle(payload(1079, 1700, inner(EventType.QUERY, 0, 70, query("BEGIN")),
                inner(EventType.TABLE_MAP, 70, 120, tableMap(41, "orders")),
                inner(EventType.EXT_WRITE_ROWS, 120, 180, rows(41, 1, 2)),
                inner(EventType.TABLE_MAP, 180, 230, tableMap(41, "orders")),
                inner(EventType.EXT_WRITE_ROWS, 230, 280, rows(41, 3)),
                inner(EventType.XID, 280, 311, new XidEventData())));
    }

    private static Event payload(long position, long next, Event... inner) {
        TransactionPayloadEventData data = new TransactionPayloadEventData();
        data.setUncompressedEvents(new ArrayList<>(List.of(inner)));
        return event(EventType.TRANSACTION_PAYLOAD, position, next, data);
    }

    /** An event inside a payload: MySQL's inner headers count from the payload's start. */
    private static Event inner(EventType type, long position, long next, EventData data) {
        return event(type, position, next, data);
    }

    private static Event event(EventType type, long position, long next, EventData data) {
        EventHeaderV4 header = new EventHeaderV4();
        header.setEventType(type);
        header.setTimestamp(1_700_000_000_000L);
        header.setServerId(1);
        header.setEventLength(next - position);
        header.setNextPosition(next);
        return new Event(header, data);
    }

    private static GtidEventData gtid(long n) {
        return new GtidEventData(new MySqlGtid(SERVER, n), (byte) 0, 0, 0, 0, 0, 0, 0, 0);
    }

    private static QueryEventData query(String sql) {
        QueryEventData q = new QueryEventData();
        q.setSql(sql);
        q.setDatabase("");
        return q;
    }

    private static RotateEventData rotate(String file) {
        RotateEventData r = new RotateEventData();
        r.setBinlogFilename(file);
        r.setBinlogPosition(4);
        return r;
    }

    private static TableMapEventData tableMap(long id, String table) {
        TableMapEventData map = new TableMapEventData();
        map.setTableId(id);
        map.setDatabase("shop");
        map.setTable(table);
        map.setColumnTypes(new byte[] { (byte) ColumnType.LONG.getCode() });
        map.setColumnMetadata(new int[] { 0 });
        return map;
    }

    private static WriteRowsEventData rows(long tableId, int... ids) {
        WriteRowsEventData d = new WriteRowsEventData();
        d.setTableId(tableId);
        BitSet columns = new BitSet();
        columns.set(0);
        d.setIncludedColumns(columns);
        List<Serializable[]> rows = new ArrayList<>();
        for (int id : ids) {
            rows.add(new Serializable[] { id });
        }
        d.setRows(rows);
        return d;
    }
}

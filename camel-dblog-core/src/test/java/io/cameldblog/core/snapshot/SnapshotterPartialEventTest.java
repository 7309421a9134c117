package io.cameldblog.core.snapshot;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import io.cameldblog.core.ChangeEvent;
import io.cameldblog.core.LogPosition;
import io.cameldblog.core.Operation;
import io.cameldblog.core.SourceInfo;
import io.cameldblog.core.consumer.ChangeEventSink;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A log event inside a chunk's window that carries only part of the row (MongoDB's oplog patch) does not drop the
 * chunk's row, which would leave a consumer with the patch alone: the row is read again when the chunk is
 * delivered. A whole-row event still drops it.
 */
class SnapshotterPartialEventTest {

    record Position(long n) implements LogPosition {
        @Override
        public String text() {
            return Long.toString(n);
        }

        @Override
        public Map<String, Object> toMap() {
            return Map.of("n", n);
        }
    }

    /** A table of one integer key column "id" in memory, with the log's end as a counter. */
    static final class Table implements SnapshotSource<Position> {
        final TreeMap<Integer, Map<String, Object>> rows = new TreeMap<>();
        long logEnd;

        @Override
        public List<SnapshotTable> tables(List<String> tables, String where) {
            return List.of(new SnapshotTable("db.t", where, List.of("id")));
        }

        @Override
        public SnapshotChunk<Position> readChunk(SnapshotTable table, List<Object> afterKey, int limit,
                                                 Position current) {
            int after = afterKey == null ? Integer.MIN_VALUE : ((Number) afterKey.get(0)).intValue();
            List<ChangeEvent> events = new ArrayList<>();
            List<List<Object>> keys = new ArrayList<>();
            for (Map<String, Object> row : rows.tailMap(after, false).values()) {
                if (events.size() == limit) {
                    break;
                }
                events.add(read(row));
                keys.add(List.of(row.get("id")));
            }
            boolean last = rows.tailMap(after, false).size() <= limit;
            return new SnapshotChunk<>(events, keys, last, new Position(logEnd));
        }

        @Override
        public boolean reached(Position current, Position watermark) {
            return current.n() >= watermark.n();
        }

        @Override
        public boolean isPartial(ChangeEvent event) {
            return Boolean.TRUE.equals(event.source().extra().get("patch"));
        }

        @Override
        public List<ChangeEvent> readAgain(SnapshotTable table, List<List<Object>> keys) {
            List<ChangeEvent> events = new ArrayList<>();
            for (List<Object> key : keys) {
                Map<String, Object> row = rows.get(((Number) key.get(0)).intValue());
                if (row != null) {
                    events.add(read(row));
                }
            }
            return events;
        }

        @Override
        public void close() {
        }
    }

    static ChangeEvent read(Map<String, Object> row) {
        return ChangeEvent.builder().op(Operation.READ).after(new LinkedHashMap<>(row)).key(Map.of("id", row.get("id")))
                .source(SourceInfo.builder().connector("test").db("db").table("t").build()).build();
    }

    static ChangeEvent update(int id, Map<String, Object> after, boolean patch) {
        SourceInfo.Builder source = SourceInfo.builder().connector("test").db("db").table("t");
        if (patch) {
            source.extra("patch", true);
        }
        return ChangeEvent.builder().op(Operation.UPDATE).after(after).key(Map.of("id", id)).source(source.build())
                .build();
    }

    static final class Sink implements ChangeEventSink<Position> {
        final List<ChangeEvent> delivered = new ArrayList<>();

        @Override
        public void emit(ChangeEvent event) {
            delivered.add(event);
        }

        @Override
        public void advance(Position position) {
        }
    }

    @Test
    void aRowAPatchTouchedInTheWindowIsReadAgainAndARowAWholeRowEventTouchedIsDropped() throws Exception {
        Table table = new Table();
        for (int id = 1; id <= 3; id++) {
            table.rows.put(id, new LinkedHashMap<>(Map.of("id", id, "v", 0, "name", "row " + id)));
        }
        table.logEnd = 10;
        Snapshotter<Position> snapshotter = new Snapshotter<>("test:", SnapshotProgress.none(), 10, () -> table,
                t -> true, () -> { });
        Sink sink = new Sink();
        snapshotter.request(List.of("db.t"), null);
        snapshotter.betweenTransactions(new Position(5), sink);
        assertThat(sink.delivered).as("the window is open until the reader reaches 10").isEmpty();

        // in the window: a patch of row 2 and a whole new row 3, both applied to the table
        table.rows.get(2).put("v", 7);
        ChangeEvent patch = update(2, Map.of("id", 2, "v", 7), true);
        snapshotter.onLogEvent(patch);
        sink.emit(patch);
        table.rows.put(3, new LinkedHashMap<>(Map.of("id", 3, "v", 8)));
        ChangeEvent whole = update(3, Map.of("id", 3, "v", 8), false);
        snapshotter.onLogEvent(whole);
        sink.emit(whole);

        snapshotter.betweenTransactions(new Position(10), sink);
        List<ChangeEvent> reads = sink.delivered.stream().filter(e -> e.op() == Operation.READ).toList();
        assertThat(reads).extracting(ChangeEvent::after).containsExactly(
                Map.of("id", 1, "v", 0, "name", "row 1"),
                Map.of("id", 2, "v", 7, "name", "row 2"));
        assertThat(snapshotter.progress().isDone()).isTrue();
    }
}

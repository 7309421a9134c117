package io.cameldblog.mysql;

import java.io.IOException;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

import com.github.shyiko.mysql.binlog.event.TableMapEventData;
import com.github.shyiko.mysql.binlog.event.deserialization.TableMapEventDataDeserializer;
import com.github.shyiko.mysql.binlog.io.ByteArrayInputStream;

/**
 * {@code TABLE_MAP} event bodies decoded once per table version. Every transaction writes the table maps of its rows
 * again, so a stream of small transactions would decode the same table map (with its metadata block: column names,
 * charsets, ENUM/SET labels, key) once per transaction. A body equal to the last one seen for its table id gives back
 * the {@link TableMapEventData} decoded then, the same instance, which also tells {@link TableMaps} that the schema
 * resolved for it still holds. The client's own deserializer decodes every new body. Cleared on each rotation, like
 * the other table-map caches.
 */
final class TableMapDecoder {

    /** The table id: the body's first six bytes, little-endian. */
    private static final int TABLE_ID_BYTES = 6;

    private record Decoded(byte[] body, TableMapEventData data) {
    }

    private final TableMapEventDataDeserializer client = new TableMapEventDataDeserializer();
    private final Map<Long, Decoded> last = new HashMap<>();

    /** The event's body, checksum excluded. */
    TableMapEventData decode(byte[] body) throws IOException {
        if (body.length >= TABLE_ID_BYTES) {
            Decoded seen = last.get(tableId(body));
            if (seen != null && Arrays.equals(seen.body(), body)) {
                return seen.data();
            }
        }
        TableMapEventData data = client.deserialize(new ByteArrayInputStream(body));
        last.put(data.getTableId(), new Decoded(body, data));
        return data;
    }

    void clear() {
        last.clear();
    }

    int size() {
        return last.size();
    }

    private static long tableId(byte[] body) {
        long id = 0;
        for (int i = TABLE_ID_BYTES - 1; i >= 0; i--) {
            id = (id << 8) | (body[i] & 0xFF);
        }
        return id;
    }
}

package io.cameldblog.postgres;

import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

import io.cameldblog.core.Operation;
import io.cameldblog.core.json.ChangeEventJson;

/**
 * Reads wal2json's format version 2 (one JSON object per change, with {@code include-lsn},
 * {@code include-timestamp}, {@code include-xids}, {@code include-type-oids}, {@code include-pk} and
 * {@code include-transaction}) into the same messages as pgoutput, so positions, filters and values work alike.
 * Values arrive as JSON or as their text form; both are typed by the column's type OID like pgoutput's text.
 */
final class Wal2JsonDecoder implements PgPluginDecoder {


    private final PgValueConverter values;
    private final Map<String, PgRelation> relations = new HashMap<>();
    private final Function<String, String[]> partitionRootOf;

    /**
     * @param partitionRootOf schema and name of the partitioned table a partition belongs to, null for others:
     *                        wal2json names the partition, events name the table a user writes to
     */
    Wal2JsonDecoder(PgValueConverter values, Function<String, String[]> partitionRootOf) {
        this.values = values;
        this.partitionRootOf = partitionRootOf;
    }

    @Override
    public PgMessage decode(ByteBuffer message, long receiveLsn) {
        byte[] bytes = new byte[message.remaining()];
        message.duplicate().get(bytes);
        Map<String, Object> m = ChangeEventJson.parseObject(new String(bytes, StandardCharsets.UTF_8));
        String action = String.valueOf(m.get("action"));
        switch (action) {
            case "B":
                return new PgMessage.Begin(lsn(m.get("lsn"), receiveLsn), micros(m.get("timestamp")),
                        number(m.get("xid")));
            case "C":
                return new PgMessage.Commit(lsn(m.get("lsn"), receiveLsn), lsn(m.get("nextlsn"), receiveLsn),
                        micros(m.get("timestamp")));
            case "I":
            case "U":
            case "D": {
                PgRelation relation = relation(m);
                Operation op = "I".equals(action) ? Operation.INSERT
                        : "U".equals(action) ? Operation.UPDATE : Operation.DELETE;
                Map<String, Object> after = "D".equals(action) ? null : tuple(m.get("columns"));
                Map<String, Object> before = "I".equals(action) ? null : tuple(m.get("identity"));
                return new PgMessage.Row(relation, op, before, after, Set.of(), lsn(m.get("lsn"), 0));
            }
            case "T":
                return new PgMessage.Truncate(List.of(relation(m)), false, false);
            default:
                // "M" (logical messages) and anything newer: nothing to route
                return null;
        }
    }

    /** The table as wal2json names it; its columns as the latest change listed them. */
    @SuppressWarnings("unchecked")
    private PgRelation relation(Map<String, Object> m) {
        String schema = String.valueOf(m.get("schema"));
        String table = String.valueOf(m.get("table"));
        List<Map<String, Object>> columns = m.get("columns") instanceof List<?> c ? (List<Map<String, Object>>) c
                : m.get("identity") instanceof List<?> i ? (List<Map<String, Object>>) i : List.of();
        List<String> keys = new ArrayList<>();
        if (m.get("pk") instanceof List<?> pk) {
            for (Object k : pk) {
                keys.add(String.valueOf(((Map<String, Object>) k).get("name")));
            }
        }
        String name = schema + "." + table;
        PgRelation known = relations.get(name);
        if (known != null && known.columns().size() == columns.size() && (keys.isEmpty()
                || known.keyColumns().equals(keys))) {
            return known;
        }
        List<PgRelation.Column> cols = new ArrayList<>();
        for (Map<String, Object> c : columns) {
            String col = String.valueOf(c.get("name"));
            cols.add(new PgRelation.Column(col, (int) number(c.get("typeoid")), -1, keys.contains(col)));
        }
        String[] root = known != null ? new String[] { known.schema(), known.table() }
                : partitionRootOf.apply(PgCatalog.quote(schema) + "." + PgCatalog.quote(table));
        PgRelation relation = new PgRelation(name.hashCode(), root == null ? schema : root[0],
                root == null ? table : root[1], 'd', cols, keys.isEmpty() && known != null ? known.keyColumns() : keys);
        relations.put(name, relation);
        return relation;
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> tuple(Object columns) {
        if (!(columns instanceof List<?> list)) {
            return null;
        }
        Map<String, Object> row = new LinkedHashMap<>();
        for (Object o : list) {
            Map<String, Object> c = (Map<String, Object>) o;
            row.put(String.valueOf(c.get("name")), value((int) number(c.get("typeoid")), c.get("value")));
        }
        return row;
    }

    /** JSON numbers and booleans as wal2json wrote them, text forms typed by the column's OID. */
    private Object value(int typeOid, Object raw) {
        if (raw == null) {
            return null;
        }
        if (raw instanceof Boolean) {
            return raw;
        }
        String text = raw instanceof BigDecimal d ? d.toPlainString() : raw.toString();
        return values.fromText(typeOid, text);
    }

    private static long lsn(Object text, long fallback) {
        return text == null ? fallback : Lsn.parse(text.toString());
    }

    private static long number(Object value) {
        return value instanceof Number n ? n.longValue() : 0;
    }

    private static long micros(Object timestamp) {
        return timestamp == null ? 0 : PgMessage.pgMicros(timestamp.toString());
    }
}

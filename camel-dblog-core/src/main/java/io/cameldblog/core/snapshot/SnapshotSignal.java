package io.cameldblog.core.snapshot;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.nio.charset.StandardCharsets;

import io.cameldblog.core.ChangeEvent;
import io.cameldblog.core.Operation;
import io.cameldblog.core.json.ChangeEventJson;

/**
 * A row inserted into the signal table ({@code signalTable}, {@code dblog_signal} by default): because it travels
 * through the log, a request made there is taken up in log order, survives restarts and reaches whichever instance
 * reads the log (behind {@code master:}). The table has Debezium's shape, {@code id}, {@code type}, {@code data}:
 * <pre>
 * INSERT INTO dblog_signal (id, type, data)
 *   VALUES ('snap-1', 'execute-snapshot', '{"data-collections": ["shop.orders"], "where": "id &gt; 1000"}');
 * </pre>
 * {@code data-collections} (or {@code tables}) names the tables as the table filters do; without it every captured
 * table is read. {@code where} (or {@code additional-condition}) is an optional condition. For MongoDB the
 * signal is a document in the signal collection with the same fields ({@code data} a string or a document).
 */
public record SnapshotSignal(List<String> tables, String where) {

    public static final String EXECUTE_SNAPSHOT = "execute-snapshot";

    /**
     * The request an event of the signal table holds.
     *
     * @throws IllegalArgumentException naming what is wrong with the row and the accepted form
     */
    public static SnapshotSignal of(ChangeEvent event) {
        Map<String, Object> row = event.after();
        if (event.op() != Operation.INSERT || row == null) {
            return null;
        }
        Object type = row.get("type");
        if (!EXECUTE_SNAPSHOT.equals(type)) {
            throw new IllegalArgumentException("signal " + row.get("id") + " has type '" + type + "'; the only type"
                                               + " understood is '" + EXECUTE_SNAPSHOT + "'");
        }
        Map<?, ?> data = data(row.get("data"));
        Object tables = data.containsKey("data-collections") ? data.get("data-collections") : data.get("tables");
        List<String> names = new ArrayList<>();
        if (tables instanceof List<?> list) {
            for (Object t : list) {
                names.add(String.valueOf(t));
            }
        } else if (tables instanceof String s && !s.isBlank()) {
            for (String t : s.split(",")) {
                names.add(t.trim());
            }
        } else if (tables != null) {
            throw new IllegalArgumentException("signal " + row.get("id") + ": data-collections must be a list of"
                                               + " table names, e.g. [\"shop.orders\"]");
        }
        Object where = data.containsKey("where") ? data.get("where") : data.get("additional-condition");
        return new SnapshotSignal(names, where == null ? null : where.toString());
    }

    private static Map<?, ?> data(Object data) {
        if (data == null) {
            return Map.of();
        }
        if (data instanceof Map<?, ?> m) {
            return m;
        }
        String text = data instanceof byte[] b ? new String(b, StandardCharsets.UTF_8) : data.toString();
        if (text.isBlank()) {
            return Map.of();
        }
        try {
            return ChangeEventJson.parseObject(text.getBytes(StandardCharsets.UTF_8));
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("the signal's data is not a JSON object: " + text, e);
        }
    }
}

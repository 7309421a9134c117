package io.cameldblog.mysql;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import io.cameldblog.core.ChangeEvent;
import io.cameldblog.core.Operation;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;

/**
 * A table as a consumer of the route would rebuild it: op c/u/r upsert the row by key, d deletes it. Kept as text
 * per key (the values' text joined), which is how it is compared with the real table. Counts what a snapshot test
 * asserts on: rows read by the snapshot, keys read twice, and whether the snapshot's last row arrived.
 */
final class RebuiltTable implements AutoCloseable {

    final Map<Integer, String> rows = new ConcurrentHashMap<>();
    final AtomicLong snapshotRows = new AtomicLong();
    final AtomicLong logEvents = new AtomicLong();
    final AtomicInteger snapshotsCompleted = new AtomicInteger();
    private final Map<Integer, Boolean> readBySnapshot = new ConcurrentHashMap<>();
    final AtomicLong snapshotDuplicates = new AtomicLong();
    private final CamelContext context = new DefaultCamelContext();

    RebuiltTable(String uri) throws Exception {
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from(uri).routeId("rebuild").process(e -> apply(e.getMessage().getBody(ChangeEvent.class)));
            }
        });
    }

    RebuiltTable start() {
        context.start();
        return this;
    }

    CamelContext context() {
        return context;
    }

    private void apply(ChangeEvent e) {
        int id = ((Number) e.key().get("id")).intValue();
        if (e.op() == Operation.DELETE) {
            rows.remove(id);
        } else {
            rows.put(id, text(e.after()));
        }
        if (e.op() == Operation.READ) {
            snapshotRows.incrementAndGet();
            if (readBySnapshot.put(id, true) != null) {
                snapshotDuplicates.incrementAndGet();
            }
            if ("last".equals(e.source().extra().get("snapshot"))) {
                snapshotsCompleted.incrementAndGet();
            }
        } else {
            logEvents.incrementAndGet();
        }
    }

    /** The columns' values as text, in column order. */
    static String text(Map<String, Object> row) {
        List<String> values = new ArrayList<>();
        row.values().forEach(v -> values.add(String.valueOf(v)));
        return String.join("|", values);
    }

    /** The real table, the same way: key column {@code id}. */
    static Map<Integer, String> read(Connection c, String table) throws SQLException {
        Map<Integer, String> rows = new TreeMap<>();
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT * FROM " + table)) {
            ResultSetMetaData md = rs.getMetaData();
            while (rs.next()) {
                List<String> values = new ArrayList<>();
                for (int i = 1; i <= md.getColumnCount(); i++) {
                    values.add(String.valueOf(rs.getObject(i)));
                }
                rows.put(rs.getInt("id"), String.join("|", values));
            }
        }
        return rows;
    }

    /** The keys whose rows differ between the two, for a readable failure. */
    static List<String> differences(Map<Integer, String> expected, Map<Integer, String> actual) {
        List<String> diff = new ArrayList<>();
        for (Map.Entry<Integer, String> e : expected.entrySet()) {
            String a = actual.get(e.getKey());
            if (!e.getValue().equals(a)) {
                diff.add(e.getKey() + ": expected " + e.getValue() + ", rebuilt " + a);
            }
        }
        for (Integer k : actual.keySet()) {
            if (!expected.containsKey(k)) {
                diff.add(k + ": rebuilt " + actual.get(k) + ", not in the table");
            }
        }
        return diff.size() > 20 ? diff.subList(0, 20) : diff;
    }

    @Override
    public void close() {
        context.stop();
    }
}

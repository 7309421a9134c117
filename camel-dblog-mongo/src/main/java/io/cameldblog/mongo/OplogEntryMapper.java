package io.cameldblog.mongo;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.cameldblog.core.ChangeEvent;
import io.cameldblog.core.Operation;
import io.cameldblog.core.SourceInfo;
import io.cameldblog.core.json.ChangeEventJson;
import org.bson.BsonTimestamp;
import org.bson.Document;
import org.bson.json.JsonMode;
import org.bson.json.JsonWriterSettings;

/**
 * Turns oplog entries into change events, the way a replica applies them: {@code applyOps} transactions unpacked
 * into their operations in order, no-ops and other commands skipped, updates in each form MongoDB logs them
 * ({@code $set}/{@code $unset}, the {@code $v:2} diff of MongoDB 5+, or a whole replacement document).
 * <p>
 * The oplog holds what changed, not the whole updated document: an update's {@code after} is the {@code _id}
 * plus the fields it set (nested fields as dotted paths), and the fields it removed are listed in
 * {@code source.removed}; {@code source.patch} is {@code true} for such partial images. A replacement carries
 * the whole new document. BSON values are in relaxed extended JSON form ({@code {"$oid": ...}},
 * {@code {"$date": ...}}, {@code {"$numberDecimal": ...}}), so nothing is lost in JSON.
 */
public final class OplogEntryMapper {

    private static final JsonWriterSettings RELAXED = JsonWriterSettings.builder().outputMode(JsonMode.RELAXED).build();

    private final String endpointName;

    public OplogEntryMapper(String endpointName) {
        this.endpointName = endpointName;
    }

    /** The operations an entry applies, in order: its own, or those of an {@code applyOps} transaction. */
    public static List<Document> operations(Document entry) {
        if ("c".equals(entry.getString("op")) && entry.get("o") instanceof Document o
                && o.get("applyOps") instanceof List<?> ops) {
            List<Document> result = new ArrayList<>();
            for (Object op : ops) {
                if (op instanceof Document d) {
                    result.add(d);
                }
            }
            return result;
        }
        return List.of(entry);
    }

    /**
     * The change event of operation {@code index} (0-based) of {@code entry}, or {@code null} when it changes no
     * document (no-op, command). Its position is the entry's timestamp with {@code index + 1} operations done: a
     * restart from it continues with the next operation of the same transaction.
     */
    public ChangeEvent toEvent(Document entry, Document op, int index) {
        OplogPosition position = position(entry, index + 1);
        String kind = op.getString("op");
        String ns = op.getString("ns");
        if (kind == null || ns == null || !(kind.equals("i") || kind.equals("u") || kind.equals("d"))) {
            return null;
        }
        Document o = op.get("o", Document.class);
        if (o == null) {
            return null;
        }
        int dot = ns.indexOf('.');
        String db = dot < 0 ? ns : ns.substring(0, dot);
        String collection = dot < 0 ? "" : ns.substring(dot + 1);
        long commitMs = commitMillis(entry);

        SourceInfo.Builder source = SourceInfo.builder().connector("mongodb").name(endpointName).db(db)
                .table(collection).tsMs(commitMs).position(position.text())
                .extra("ts", position.text()).extra("op_index", Math.max(0, position.opsDone() - 1));
        ChangeEvent.Builder event = ChangeEvent.builder().position(position).tsMs(System.currentTimeMillis());
        switch (kind) {
            case "i" -> event.op(Operation.INSERT).after(json(o)).key(key(o.get("_id")));
            case "d" -> event.op(Operation.DELETE).before(json(o)).key(key(o.get("_id")));
            default -> {
                Document selector = op.get("o2", Document.class);
                Object id = selector != null ? selector.get("_id") : o.get("_id");
                event.op(Operation.UPDATE).key(key(id));
                if (isReplacement(o)) {
                    Document after = new Document("_id", id);
                    o.forEach((k, v) -> {
                        if (!"_id".equals(k)) {
                            after.put(k, v);
                        }
                    });
                    event.after(json(after));
                } else {
                    Document set = new Document("_id", id);
                    List<String> removed = new ArrayList<>();
                    patch(o, set, removed);
                    event.after(json(set));
                    source.extra("patch", true);
                    if (!removed.isEmpty()) {
                        source.extra("removed", removed);
                    }
                }
            }
        }
        return event.source(source.build()).build();
    }

    /**
     * A document read from its collection (a snapshot) as an {@code op = r} event: {@code after} and the key built
     * exactly as for an insert of the same document, so a snapshot row equals the insert's row, value types
     * included. Its position is left unset (the snapshot gives it one).
     */
    public ChangeEvent toReadEvent(String db, String collection, Document document) {
        SourceInfo source = SourceInfo.builder().connector("mongodb").name(endpointName).db(db).table(collection)
                .tsMs(System.currentTimeMillis()).build();
        return ChangeEvent.builder().op(Operation.READ).after(json(document)).key(key(document.get("_id")))
                .tsMs(System.currentTimeMillis()).source(source).build();
    }

    /** Whether an event of this mapper holds only the fields an update set ({@code source.patch}). */
    static boolean isPatch(ChangeEvent event) {
        return Boolean.TRUE.equals(event.source().extra().get("patch"));
    }

    private static boolean isReplacement(Document o) {
        return o.keySet().stream().noneMatch(k -> k.startsWith("$"));
    }

    /** Fields set and removed by an update spec: {@code $set}/{@code $unset}, or MongoDB 5+'s {@code $v:2} diff. */
    private static void patch(Document o, Document set, List<String> removed) {
        if (o.get("diff") instanceof Document diff) {
            diff("", diff, set, removed);
            return;
        }
        if (o.get("$set") instanceof Document s) {
            s.forEach(set::put);
        }
        if (o.get("$unset") instanceof Document u) {
            removed.addAll(u.keySet());
        }
    }

    /**
     * A {@code $v:2} diff: {@code u} updated and {@code i} inserted fields, {@code d} deleted ones, {@code s<name>}
     * a nested diff of sub-document {@code name}; arrays ({@code a: true}) list their changed indexes as
     * {@code u<index>}.
     */
    private static void diff(String prefix, Document diff, Document set, List<String> removed) {
        boolean array = Boolean.TRUE.equals(diff.get("a"));
        for (Map.Entry<String, Object> e : diff.entrySet()) {
            String key = e.getKey();
            if (array && key.length() > 1 && key.charAt(0) == 'u' && Character.isDigit(key.charAt(1))) {
                set.put(prefix + key.substring(1), e.getValue());
            } else if ((key.equals("u") || key.equals("i")) && e.getValue() instanceof Document fields) {
                fields.forEach((k, v) -> set.put(prefix + k, v));
            } else if (key.equals("d") && e.getValue() instanceof Document fields) {
                fields.keySet().forEach(k -> removed.add(prefix + k));
            } else if (key.length() > 1 && key.charAt(0) == 's' && e.getValue() instanceof Document nested) {
                diff(prefix + key.substring(1) + ".", nested, set, removed);
            }
        }
    }

    /** The place after {@code opsDone} operations of {@code entry}: its timestamp and that count. */
    public static OplogPosition position(Document entry, int opsDone) {
        BsonTimestamp ts = timestamp(entry);
        return new OplogPosition(ts.getTime(), ts.getInc(), opsDone);
    }

    static BsonTimestamp timestamp(Document entry) {
        if (entry.get("ts") instanceof BsonTimestamp t) {
            return t;
        }
        throw new IllegalStateException("oplog entry without a timestamp: " + entry.toJson());
    }

    private static long commitMillis(Document entry) {
        if (entry.get("wall") instanceof java.util.Date wall) {
            return wall.getTime();
        }
        Object ts = entry.get("ts");
        return ts instanceof BsonTimestamp t ? t.getTime() * 1000L : System.currentTimeMillis();
    }

    private static Map<String, Object> key(Object id) {
        Map<String, Object> key = new LinkedHashMap<>();
        key.put("_id", json(new Document("_id", id)).get("_id"));
        return key;
    }

    /** A document in relaxed extended JSON form, as Java maps, lists and exact numbers. */
    static Map<String, Object> json(Document doc) {
        return ChangeEventJson.parseObject(doc.toJson(RELAXED));
    }
}

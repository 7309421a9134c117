package io.cameldblog.mongo;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

import com.mongodb.client.MongoCollection;
import io.cameldblog.core.ChangeEvent;
import org.bson.Document;

/**
 * A collection as a consumer rebuilds it from a route's events: {@code c}, {@code r} and whole-document {@code u}
 * replace the document, a patch {@code u} ({@code source.patch}) sets its fields and removes
 * {@code source.removed}, {@code d} deletes it. Compared with the real collection read through the same mapper.
 */
final class RebuiltCollection {

    private final Map<String, Map<String, Object>> documents = new ConcurrentHashMap<>();

    void apply(ChangeEvent event) {
        @SuppressWarnings("unchecked")
        List<String> removed = (List<String>) event.source().extra().get("removed");
        apply(event.op().code(), event.key().get("_id"), event.after(), OplogEntryMapper.isPatch(event), removed);
    }

    void apply(String op, Object id, Map<String, Object> after, boolean patch, List<String> removed) {
        String key = String.valueOf(id);
        switch (op) {
            case "c", "r" -> documents.put(key, new TreeMap<>(after));
            case "d" -> documents.remove(key);
            case "u" -> {
                if (!patch) {
                    documents.put(key, new TreeMap<>(after));
                    return;
                }
                // a patch needs the document under it: a consumer that never saw it would hold the patch alone
                Map<String, Object> doc = documents.computeIfAbsent(key,
                        k -> new TreeMap<>(Map.of("missing-base", true)));
                after.forEach((field, value) -> {
                    if (field.contains(".")) {
                        throw new IllegalArgumentException("the test writer sets top-level fields only: " + field);
                    }
                    doc.put(field, value);
                });
                if (removed != null) {
                    removed.forEach(doc::remove);
                }
            }
            default -> throw new IllegalArgumentException("op " + op);
        }
    }

    Map<String, Map<String, Object>> documents() {
        return new TreeMap<>(documents);
    }

    /** The real collection, each document as the mapper turns it into an insert's {@code after}. */
    static Map<String, Map<String, Object>> actual(MongoCollection<Document> collection) {
        Map<String, Map<String, Object>> actual = new TreeMap<>();
        for (Document d : collection.find()) {
            Map<String, Object> json = new LinkedHashMap<>(OplogEntryMapper.json(d));
            actual.put(String.valueOf(json.get("_id")), new TreeMap<>(json));
        }
        return actual;
    }
}

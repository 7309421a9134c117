package io.cameldblog.mongo;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.mongodb.client.model.changestream.ChangeStreamDocument;
import com.mongodb.client.model.changestream.UpdateDescription;
import io.cameldblog.core.ChangeEvent;
import io.cameldblog.core.Operation;
import io.cameldblog.core.SourceInfo;
import org.bson.BsonDocument;
import org.bson.Document;

/**
 * Change-stream documents to change events: insert, update (the looked-up full document when
 * {@code fullDocument} asks for it, else the update description as a patch), replace, delete; pre-images as
 * {@code before} where the server has them. Other operation types (drop, rename, invalidate) change no row.
 */
final class ChangeStreamEventMapper {

    private final String endpointName;
    private final String defaultDatabase;
    private final String defaultCollection;

    ChangeStreamEventMapper(String endpointName, String defaultDatabase, String defaultCollection) {
        this.endpointName = endpointName;
        this.defaultDatabase = defaultDatabase;
        this.defaultCollection = defaultCollection;
    }

    ChangeEvent toEvent(ChangeStreamDocument<Document> change) {
        if (change.getOperationType() == null) {
            return null;
        }
        Operation op = switch (change.getOperationType()) {
            case INSERT -> Operation.INSERT;
            case UPDATE, REPLACE -> Operation.UPDATE;
            case DELETE -> Operation.DELETE;
            default -> null;
        };
        if (op == null) {
            return null;
        }
        ResumeTokenPosition position = ResumeTokenPosition.of(change.getResumeToken());
        // a stream on one collection knows its namespace even where a server leaves it out of the event
        String db = change.getNamespace() != null ? change.getNamespace().getDatabaseName() : defaultDatabase;
        String collection = change.getNamespace() != null ? change.getNamespace().getCollectionName()
                : defaultCollection;
        long commitMs = change.getWallTime() != null ? change.getWallTime().getValue()
                : change.getClusterTime() != null ? change.getClusterTime().getTime() * 1000L : System.currentTimeMillis();

        SourceInfo.Builder source = SourceInfo.builder().connector("mongodb").name(endpointName).db(db)
                .table(collection).tsMs(commitMs).position(position.text());
        if (change.getClusterTime() != null) {
            source.extra("ts", Integer.toUnsignedString(change.getClusterTime().getTime()) + ":"
                               + Integer.toUnsignedString(change.getClusterTime().getInc()));
        }
        ChangeEvent.Builder event = ChangeEvent.builder().op(op).position(position).tsMs(System.currentTimeMillis())
                .key(key(change));
        Document full = change.getFullDocument();
        Document pre = change.getFullDocumentBeforeChange();
        switch (op) {
            case INSERT -> event.after(full == null ? null : OplogEntryMapper.json(full));
            case DELETE -> event.before(pre != null ? OplogEntryMapper.json(pre) : key(change));
            default -> {
                if (pre != null) {
                    event.before(OplogEntryMapper.json(pre));
                }
                if (full != null) {
                    event.after(OplogEntryMapper.json(full));
                } else {
                    UpdateDescription update = change.getUpdateDescription();
                    Map<String, Object> after = new LinkedHashMap<>(key(change));
                    List<String> removed = new ArrayList<>();
                    if (update != null) {
                        if (update.getUpdatedFields() != null) {
                            after.putAll(OplogEntryMapper.json(Document.parse(update.getUpdatedFields().toJson())));
                        }
                        if (update.getRemovedFields() != null) {
                            removed.addAll(update.getRemovedFields());
                        }
                    }
                    event.after(after);
                    source.extra("patch", true);
                    if (!removed.isEmpty()) {
                        source.extra("removed", removed);
                    }
                }
            }
        }
        return event.source(source.build()).build();
    }

    /** {@code {_id: ...}} from the document key, or from the full document when the key holds no {@code _id}. */
    private static Map<String, Object> key(ChangeStreamDocument<Document> change) {
        BsonDocument key = change.getDocumentKey();
        Object id = null;
        if (key != null && key.containsKey("_id")) {
            id = OplogEntryMapper.json(Document.parse(key.toJson())).get("_id");
        } else if (change.getFullDocument() != null && change.getFullDocument().containsKey("_id")) {
            id = OplogEntryMapper.json(new Document("_id", change.getFullDocument().get("_id"))).get("_id");
        }
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("_id", id);
        return result;
    }
}

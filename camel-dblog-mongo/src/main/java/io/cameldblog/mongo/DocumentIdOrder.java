package io.cameldblog.mongo;

import java.util.ArrayList;
import java.util.List;

import com.mongodb.client.model.Filters;
import org.bson.BsonDocument;
import org.bson.BsonType;
import org.bson.BsonValue;
import org.bson.Document;
import org.bson.conversions.Bson;
import org.bson.json.JsonMode;
import org.bson.json.JsonWriterSettings;

/**
 * Snapshot chunks walk a collection in {@code _id} order, and {@code _id} may be of any BSON type but array: this
 * keeps a chunk's last {@code _id} as stored progress (canonical Extended JSON, a plain string in the position's JSON
 * that parses back to the exact value and type) and says which documents come after it in the order of the
 * {@code _id} index. Query operators compare within one type bracket only ({@code {$gt: 5}} never matches a
 * string), so "after" is the rest of the key's bracket, then every later bracket in BSON sort order.
 */
final class DocumentIdOrder {

    private static final JsonWriterSettings CANONICAL = JsonWriterSettings.builder().outputMode(JsonMode.EXTENDED)
            .build();

    /**
     * The BSON type numbers ({@code $type}) of each bracket of BSON's sort order, first to last (numbers rather than
     * aliases: deprecated types have no alias on every server version).
     */
    private static final List<List<Integer>> BRACKETS = List.of(
            List.of(-1),            // minKey
            List.of(10, 6),         // null, undefined
            List.of(1, 16, 18, 19), // double, int, long, decimal
            List.of(2, 14),         // string, symbol
            List.of(3),             // object
            List.of(4),             // array
            List.of(5),             // binData
            List.of(7),             // objectId
            List.of(8),             // bool
            List.of(9),             // date
            List.of(17),            // timestamp
            List.of(11),            // regex
            List.of(12),            // dbPointer
            List.of(13, 15),        // javascript, javascriptWithScope
            List.of(127));          // maxKey

    private DocumentIdOrder() {
    }

    /** The stored form of an {@code _id}: {@code {"_id": <canonical extended JSON>}} as a string. */
    static String encode(Object id) {
        return new Document("_id", id).toJson(CANONICAL);
    }

    /** The {@code _id} a {@link #encode} string holds, with its exact BSON type. */
    static BsonValue decode(Object stored) {
        if (!(stored instanceof String text)) {
            throw new IllegalArgumentException("a snapshot key of MongoDB is an extended JSON string, not " + stored);
        }
        return BsonDocument.parse(text).get("_id");
    }

    /** Documents whose {@code _id} comes after {@code id} in the same type bracket. */
    static Bson sameBracketAfter(BsonValue id) {
        return Filters.gt("_id", id);
    }

    /** Documents whose {@code _id} is of a bracket after that of {@code id}; null when none can follow. */
    static Bson laterBrackets(BsonValue id) {
        int bracket = bracket(id.getBsonType());
        List<Integer> later = new ArrayList<>();
        for (int b = bracket + 1; b < BRACKETS.size(); b++) {
            later.addAll(BRACKETS.get(b));
        }
        return later.isEmpty() ? null : new Document("_id", new Document("$type", later));
    }

    static int bracket(BsonType type) {
        return switch (type) {
            case MIN_KEY -> 0;
            case NULL, UNDEFINED -> 1;
            case INT32, INT64, DOUBLE, DECIMAL128 -> 2;
            case STRING, SYMBOL -> 3;
            case DOCUMENT -> 4;
            case ARRAY -> 5;
            case BINARY -> 6;
            case OBJECT_ID -> 7;
            case BOOLEAN -> 8;
            case DATE_TIME -> 9;
            case TIMESTAMP -> 10;
            case REGULAR_EXPRESSION -> 11;
            case DB_POINTER -> 12;
            case JAVASCRIPT, JAVASCRIPT_WITH_SCOPE -> 13;
            case MAX_KEY -> 14;
            default -> throw new IllegalArgumentException("no _id is of BSON type " + type);
        };
    }
}

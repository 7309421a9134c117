package io.cameldblog.mongo;

import java.util.ArrayList;
import java.util.List;

import com.mongodb.client.model.Filters;
import org.bson.BsonBinary;
import org.bson.BsonDateTime;
import org.bson.BsonDocument;
import org.bson.BsonMaxKey;
import org.bson.BsonMinKey;
import org.bson.BsonTimestamp;
import org.bson.BsonType;
import org.bson.BsonValue;
import org.bson.Document;
import org.bson.conversions.Bson;
import org.bson.json.JsonMode;
import org.bson.types.ObjectId;
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

    /**
     * One query per type bracket after that of {@code after}, up to that of {@code max} (the collection's greatest
     * {@code _id}: no document is in a later bracket), in sort order. Each selects its whole bracket as a range from
     * the bracket's least value where there is one, so the {@code _id} index answers it; {@code $type} only for
     * numbers and the types no one uses as {@code _id}.
     */
    static List<Bson> bracketsAfter(BsonValue after, BsonValue max) {
        List<Bson> brackets = new ArrayList<>();
        for (int b = bracket(after.getBsonType()) + 1; b <= bracket(max.getBsonType()); b++) {
            Bson all = wholeBracket(b);
            if (all != null) {
                brackets.add(all);
            }
        }
        return brackets;
    }

    private static Bson wholeBracket(int bracket) {
        return switch (bracket) {
            case 0 -> Filters.eq("_id", new BsonMinKey());
            case 1 -> Filters.type("_id", BsonType.NULL);
            case 2 -> Filters.type("_id", "number");
            case 3 -> Filters.gte("_id", "");
            case 4 -> Filters.gte("_id", new BsonDocument());
            case 6 -> Filters.gte("_id", new BsonBinary(new byte[0]));
            case 7 -> Filters.gte("_id", new ObjectId(new byte[12]));
            case 8 -> Filters.gte("_id", false);
            case 9 -> Filters.gte("_id", new BsonDateTime(Long.MIN_VALUE));
            case 10 -> Filters.gte("_id", new BsonTimestamp(0L));
            case 12 -> Filters.type("_id", BsonType.DB_POINTER);
            case 13 -> Filters.or(Filters.type("_id", BsonType.JAVASCRIPT),
                    Filters.type("_id", BsonType.JAVASCRIPT_WITH_SCOPE));
            case 14 -> Filters.eq("_id", new BsonMaxKey());
            // arrays and regular expressions cannot be an _id
            default -> null;
        };
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

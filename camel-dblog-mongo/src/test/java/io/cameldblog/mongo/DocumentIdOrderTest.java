package io.cameldblog.mongo;

import java.util.List;

import com.mongodb.MongoClientSettings;
import org.bson.BsonDateTime;
import org.bson.BsonDocument;
import org.bson.BsonInt32;
import org.bson.BsonMaxKey;
import org.bson.BsonObjectId;
import org.bson.BsonString;
import org.bson.BsonSymbol;
import org.bson.BsonUndefined;
import org.bson.BsonValue;
import org.bson.conversions.Bson;
import org.bson.types.Decimal128;
import org.bson.types.ObjectId;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The stored form of a chunk's last {@code _id} and the queries for the type brackets after it, for the types the
 * stand-in cannot hold (deprecated ones) as well as the common ones.
 */
class DocumentIdOrderTest {

    @Test
    void storedIdsReadBackWithTheirExactType() {
        for (Object id : List.of(7, 7L, 7.0, new Decimal128(7), "7", new ObjectId("6743a1b2c3d4e5f601234567"),
                new org.bson.Document("a", 1).append("b", List.of(1, 2)), new java.util.Date(0), true,
                new org.bson.types.Binary((byte) 4, new byte[16]))) {
            BsonValue decoded = DocumentIdOrder.decode(DocumentIdOrder.encode(id));
            BsonValue original = new org.bson.Document("_id", id)
                    .toBsonDocument(BsonDocument.class, MongoClientSettings.getDefaultCodecRegistry()).get("_id");
            assertThat(decoded).as("%s (%s)", id, id.getClass().getSimpleName()).isEqualTo(original);
        }
    }

    @Test
    void afterANumberComeTheBracketsUpToThatOfTheGreatestIdEachAsARange() {
        assertThat(json(DocumentIdOrder.bracketsAfter(new BsonInt32(5), new BsonDateTime(0)))).containsExactly(
                "{\"_id\": {\"$gte\": \"\"}}",
                "{\"_id\": {\"$gte\": {}}}",
                "{\"_id\": {\"$gte\": {\"$binary\": {\"base64\": \"\", \"subType\": \"00\"}}}}",
                "{\"_id\": {\"$gte\": {\"$oid\": \"000000000000000000000000\"}}}",
                "{\"_id\": {\"$gte\": false}}",
                "{\"_id\": {\"$gte\": {\"$date\": {\"$numberLong\": \"-9223372036854775808\"}}}}");
    }

    @Test
    void noLaterBracketWhenTheGreatestIdIsInTheSameOneAndDeprecatedTypesShareTheirBracket() {
        assertThat(DocumentIdOrder.bracketsAfter(new BsonObjectId(), new BsonObjectId())).isEmpty();
        assertThat(DocumentIdOrder.bracketsAfter(new BsonString("z"), new BsonSymbol("a"))).isEmpty();
        assertThat(json(DocumentIdOrder.bracketsAfter(new BsonUndefined(), new BsonInt32(1))))
                .containsExactly("{\"_id\": {\"$type\": \"number\"}}");
        assertThat(json(DocumentIdOrder.bracketsAfter(new BsonDateTime(0), new BsonMaxKey()))).contains(
                "{\"_id\": {\"$maxKey\": 1}}");
    }

    private static List<String> json(List<Bson> filters) {
        return filters.stream().map(f -> f.toBsonDocument(BsonDocument.class,
                MongoClientSettings.getDefaultCodecRegistry()).toJson()).toList();
    }
}

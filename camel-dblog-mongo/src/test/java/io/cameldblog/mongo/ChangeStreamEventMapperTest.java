package io.cameldblog.mongo;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import com.mongodb.MongoClientSettings;
import com.mongodb.client.model.changestream.ChangeStreamDocument;
import io.cameldblog.core.ChangeEvent;
import io.cameldblog.core.Operation;
import org.bson.BsonDocument;
import org.bson.BsonDocumentReader;
import org.bson.Document;
import org.bson.codecs.DecoderContext;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Change events as a MongoDB 6/7 replica set sends them for each {@code fullDocument} /
 * {@code fullDocumentBeforeChange} mode (recorded shapes, decoded by the driver's own codec), which the stand-in
 * does not produce: it sends no update description and no pre-images.
 */
class ChangeStreamEventMapperTest {

    private final ChangeStreamEventMapper mapper = new ChangeStreamEventMapper("catalog", "shop", "orders");

    private static ChangeStreamDocument<Document> change(String json) {
        return ChangeStreamDocument.createCodec(Document.class, MongoClientSettings.getDefaultCodecRegistry())
                .decode(new BsonDocumentReader(BsonDocument.parse(json)), DecoderContext.builder().build());
    }

    /** An update event's common fields; {@code images} adds what the mode asked for. */
    private static String update(String images) {
        return """
                {"_id": {"_data": "8267433A42000000032B022C0100296E5A1004"}, "operationType": "update",
                 "clusterTime": {"$timestamp": {"t": 1732440000, "i": 3}},
                 "wallTime": {"$date": "2026-11-24T10:15:30.200Z"},
                 "ns": {"db": "shop", "coll": "orders"}, "documentKey": {"_id": 7},
                 "updateDescription": {"updatedFields": {"qty": 3, "customer.city": "Paris"},
                                       "removedFields": ["coupon"], "truncatedArrays": []}
                 %s}""".formatted(images);
    }

    @Test
    void defaultModeGivesThePatchOfTheUpdateDescription() {
        ChangeEvent e = mapper.toEvent(change(update("")));
        assertThat(e.op()).isEqualTo(Operation.UPDATE);
        assertThat(e.key()).isEqualTo(Map.of("_id", 7));
        assertThat(e.before()).isNull();
        assertThat(e.after()).isEqualTo(Map.of("_id", 7, "qty", 3, "customer.city", "Paris"));
        assertThat(e.source().extra()).containsEntry("patch", true).containsEntry("removed", List.of("coupon"))
                .containsEntry("ts", "1732440000:3");
        assertThat(e.source().db()).isEqualTo("shop");
        assertThat(e.source().table()).isEqualTo("orders");
        assertThat(e.source().tsMs()).isEqualTo(Instant.parse("2026-11-24T10:15:30.200Z").toEpochMilli());
        assertThat(e.position()).isEqualTo(new ResumeTokenPosition("8267433A42000000032B022C0100296E5A1004"));
        assertThat(e.source().position()).isEqualTo("8267433A42000000032B022C0100296E5A1004");
    }

    @Test
    void updateLookupAndPostImageModesGiveTheWholeDocumentAsAfter() {
        // updateLookup, whenAvailable and required all deliver it in fullDocument
        ChangeEvent e = mapper.toEvent(change(update(", \"fullDocument\": {\"_id\": 7, \"sku\": \"A-7\", \"qty\": 3,"
                                                   + " \"customer\": {\"city\": \"Paris\"}}")));
        assertThat(e.after()).isEqualTo(Map.of("_id", 7, "sku", "A-7", "qty", 3, "customer", Map.of("city", "Paris")));
        assertThat(e.source().extra()).doesNotContainKey("patch").doesNotContainKey("removed");
    }

    @Test
    void whenAvailableWithoutAPostImageFallsBackToThePatch() {
        ChangeEvent e = mapper.toEvent(change(update(", \"fullDocument\": null")));
        assertThat(e.after()).isEqualTo(Map.of("_id", 7, "qty", 3, "customer.city", "Paris"));
        assertThat(e.source().extra()).containsEntry("patch", true);
    }

    @Test
    void preImagesBecomeBeforeForUpdatesAndDeletes() {
        ChangeEvent update = mapper.toEvent(change(update(", \"fullDocument\": {\"_id\": 7, \"qty\": 3},"
                + " \"fullDocumentBeforeChange\": {\"_id\": 7, \"qty\": 2, \"coupon\": \"X\"}")));
        assertThat(update.before()).isEqualTo(Map.of("_id", 7, "qty", 2, "coupon", "X"));
        assertThat(update.after()).isEqualTo(Map.of("_id", 7, "qty", 3));

        ChangeEvent delete = mapper.toEvent(change("""
                {"_id": {"_data": "8267433A42000000042B"}, "operationType": "delete",
                 "clusterTime": {"$timestamp": {"t": 1732440000, "i": 4}},
                 "ns": {"db": "shop", "coll": "orders"}, "documentKey": {"_id": 7},
                 "fullDocumentBeforeChange": {"_id": 7, "qty": 3}}"""));
        assertThat(delete.op()).isEqualTo(Operation.DELETE);
        assertThat(delete.before()).isEqualTo(Map.of("_id", 7, "qty", 3));
        assertThat(delete.after()).isNull();
    }

    @Test
    void withoutPreImagesADeleteCarriesTheKeyAndAReplaceTheNewDocument() {
        ChangeEvent delete = mapper.toEvent(change("""
                {"_id": {"_data": "8267433A42000000052B"}, "operationType": "delete",
                 "clusterTime": {"$timestamp": {"t": 1732440000, "i": 5}},
                 "ns": {"db": "shop", "coll": "carts"}, "documentKey": {"_id": {"$oid": "6743a1b2c3d4e5f601234567"}}}"""));
        assertThat(delete.before()).isEqualTo(Map.of("_id", Map.of("$oid", "6743a1b2c3d4e5f601234567")));
        assertThat(delete.source().table()).isEqualTo("carts");

        ChangeEvent replace = mapper.toEvent(change("""
                {"_id": {"_data": "8267433A42000000062B"}, "operationType": "replace",
                 "clusterTime": {"$timestamp": {"t": 1732440000, "i": 6}},
                 "ns": {"db": "shop", "coll": "orders"}, "documentKey": {"_id": 8},
                 "fullDocument": {"_id": 8, "sku": "B-8"}}"""));
        assertThat(replace.op()).isEqualTo(Operation.UPDATE);
        assertThat(replace.after()).isEqualTo(Map.of("_id", 8, "sku", "B-8"));
        assertThat(replace.source().extra()).doesNotContainKey("patch");

        ChangeEvent insert = mapper.toEvent(change("""
                {"_id": {"_data": "8267433A42000000072B"}, "operationType": "insert",
                 "clusterTime": {"$timestamp": {"t": 1732440000, "i": 7}},
                 "ns": {"db": "shop", "coll": "orders"}, "documentKey": {"_id": 9},
                 "fullDocument": {"_id": 9, "price": {"$numberDecimal": "12.50"}}}"""));
        assertThat(insert.op()).isEqualTo(Operation.INSERT);
        assertThat(insert.after()).isEqualTo(Map.of("_id", 9, "price", Map.of("$numberDecimal", "12.50")));
        assertThat(insert.before()).isNull();
    }
}

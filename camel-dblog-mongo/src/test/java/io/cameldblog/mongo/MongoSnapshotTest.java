package io.cameldblog.mongo;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import com.mongodb.client.MongoCollection;
import io.cameldblog.core.ChangeEvent;
import io.cameldblog.core.Operation;
import io.cameldblog.core.consumer.DbLogConsumer;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.resume.ResumeStrategy;
import org.bson.Document;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Snapshots in oplog mode while a writer inserts, replaces, patches and deletes documents: the collection rebuilt
 * from the route's events equals the real one. On the stand-in with 100 000 documents rather than the issue's
 * 500 000: it answers every chunk query ({@code _id > last}, sorted) by scanning and sorting the whole collection,
 * which a real server answers from the {@code _id} index; set {@code DBLOG_MONGO_URI} for the full size.
 */
class MongoSnapshotTest {

    @AutoClose
    static final MongoTestServer server = MongoTestServer.start();


    /** A route rebuilding the collection from its events, and everything it received. */
    static final class Rebuild implements AutoCloseable {
        final RebuiltCollection rebuilt = new RebuiltCollection();
        final List<ChangeEvent> events = new CopyOnWriteArrayList<>();
        final CamelContext context = new DefaultCamelContext();

        Rebuild(String endpoint) throws Exception {
            this(endpoint, null);
        }

        Rebuild(String endpoint, ResumeStrategy positions) throws Exception {
            context.addRoutes(new RouteBuilder() {
                @Override
                public void configure() {
                    var route = from(endpoint).routeId("snapshot");
                    if (positions != null) {
                        route.resumable(positions);
                    }
                    route.process(e -> {
                        ChangeEvent event = e.getMessage().getBody(ChangeEvent.class);
                        events.add(event);
                        rebuilt.apply(event);
                    });
                }
            });
            context.start();
        }

        DbLogConsumer<?> consumer() {
            return (DbLogConsumer<?>) context.getRoute("snapshot").getConsumer();
        }

        List<ChangeEvent> reads() {
            return events.stream().filter(e -> e.op() == Operation.READ).toList();
        }

        long readCount() {
            return events.stream().filter(e -> e.op() == Operation.READ).count();
        }

        boolean received(Object id) {
            return events.stream().anyMatch(e -> id.equals(e.key().get("_id")));
        }

        @Override
        public void close() {
            context.stop();
        }
    }

    static void load(MongoCollection<Document> collection, int documents) {
        List<Document> batch = new ArrayList<>();
        for (int id = 1; id <= documents; id++) {
            batch.add(ConcurrentWriter.document(id, 0));
            if (batch.size() == 10_000 || id == documents) {
                collection.insertMany(batch);
                batch.clear();
            }
        }
    }

    /** A last write after the writer stopped: once the route has it, it has every earlier change. */
    static void awaitCaughtUp(MongoCollection<Document> collection, Rebuild route) {
        collection.insertOne(new Document("_id", -1).append("name", "marker"));
        await().atMost(Duration.ofSeconds(60)).until(() -> route.received(-1));
    }

    @Test
    void initialSnapshotWhileAWriterChangesTheCollectionRebuildsItExactly() throws Exception {
        int documents = server.isReal() ? 500_000 : 100_000;
        MongoCollection<Document> items = server.freshCollection("items");
        load(items, documents);
        long start = System.nanoTime();
        try (Rebuild route = new Rebuild(server.endpoint("items", "includeNamespaces=" + MongoTestServer.only(items)
                                                                 + "&snapshotMode=initial&snapshotChunkSize=2000"))) {
            ConcurrentWriter writer = new ConcurrentWriter(items, documents, 1, 500);
            try (writer) {
                await().atMost(Duration.ofSeconds(240)).until(() -> route.consumer().getSnapshotProgress().isDone()
                                                                    && route.readCount() > 0);
            }
            awaitCaughtUp(items, route);
            System.out.printf("snapshot of %d documents with %d concurrent writes: %d ms%n", documents,
                    writer.writes(), (System.nanoTime() - start) / 1_000_000);
            assertThat(writer.writes()).as("writes during the snapshot").isGreaterThan(100);
            assertThat(route.rebuilt.documents()).isEqualTo(RebuiltCollection.actual(items));
            List<ChangeEvent> reads = route.reads();
            assertThat(reads).allSatisfy(r -> assertThat(r.before()).isNull());
            assertThat(reads.get(reads.size() - 1).source().extra()).containsEntry("snapshot", "last");
            assertThat(reads.get(0).source().extra()).containsEntry("snapshot", true);
        }
    }

    @Test
    void aSignalDocumentStartsASnapshotWhileStreamingAndTheRebuiltCollectionIsExact() throws Exception {
        int documents = 20_000;
        MongoCollection<Document> items = server.freshCollection("signalled");
        load(items, documents);
        String ns = items.getNamespace().getFullName();
        try (Rebuild route = new Rebuild(server.endpoint("signalled", "includeNamespaces=" + MongoTestServer.only(items)
                                                                      + "&snapshotChunkSize=1000"))) {
            ConcurrentWriter writer = new ConcurrentWriter(items, documents, 2, 500);
            try (writer) {
                await().atMost(Duration.ofSeconds(20)).until(() -> route.events.size() > 50);
                signals().insertOne(new Document("_id", "snap-" + ns).append("type", "execute-snapshot")
                        .append("data", new Document("data-collections", List.of(ns))));
                await().atMost(Duration.ofSeconds(120)).until(() -> route.readCount() > 0
                                                                    && route.consumer().getSnapshotProgress().isDone());
            }
            awaitCaughtUp(items, route);
            assertThat(route.rebuilt.documents()).isEqualTo(RebuiltCollection.actual(items));
            assertThat(route.events).noneMatch(e -> e.source().table().equals("dblog_signal"));
        }
    }

    private static MongoCollection<Document> signals() {
        return server.client().getDatabase("shop").getCollection("dblog_signal");
    }

    /** Documents of every BSON type the mapper tests cover, with _ids of several types (in BSON sort order). */
    private static List<Document> typedDocuments() {
        List<Document> docs = new ArrayList<>();
        List<Object> ids = List.of(-5, 2.5, 7L, new org.bson.types.Decimal128(new java.math.BigDecimal("9.10")),
                "a", "b",
                new Document("k", 1), new org.bson.types.Binary(new byte[] {1, 2}),
                new org.bson.types.ObjectId("6743a1b2c3d4e5f601234567"),
                new org.bson.types.ObjectId("6743a1b2c3d4e5f601234568"), false, true,
                new java.util.Date(1_732_440_000_000L));
        for (Object id : ids) {
            docs.add(new Document("_id", id).append("size", 9_007_199_254_740_993L).append("count", 3)
                    .append("price", new org.bson.types.Decimal128(new java.math.BigDecimal("0.10")))
                    .append("ratio", 0.25).append("whole", 1.0)
                    .append("at", new java.util.Date(1_732_443_330_123L))
                    .append("data", new org.bson.types.Binary(new byte[] {(byte) 0xde, (byte) 0xad}))
                    .append("uuid", new org.bson.types.Binary((byte) 4, new byte[16]))
                    .append("oid", new org.bson.types.ObjectId("6743a1b2c3d4e5f601234569"))
                    .append("flag", true).append("none", null).append("text", "zürich ✓")
                    .append("nested", new Document("list", List.of(1, new Document("x", "y"), 2L))));
        }
        return docs;
    }

    @Test
    void snapshotRowsEqualTheInsertEventsOfTheSameDocumentsTypesIncludedAndComeInIdOrderAcrossTypes()
            throws Exception {
        MongoCollection<Document> typed = server.freshCollection("typed");
        String ns = typed.getNamespace().getFullName();
        List<Document> docs = typedDocuments();
        try (Rebuild route = new Rebuild(server.endpoint("typed", "includeNamespaces=" + MongoTestServer.only(typed)
                                                                  + "&snapshotChunkSize=2"))) {
            for (Document d : docs) {
                typed.insertOne(d);
            }
            await().atMost(Duration.ofSeconds(20)).until(() -> route.events.size() == docs.size());
            List<ChangeEvent> inserts = List.copyOf(route.events);
            route.consumer().requestSnapshot(List.of(ns), null);
            await().atMost(Duration.ofSeconds(20)).until(() -> route.readCount() == docs.size()
                                                               && route.consumer().getSnapshotProgress().isDone());
            List<ChangeEvent> reads = route.reads();
            // inserted in _id order, so the snapshot (in _id order) meets them in the same order
            for (int i = 0; i < docs.size(); i++) {
                ChangeEvent insert = inserts.get(i);
                ChangeEvent read = reads.get(i);
                assertThat(read.after()).as("snapshot row of _id %s", insert.key()).isEqualTo(insert.after());
                assertSameTypes(read.after(), insert.after());
                assertThat(read.key()).isEqualTo(insert.key());
                assertThat(read.source().db()).isEqualTo(insert.source().db());
                assertThat(read.source().table()).isEqualTo(insert.source().table());
            }
            assertThat(reads.get(reads.size() - 1).source().extra()).containsEntry("snapshot", "last");
        }
    }

    /** Equal maps may still differ in a value's Java type where equals is lenient; a consumer sees the type. */
    private static void assertSameTypes(Object read, Object logged) {
        assertThat(read == null ? null : read.getClass()).isEqualTo(logged == null ? null : logged.getClass());
        if (read instanceof Map<?, ?> m) {
            m.forEach((k, v) -> assertSameTypes(v, ((Map<?, ?>) logged).get(k)));
        } else if (read instanceof List<?> l) {
            for (int i = 0; i < l.size(); i++) {
                assertSameTypes(l.get(i), ((List<?>) logged).get(i));
            }
        }
    }

    @Test
    void aSignalWithAFilterDocumentReadsOnlyTheMatchingDocuments() throws Exception {
        MongoCollection<Document> items = server.freshCollection("filtered");
        load(items, 1000);
        try (Rebuild route = new Rebuild(server.endpoint("filtered", "includeNamespaces=" + MongoTestServer.only(items)
                                                                     + "&snapshotChunkSize=64"))) {
            // Debezium's shape: data as a JSON string, the filter document as a string in it
            signals().insertOne(new Document("_id", "filtered-" + items.getNamespace().getFullName())
                    .append("type", "execute-snapshot").append("data", "{\"data-collections\": [\""
                                                                       + items.getNamespace().getFullName() + "\"],"
                    + " \"where\": \"{\\\"qty\\\": {\\\"$lt\\\": 10}}\"}"));
            await().atMost(Duration.ofSeconds(20)).until(() -> route.readCount() > 0
                                                               && route.consumer().getSnapshotProgress().isDone());
            assertThat(route.events).noneMatch(e -> e.op() != Operation.READ);
            assertThat(route.reads()).hasSize(100)
                    .allSatisfy(r -> assertThat(((Number) r.after().get("qty")).intValue()).isLessThan(10));
        }
    }

    @Test
    void aRequestForAMissingCollectionIsSkippedAndStreamingGoesOn() throws Exception {
        MongoCollection<Document> items = server.freshCollection("present");
        String options = "includeNamespaces=" + MongoTestServer.only(items);
        try (Rebuild route = new Rebuild(server.endpoint("present", options))) {
            route.consumer().requestSnapshot(List.of("shop.no_such_collection"), null);
            items.insertOne(new Document("_id", 1));
            await().atMost(Duration.ofSeconds(20)).until(() -> route.received(1)
                                                               && route.consumer().getSnapshotProgress().isDone());
            assertThat(route.readCount()).isZero();
        }
    }

    @Test
    void initialOnlyStopsTheRouteOnceEveryDocumentIsDelivered() throws Exception {
        MongoCollection<Document> items = server.freshCollection("once");
        load(items, 3000);
        try (Rebuild route = new Rebuild(server.endpoint("once", "includeNamespaces=" + MongoTestServer.only(items)
                                                                 + "&snapshotMode=initial_only"))) {
            await().atMost(Duration.ofSeconds(60)).until(() -> route.context.getRouteController()
                    .getRouteStatus("snapshot").isStopped());
            assertThat(route.readCount()).isEqualTo(3000);
            assertThat(route.rebuilt.documents()).isEqualTo(RebuiltCollection.actual(items));
        }
    }

    @Test
    void changeStreamModeRefusesSnapshotModeNamingTheFix() {
        CamelContext context = new DefaultCamelContext();
        assertThatThrownBy(() -> {
            context.addRoutes(new RouteBuilder() {
                @Override
                public void configure() {
                    from(server.endpoint("cs", "mode=changeStream&database=shop&snapshotMode=initial")).log("${body}");
                }
            });
            context.start();
        }).hasStackTraceContaining("cannot take snapshots in mode=changeStream")
                .hasStackTraceContaining("use mode=oplog");
        context.stop();
    }
}

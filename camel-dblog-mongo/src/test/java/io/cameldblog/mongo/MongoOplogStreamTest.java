package io.cameldblog.mongo;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Updates;
import io.cameldblog.core.ChangeEvent;
import io.cameldblog.core.DbLogConstants;
import io.cameldblog.core.Operation;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.bson.Document;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Against the stand-in server (mongo-java-server), or a real replica set when {@code DBLOG_MONGO_URI} is set:
 * document changes arrive in order with their values.
 */
class MongoOplogStreamTest {

    @AutoClose
    static final MongoTestServer server = MongoTestServer.start();


    /** A route capturing every event and its headers, in order. */
    static final class Capture implements AutoCloseable {
        final List<ChangeEvent> events = new CopyOnWriteArrayList<>();
        final List<Map<String, Object>> headers = new CopyOnWriteArrayList<>();
        final CamelContext context = new DefaultCamelContext();

        Capture(String endpoint) throws Exception {
            context.addRoutes(new RouteBuilder() {
                @Override
                public void configure() {
                    from(endpoint).process(e -> {
                        events.add(e.getMessage().getBody(ChangeEvent.class));
                        headers.add(Map.copyOf(e.getMessage().getHeaders()));
                    });
                }
            });
            context.start();
        }

        @Override
        public void close() {
            context.stop();
        }
    }


    @Test
    void insertsUpdatesAndDeletesOfNestedDocumentsArriveInOrder() throws Exception {
        MongoCollection<Document> orders = server.freshCollection("orders");
        String table = orders.getNamespace().getCollectionName();
        try (Capture capture = new Capture(server.endpoint("orders", "includeNamespaces=" + MongoTestServer.only(orders)))) {
            orders.insertOne(new Document("_id", 1).append("sku", "A-1").append("qty", 2)
                    .append("customer", new Document("name", "Ada").append("city", "London"))
                    .append("tags", List.of("new", "gift")));
            server.freshCollection("other").insertOne(new Document("_id", 1));
            orders.updateOne(Filters.eq("_id", 1), Updates.combine(Updates.set("qty", 3),
                    Updates.set("customer.city", "Paris"), Updates.unset("tags")));
            orders.replaceOne(Filters.eq("_id", 1), new Document("sku", "A-1").append("qty", 4));
            orders.deleteOne(Filters.eq("_id", 1));

            await().atMost(Duration.ofSeconds(20)).until(() -> capture.events.size() >= 4);
            List<ChangeEvent> events = capture.events;
            assertThat(events).extracting(ChangeEvent::op)
                    .containsExactly(Operation.INSERT, Operation.UPDATE, Operation.UPDATE, Operation.DELETE);

            ChangeEvent insert = events.get(0);
            assertThat(insert.after()).containsEntry("_id", 1).containsEntry("sku", "A-1").containsEntry("qty", 2)
                    .containsEntry("customer", Map.of("name", "Ada", "city", "London"))
                    .containsEntry("tags", List.of("new", "gift"));
            assertThat(insert.key()).isEqualTo(Map.of("_id", 1));
            assertThat(insert.source().db()).isEqualTo("shop");
            assertThat(insert.source().table()).isEqualTo(table);
            assertThat(insert.source().connector()).isEqualTo("mongodb");
            assertThat(insert.source().position()).matches("\\d+:\\d+");

            ChangeEvent patch = events.get(1);
            assertThat(patch.key()).isEqualTo(Map.of("_id", 1));
            assertThat(patch.after()).containsEntry("_id", 1).containsEntry("qty", 3)
                    .containsEntry("customer.city", "Paris");
            assertThat(patch.source().extra()).containsEntry("patch", true).containsEntry("removed", List.of("tags"));

            assertThat(events.get(2).after()).isEqualTo(Map.of("_id", 1, "sku", "A-1", "qty", 4));
            assertThat(events.get(3).before()).isEqualTo(Map.of("_id", 1));
            assertThat(events.get(3).after()).isNull();

            assertThat(capture.headers.get(0)).containsEntry(DbLogConstants.SOURCE, "mongodb")
                    .containsEntry(DbLogConstants.TABLE, table).containsEntry(DbLogConstants.OPERATION, "INSERT");
            assertThat(capture.events).allMatch(e -> table.equals(e.source().table()));
        }
    }
}

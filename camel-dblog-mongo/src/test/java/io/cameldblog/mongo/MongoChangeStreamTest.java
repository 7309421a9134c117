package io.cameldblog.mongo;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Updates;
import io.cameldblog.core.ChangeEvent;
import io.cameldblog.core.Operation;
import io.cameldblog.core.resume.FileResumeStrategy;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.bson.Document;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * mode=changeStream on a collection, against the stand-in (what it does right: collection watch with
 * updateLookup and resumeAfter) or a real replica set with {@code DBLOG_MONGO_URI}.
 */
class MongoChangeStreamTest {

    @AutoClose
    static final MongoTestServer server = MongoTestServer.start();

    @TempDir
    Path offsets;


    private CamelContext run(MongoCollection<Document> watched, List<ChangeEvent> events) throws Exception {
        CamelContext context = new DefaultCamelContext();
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from(server.endpoint("watched", "mode=changeStream&database=shop&collection="
                                                + watched.getNamespace().getCollectionName()))
                        .resumable(new FileResumeStrategy(offsets))
                        .process(e -> events.add(e.getMessage().getBody(ChangeEvent.class)));
            }
        });
        context.start();
        return context;
    }

    @Test
    void changesArriveWithFullDocumentsAndARestartResumesAfterTheLastToken() throws Exception {
        MongoCollection<Document> watched = server.freshCollection("watched");
        List<ChangeEvent> first = new CopyOnWriteArrayList<>();
        CamelContext one = run(watched, first);
        watched.insertOne(new Document("_id", 1).append("name", "lamp").append("price", 30));
        watched.updateOne(Filters.eq("_id", 1), Updates.set("price", 25));
        watched.insertOne(new Document("_id", 2).append("name", "desk"));
        watched.deleteOne(Filters.eq("_id", 2));
        await().atMost(Duration.ofSeconds(20)).until(() -> first.size() >= 4);
        one.stop();

        assertThat(first).extracting(ChangeEvent::op)
                .containsExactly(Operation.INSERT, Operation.UPDATE, Operation.INSERT, Operation.DELETE);
        assertThat(first.get(0).after()).isEqualTo(Map.of("_id", 1, "name", "lamp", "price", 30));
        assertThat(first.get(0).source().db()).isEqualTo("shop");
        assertThat(first.get(0).source().table()).isEqualTo(watched.getNamespace().getCollectionName());
        assertThat(first.get(1).after()).isEqualTo(Map.of("_id", 1, "name", "lamp", "price", 25));
        assertThat(first.get(1).key()).isEqualTo(Map.of("_id", 1));
        assertThat(first.get(3).key()).isEqualTo(Map.of("_id", 2));
        assertThat(first.get(0).position()).isInstanceOf(ResumeTokenPosition.class);

        // written while stopped: resumed from the stored token, nothing repeated
        watched.insertOne(new Document("_id", 3).append("name", "chair"));
        List<ChangeEvent> second = new CopyOnWriteArrayList<>();
        CamelContext two = run(watched, second);
        watched.insertOne(new Document("_id", 4).append("name", "shelf"));
        await().atMost(Duration.ofSeconds(20)).until(() -> second.stream().anyMatch(e -> e.key().get("_id").equals(4)));
        two.stop();
        List<Object> ids = new ArrayList<>();
        second.forEach(e -> ids.add(e.key().get("_id")));
        assertThat(ids).containsExactly(3, 4);
    }
}

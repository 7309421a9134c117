package io.cameldblog.mongo;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import com.mongodb.client.MongoCollection;
import io.cameldblog.core.ChangeEvent;
import io.cameldblog.core.DbLogConfigurationException;
import io.cameldblog.core.resume.FileResumeStrategy;
import io.cameldblog.core.testing.CapturedLog;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.util.ObjectHelper;
import org.bson.Document;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** A resumable route continues after its last processed document; a position the oplog no longer has fails. */
class MongoOplogResumeTest {

    @AutoClose
    static final MongoTestServer server = MongoTestServer.start();

    @TempDir
    Path offsets;


    private CamelContext run(MongoCollection<Document> docs, String options, List<Object> ids) throws Exception {
        CamelContext context = new DefaultCamelContext();
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from(server.endpoint("resumed", "includeNamespaces=" + MongoTestServer.only(docs) + options))
                        .resumable(new FileResumeStrategy(offsets))
                        .process(e -> ids.add(e.getMessage().getBody(ChangeEvent.class).after().get("_id")));
            }
        });
        context.start();
        return context;
    }

    @Test
    void restartContinuesAfterTheLastProcessedDocumentExactlyOnce() throws Exception {
        MongoCollection<Document> docs = server.freshCollection("resumed");
        List<Object> first = new CopyOnWriteArrayList<>();
        CamelContext one = run(docs, "", first);
        for (int i = 1; i <= 5; i++) {
            docs.insertOne(new Document("_id", i));
        }
        await().atMost(Duration.ofSeconds(20)).until(() -> first.size() >= 5);
        one.stop();

        for (int i = 6; i <= 8; i++) {
            docs.insertOne(new Document("_id", i));
        }
        List<Object> second = new CopyOnWriteArrayList<>();
        CamelContext two = run(docs, "", second);
        docs.insertOne(new Document("_id", 9));
        await().atMost(Duration.ofSeconds(20)).until(() -> second.contains(9));
        two.stop();

        List<Object> all = new ArrayList<>(first);
        all.addAll(second);
        assertThat(all).containsExactly(1, 2, 3, 4, 5, 6, 7, 8, 9);
    }

    @Test
    void aPositionOlderThanTheOldestOplogEntryIsAnErrorNotASilentSkip() {
        MongoCollection<Document> docs = server.freshCollection("resumed_old");
        docs.insertOne(new Document("_id", 1));
        assertThatThrownBy(() -> run(docs, "&startPosition=1:1", new ArrayList<>()))
                .satisfies(e -> assertThat(ObjectHelper.getException(DbLogConfigurationException.class, e))
                        .isNotNull()
                        .hasMessageContaining("older than the oldest oplog entry")
                        .hasMessageContaining("Fix: re-sync the target"));
    }

    @Test
    void aRouteWithoutResumableWarnsAtStartWhatARestartWillDo() throws Exception {
        try (CapturedLog log = CapturedLog.warnings()) {
            CamelContext context = new DefaultCamelContext();
            context.addRoutes(new RouteBuilder() {
                @Override
                public void configure() {
                    from(server.endpoint("unkept", "includeNamespaces=" + MongoTestServer.only(server.freshCollection("unkept"))))
                            .routeId("catalog-copy")
                            .to("log:unkept");
                }
            });
            context.start();
            context.stop();
            assertThat(log.containing("stores no positions")).singleElement()
                    .satisfies(e -> assertThat(e.getMessage().getFormattedMessage())
                            .contains("Route catalog-copy")
                            .contains("no resumable()")
                            .contains("after a restart it starts again at the end of the log (startPosition=latest)")
                            .contains("changes made while it was stopped are never delivered"));
        }
    }

    @Test
    void aResumableRouteDoesNotWarn() throws Exception {
        try (CapturedLog log = CapturedLog.warnings()) {
            run(server.freshCollection("kept"), "", new ArrayList<>()).stop();
            assertThat(log.containing("stores no positions")).isEmpty();
            assertThat(log.messages()).noneMatch(m -> m.contains("resumable()"));
        }
    }
}

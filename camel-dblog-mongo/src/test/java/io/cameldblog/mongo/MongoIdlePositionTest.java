package io.cameldblog.mongo;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Sorts;
import io.cameldblog.core.ChangeEvent;
import io.cameldblog.core.consumer.DbLogConsumer;
import io.cameldblog.core.resume.FileResumeStrategy;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.bson.BsonTimestamp;
import org.bson.Document;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * While the captured collections are idle, writes elsewhere move the stored position: a restart after the oplog
 * has rolled past the last captured change continues instead of refusing with "the changes in between are gone".
 */
class MongoIdlePositionTest {

    @AutoClose
    static final MongoTestServer server = MongoTestServer.start();

    @TempDir
    Path offsets;


    private CamelContext run(String name, String options, List<Object> ids) throws Exception {
        CamelContext context = new DefaultCamelContext();
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from(server.endpoint(name, options)).routeId(name).resumable(new FileResumeStrategy(offsets))
                        .process(e -> ids.add(e.getMessage().getBody(ChangeEvent.class).key().get("_id")));
            }
        });
        context.start();
        return context;
    }

    private static MongoPosition lastPosition(CamelContext context, String route) {
        return ((DbLogConsumer<?>) context.getRoute(route).getConsumer()).getLastPosition() instanceof MongoPosition p
                ? p : null;
    }

    private static MongoCollection<Document> oplog() {
        return server.client().getDatabase("local").getCollection("oplog.rs");
    }

    private static BsonTimestamp newestOplogTimestamp() {
        return oplog().find().sort(Sorts.descending("$natural")).limit(1).first().get("ts", BsonTimestamp.class);
    }

    @Test
    void oplogModeMovesPastWritesToOtherCollectionsAndARestartAfterTheWindowRolledOnContinues() throws Exception {
        MongoCollection<Document> quiet = server.freshCollection("quiet");
        MongoCollection<Document> busy = server.freshCollection("busy");
        String options = "includeNamespaces=" + MongoTestServer.only(quiet);
        List<Object> first = new CopyOnWriteArrayList<>();
        CamelContext one = run("quiet", options, first);
        quiet.insertOne(new Document("_id", 1));
        await().atMost(Duration.ofSeconds(20)).until(() -> first.contains(1) && lastPosition(one, "quiet") != null);
        OplogPosition captured = (OplogPosition) lastPosition(one, "quiet");

        for (int i = 0; i < 20; i++) {
            busy.insertOne(new Document("_id", i));
        }
        BsonTimestamp lastWrite = newestOplogTimestamp();
        await().atMost(Duration.ofSeconds(20)).until(() -> lastPosition(one, "quiet") instanceof OplogPosition p
                                                           && Long.compareUnsigned(p.timestampValue(),
                                                                   lastWrite.getValue()) >= 0);
        assertThat(lastPosition(one, "quiet")).isNotEqualTo(captured);
        one.stop();
        assertThat(first).containsExactly(1);

        if (!server.isReal()) {
            // the oplog window rolls past the last captured change (on the stand-in the oplog can be trimmed)
            List<Object> older = new ArrayList<>();
            for (Document entry : oplog().find()) {
                if (entry.get("ts", BsonTimestamp.class).compareTo(lastWrite) < 0) {
                    older.add(entry.get("_id"));
                }
            }
            oplog().deleteMany(Filters.in("_id", older));
            assertThat(oplog().find().sort(Sorts.ascending("$natural")).first().get("ts")).isEqualTo(lastWrite);
            assertThat(oplog().find(Filters.eq("ts", new BsonTimestamp(captured.timestampValue()))).first()).isNull();
        }
        // Nothing is written while stopped, and one change at a time after: the stand-in reuses the trimmed slots,
        // so its $natural order no longer follows the timestamps ("oldest" would be wrong, and two entries written
        // before one query could come back newest first). A real oplog is a capped collection in timestamp order.
        List<Object> second = new CopyOnWriteArrayList<>();
        CamelContext two = run("quiet", options, second);
        quiet.insertOne(new Document("_id", 2));
        await().atMost(Duration.ofSeconds(20)).until(() -> second.contains(2));
        quiet.insertOne(new Document("_id", 3));
        await().atMost(Duration.ofSeconds(20)).until(() -> second.contains(3));
        two.stop();
        assertThat(second).containsExactly(2, 3);
    }

    @Test
    void changeStreamModeMovesOnThePostBatchResumeTokenWhileTheWatchedCollectionIsIdle() throws Exception {
        Assumptions.assumeTrue(server.isReal(), "the stand-in sends no post-batch resume token; this runs against a"
                                                + " real replica set with DBLOG_MONGO_URI");
        MongoCollection<Document> quiet = server.freshCollection("quiet");
        MongoCollection<Document> busy = server.freshCollection("busy");
        String options = "mode=changeStream&database=shop&collection=" + quiet.getNamespace().getCollectionName();
        List<Object> ids = new CopyOnWriteArrayList<>();
        CamelContext one = run("quietstream", options, ids);
        quiet.insertOne(new Document("_id", 1));
        await().atMost(Duration.ofSeconds(20)).until(() -> ids.contains(1) && lastPosition(one, "quietstream") != null);
        MongoPosition captured = lastPosition(one, "quietstream");
        for (int i = 0; i < 5; i++) {
            busy.insertOne(new Document("_id", i));
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> !captured.equals(lastPosition(one, "quietstream")));
        one.stop();

        quiet.insertOne(new Document("_id", 2));
        List<Object> second = new CopyOnWriteArrayList<>();
        CamelContext two = run("quietstream", options, second);
        quiet.insertOne(new Document("_id", 3));
        await().atMost(Duration.ofSeconds(20)).until(() -> second.contains(3));
        two.stop();
        assertThat(second).containsExactly(2, 3);
    }
}

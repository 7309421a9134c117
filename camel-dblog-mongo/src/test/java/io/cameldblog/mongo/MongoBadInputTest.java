package io.cameldblog.mongo;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import com.mongodb.MongoCommandException;
import com.mongodb.ServerAddress;
import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import io.cameldblog.core.ChangeEvent;
import io.cameldblog.core.DbLogConfigurationException;
import io.cameldblog.core.StartPosition;
import io.cameldblog.core.resume.FileResumeStrategy;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.util.ObjectHelper;
import org.bson.BsonDocument;
import org.bson.Document;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** What a user gets wrong, and the error that names it and the fix instead of a stream that reads nothing. */
class MongoBadInputTest {

    @AutoClose
    static final MongoTestServer server = MongoTestServer.start();

    @TempDir
    Path offsets;


    private CamelContext start(String uri, List<Object> ids) throws Exception {
        CamelContext context = new DefaultCamelContext();
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from(uri).resumable(new FileResumeStrategy(offsets))
                        .process(e -> ids.add(e.getMessage().getBody(ChangeEvent.class).key().get("_id")));
            }
        });
        try {
            context.start();
        } catch (RuntimeException e) {
            context.stop();
            throw e;
        }
        return context;
    }

    private static DbLogConfigurationException configurationError(Throwable e) {
        DbLogConfigurationException error = ObjectHelper.getException(DbLogConfigurationException.class, e);
        assertThat(error).as("a DbLogConfigurationException in %s", e).isNotNull();
        return error;
    }

    @Test
    void aServerWithoutAnOplogIsNotAReplicaSetMember() {
        MongoServer standalone = new MongoServer(new MemoryBackend());
        String uri = "mongodb://127.0.0.1:" + standalone.bind().getPort();
        try {
            assertThatThrownBy(() -> start("mongooplog:plain?connectionString=RAW(" + uri + ")", List.of()))
                    .satisfies(e -> assertThat(configurationError(e))
                            .hasMessageContaining("has no oplog (local.oplog.rs): it is not a member of a replica set")
                            .hasMessageContaining("Fix: start mongod with --replSet <name> and run rs.initiate()"));
        } finally {
            standalone.shutdownNow();
        }
    }

    @Test
    void aStoredOplogPositionIsRefusedByAChangeStreamAndATokenByTheOplog() throws Exception {
        var docs = server.freshCollection("switched");
        String collection = docs.getNamespace().getCollectionName();
        String name = collection;
        String oplog = server.endpoint(name, "includeNamespaces=shop\\." + collection);
        String stream = server.endpoint(name, "mode=changeStream&database=shop&collection=" + collection);

        List<Object> ids = new CopyOnWriteArrayList<>();
        CamelContext one = start(oplog, ids);
        docs.insertOne(new Document("_id", 1));
        await().atMost(Duration.ofSeconds(20)).until(() -> ids.contains(1));
        one.stop();
        assertThatThrownBy(() -> start(stream, List.of()))
                .satisfies(e -> assertThat(configurationError(e))
                        .hasMessageContaining("is an oplog timestamp, but the endpoint reads a change stream")
                        .hasMessageContaining("Fix: use mode=oplog for this stream"));

        // the other way round: a change stream's token under an oplog endpoint of the same name
        String name2 = name + "b";
        CamelContext two = start(server.endpoint(name2, "mode=changeStream&database=shop&collection=" + collection),
                ids);
        docs.insertOne(new Document("_id", 2));
        await().atMost(Duration.ofSeconds(20)).until(() -> ids.contains(2));
        two.stop();
        assertThatThrownBy(() -> start(server.endpoint(name2, "includeNamespaces=shop\\." + collection), List.of()))
                .satisfies(e -> assertThat(configurationError(e))
                        .hasMessageContaining("is a change-stream resume token, but the endpoint reads the oplog")
                        .hasMessageContaining("Fix: use mode=changeStream for this stream"));
    }

    @Test
    void unknownModesAndAnOrphanCollectionFailTheStartNamingTheOption() {
        assertThatThrownBy(() -> start(server.endpoint("badmode", "mode=tail"), List.of()))
                .satisfies(e -> assertThat(configurationError(e)).hasMessageContaining("Option mode=tail")
                        .hasMessageContaining("Fix: use mode=oplog (the default) or mode=changeStream"));
        assertThatThrownBy(() -> start(server.endpoint("baddoc", "mode=changeStream&fullDocument=always"), List.of()))
                .satisfies(e -> assertThat(configurationError(e)).hasMessageContaining("Option fullDocument=always")
                        .hasMessageContaining("Fix: use fullDocument=updateLookup"));
        assertThatThrownBy(() -> start(server.endpoint("badpre", "mode=changeStream&fullDocumentBeforeChange=on"),
                List.of()))
                .satisfies(e -> assertThat(configurationError(e)).hasMessageContaining("fullDocumentBeforeChange=on")
                        .hasMessageContaining("Fix: use fullDocumentBeforeChange=off (the default)"));
        assertThatThrownBy(() -> start(server.endpoint("orphan", "mode=changeStream&collection=orders"), List.of()))
                .satisfies(e -> assertThat(configurationError(e)).hasMessageContaining("collection=orders needs a"
                                                                                       + " database"));
    }

    /**
     * The server errors for a resume token behind the oplog window and for a stand-alone server, in the shape
     * MongoDB sends them (the stand-in produces neither): each becomes an error naming the cause and the fix.
     */
    @Test
    void theServersHistoryLostAndNotAReplicaSetErrorsNameTheFix() {
        MongoCommandException historyLost = new MongoCommandException(BsonDocument.parse("""
                {"ok": 0, "code": 286, "codeName": "ChangeStreamHistoryLost", "errmsg": "Resume of change stream was\
                 not possible, as the resume point may no longer be in the oplog."}"""), new ServerAddress());
        StartPosition<MongoPosition> stored = StartPosition.restored(new ResumeTokenPosition("8263F5A2B1000000012B"));
        assertThat(ChangeStreamReader.openFailure(historyLost, "catalog", stored))
                .isInstanceOf(DbLogConfigurationException.class)
                .hasMessageContaining("The stored resume token of 'catalog' is no longer in the oplog")
                .hasMessageContaining("the changes in between are gone")
                .hasMessageContaining("Fix: re-sync the target");

        MongoCommandException standalone = new MongoCommandException(BsonDocument.parse("""
                {"ok": 0, "code": 40573, "codeName": "Location40573", "errmsg": "The $changeStream stage is only\
                 supported on replica sets"}"""), new ServerAddress());
        assertThat(ChangeStreamReader.openFailure(standalone, "catalog", StartPosition.latest()))
                .isInstanceOf(DbLogConfigurationException.class)
                .hasMessageContaining("it is not a replica set member")
                .hasMessageContaining("Fix: start mongod with --replSet");

        MongoCommandException network = new MongoCommandException(BsonDocument.parse("""
                {"ok": 0, "code": 91, "codeName": "ShutdownInProgress", "errmsg": "shutting down"}"""),
                new ServerAddress());
        assertThat(ChangeStreamReader.openFailure(network, "catalog", stored)).isSameAs(network);
    }
}

package io.cameldblog.mongo;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Date;
import java.util.List;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Sorts;
import io.cameldblog.core.resume.FileResumeStrategy;
import io.cameldblog.core.testing.ResumableRun;
import org.bson.BsonTimestamp;
import org.bson.Document;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A restart inside an {@code applyOps} transaction continues with the next operation: none lost, none repeated.
 * The stand-in writes no transactions, so the test appends the entry a real replica set writes for one to its
 * oplog ({@code local.oplog.rs} is a collection there); the reader reads it as it reads any oplog.
 */
class MongoOplogTransactionResumeTest {

    @AutoClose
    static final MongoTestServer server = MongoTestServer.start();

    @TempDir
    Path offsets;

    @BeforeAll
    static void onlyOnTheStandIn() {
        Assumptions.assumeFalse(server.isReal(), "appends entries to the oplog, which only the stand-in allows");
    }

    private static MongoCollection<Document> oplog() {
        return server.client().getDatabase("local").getCollection("oplog.rs");
    }

    private static Document insert(String ns, int id) {
        return new Document("op", "i").append("ns", ns).append("o", new Document("_id", id).append("n", "doc " + id));
    }

    /** An oplog entry after every entry the stand-in wrote so far. */
    private static Document entry(BsonTimestamp ts, Document body) {
        Document entry = new Document("ts", ts).append("t", 1L).append("v", 2L).append("wall", new Date());
        entry.putAll(body);
        return entry;
    }

    @Test
    void aRestartAfterTheSecondOperationOfATransactionDeliversTheRestExactlyOnce() throws Exception {
        String ns = "shop.txn" + System.nanoTime();
        String uri = server.endpoint("txn", "includeNamespaces=" + ns.replace(".", "\\."));
        FileResumeStrategy positions = new FileResumeStrategy(offsets);
        Document newest = oplog().find().sort(Sorts.descending("$natural")).first();
        int seconds = (newest == null ? (int) (System.currentTimeMillis() / 1000)
                : newest.get("ts", BsonTimestamp.class).getTime()) + 10;

        // the target rejects document 3 every time: the first run stores the position after document 2
        try (ResumableRun first = new ResumableRun(uri, positions, "_id", id -> id == 3)) {
            Document transaction = new Document("op", "c").append("ns", "admin.$cmd").append("o",
                    new Document("applyOps", List.of(insert(ns, 1), insert("shop.elsewhere", 100), insert(ns, 2),
                            insert(ns, 3), insert(ns, 4))))
                    .append("lsid", new Document("id", 1)).append("txnNumber", 1L);
            oplog().insertOne(entry(new BsonTimestamp(seconds, 1), transaction));
            await().atMost(Duration.ofSeconds(20)).until(() -> first.failures.get() >= 1);
            assertThat(first.processed).containsExactly(1, 2);
        }

        try (ResumableRun second = new ResumableRun(uri, new FileResumeStrategy(offsets), "_id", id -> false)) {
            oplog().insertOne(entry(new BsonTimestamp(seconds, 2), insert(ns, 5)));
            await().atMost(Duration.ofSeconds(20)).until(() -> second.processed.contains(5));
            assertThat(second.processed).containsExactly(3, 4, 5);
        }
    }
}

package io.cameldblog.mongo;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import com.mongodb.client.MongoCollection;
import io.cameldblog.core.testing.CrashLoop;
import org.bson.Document;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/** The oplog route killed with kill -9 at random moments while 20 000 documents are written in batches. */
class MongoOplogCrashTest {

    private static final int DOCS = 20_000;
    private static final int KILLS = 3;
    private static final int MAX_UNSTORED = 50;

    @AutoClose
    static final MongoTestServer server = MongoTestServer.start();

    @TempDir
    Path dir;


    @Test
    void killNineAtRandomMomentsLosesNothingAndDuplicatesOnlyUnstoredDocuments() throws Exception {
        MongoCollection<Document> crashed = server.freshCollection("crashed");
        String endpoint = server.endpoint("crashed", "includeNamespaces=" + MongoTestServer.only(crashed)
                                                     + "&startPosition=earliest");
        CrashLoop.Result result = new CrashLoop(dir, endpoint, "_id", MAX_UNSTORED, null).run(DOCS, KILLS,
                () -> write(crashed));
        assertThat(result.missing()).as("documents lost").isEmpty();
        assertThat(result.counts()).hasSize(DOCS);
        // docs/resume.md: a kill -9 repeats at most maxUnstored + 1 documents, those processed just before it
        assertThat(result.replayViolations(MAX_UNSTORED + 1)).as("each killed run's replay").isEmpty();
    }

    private static void write(MongoCollection<Document> crashed) {
        Random random = new Random(7);
        int next = 1;
        while (next <= DOCS) {
            int size = Math.min(1 + random.nextInt(200), DOCS - next + 1);
            List<Document> docs = new ArrayList<>();
            for (int i = 0; i < size; i++) {
                docs.add(new Document("_id", next + i).append("payload", "doc " + (next + i)));
            }
            crashed.insertMany(docs);
            next += size;
        }
    }
}

package io.cameldblog.mongo;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Sorts;
import io.cameldblog.core.PositionGoneException;
import io.cameldblog.core.resume.FileResumeStrategy;
import org.bson.BsonTimestamp;
import org.bson.Document;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * A stored position the oplog has rolled past: {@code snapshotMode=initial} refuses to start (the changes in between
 * are gone), {@code when_needed} starts at the oplog's end with a snapshot, so the target is whole again.
 */
class MongoSnapshotWhenNeededTest {

    @AutoClose
    static final MongoTestServer server = MongoTestServer.start();

    @TempDir
    Path offsets;


    private static MongoCollection<Document> oplog() {
        return server.client().getDatabase("local").getCollection("oplog.rs");
    }

    @Test
    void whenNeededSnapshotsWhenTheStoredPositionIsGoneFromTheOplog() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeFalse(server.isReal(), "trims the stand-in's oplog by hand; a real"
                                                                       + " oplog cannot be trimmed on demand");
        MongoCollection<Document> items = server.freshCollection("gone");
        MongoSnapshotTest.load(items, 2000);
        String options = "includeNamespaces=" + MongoTestServer.only(items);
        try (MongoSnapshotTest.Rebuild first = new MongoSnapshotTest.Rebuild(server.endpoint("gone", options),
                new FileResumeStrategy(offsets))) {
            items.insertOne(new Document("_id", 2001));
            await().atMost(Duration.ofSeconds(20)).until(() -> first.received(2001)
                                                               && first.consumer().getLastPosition() != null);
        }
        // changes while stopped, then the oplog rolls past the stored position (trimmed by hand on the stand-in)
        items.deleteOne(Filters.eq("_id", 5));
        items.insertOne(new Document("_id", 2002));
        BsonTimestamp lastWrite = oplog().find().sort(Sorts.descending("$natural")).first()
                .get("ts", BsonTimestamp.class);
        List<Object> older = new ArrayList<>();
        for (Document entry : oplog().find()) {
            if (entry.get("ts", BsonTimestamp.class).compareTo(lastWrite) < 0) {
                older.add(entry.get("_id"));
            }
        }
        oplog().deleteMany(Filters.in("_id", older));

        assertThatThrownBy(() -> new MongoSnapshotTest.Rebuild(server.endpoint("gone", options
                                                                                 + "&snapshotMode=initial"),
                new FileResumeStrategy(offsets)).close())
                .isInstanceOf(PositionGoneException.class)
                .hasStackTraceContaining("the changes in between are gone");

        // nothing is written while this run reads: the stand-in reuses the trimmed oplog slots, so its newest entry
        // by $natural (the watermark) no longer follows the timestamps; a real oplog keeps timestamp order
        String whenNeeded = server.endpoint("gone", options + "&snapshotMode=when_needed");
        try (MongoSnapshotTest.Rebuild second = new MongoSnapshotTest.Rebuild(whenNeeded,
                new FileResumeStrategy(offsets))) {
            await().atMost(Duration.ofSeconds(60)).until(() -> second.readCount() > 0
                                                               && second.consumer().getSnapshotProgress().isDone());
            assertThat(second.readCount()).isEqualTo(2001);
            assertThat(second.rebuilt.documents()).isEqualTo(RebuiltCollection.actual(items));
        }
    }
}

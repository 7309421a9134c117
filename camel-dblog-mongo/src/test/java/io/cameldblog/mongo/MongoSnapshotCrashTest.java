package io.cameldblog.mongo;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import com.mongodb.client.MongoCollection;
import io.cameldblog.core.json.ChangeEventJson;
import org.bson.Document;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * An initial snapshot under kill -9: twice while it reads, once after it, all while a writer inserts, replaces,
 * patches and deletes. The collection rebuilt from every run's events, in order, equals the real one, and each
 * restart continues the snapshot after its last stored row instead of from the beginning. 20 000 documents on the
 * stand-in (see {@link MongoSnapshotTest} for why not 500 000).
 */
class MongoSnapshotCrashTest {

    private static final int CHUNK = 1000;
    private static final int MAX_UNSTORED = 50;

    @AutoClose
    static final MongoTestServer server = MongoTestServer.start();

    @TempDir
    Path dir;


    @Test
    void killNineTwiceDuringTheSnapshotAndOnceAfterItLeavesTheRebuiltCollectionExact() throws Exception {
        int documents = server.isReal() ? 500_000 : 20_000;
        MongoCollection<Document> items = server.freshCollection("crashsnap");
        MongoSnapshotTest.load(items, documents);
        String uri = server.endpoint("crashsnap", "includeNamespaces=" + MongoTestServer.only(items)
                                                  + "&snapshotMode=initial&snapshotChunkSize=" + CHUNK);
        Path out = dir.resolve("events.jsonl");
        Files.createFile(out);
        long start = System.nanoTime();
        ConcurrentWriter writer = new ConcurrentWriter(items, documents, 3, 300);
        try (writer) {
            killAfter(uri, out, 0, lines -> reads(lines, 0) >= 3000);
            killAfter(uri, out, 1, lines -> reads(lines, 1) >= 4000);
            // the third run finishes the snapshot and streams on; killed after it
            killAfter(uri, out, 2, lines -> afterTheSnapshot(lines, 2) >= 300);
        }
        items.insertOne(new Document("_id", -1).append("name", "marker"));
        killAfter(uri, out, 3, lines -> lines.stream().anyMatch(l -> ((Number) l.get("id")).intValue() == -1));
        System.out.printf("snapshot of %d documents, %d concurrent writes, 3 kills: %d ms%n", documents,
                writer.writes(), (System.nanoTime() - start) / 1_000_000);

        List<Map<String, Object>> lines = read(out);
        RebuiltCollection rebuilt = new RebuiltCollection();
        for (Map<String, Object> l : lines) {
            @SuppressWarnings("unchecked")
            Map<String, Object> after = (Map<String, Object>) l.get("after");
            @SuppressWarnings("unchecked")
            List<String> removed = (List<String>) l.get("removed");
            rebuilt.apply((String) l.get("op"), l.get("id"), after, Boolean.TRUE.equals(l.get("patch")), removed);
        }
        assertThat(rebuilt.documents()).isEqualTo(RebuiltCollection.actual(items));

        List<Map<String, Object>> reads = lines.stream().filter(l -> "r".equals(l.get("op"))).toList();
        Set<Object> distinct = new HashSet<>();
        reads.forEach(r -> distinct.add(r.get("id")));
        // a kill repeats at most the chunk in flight and the rows after the last stored position
        assertThat(reads.size() - distinct.size()).as("snapshot rows delivered again")
                .isLessThanOrEqualTo(2 * (CHUNK + MAX_UNSTORED));
        assertThat(reads(lines, 3)).as("snapshot rows after the kill that came after the snapshot").isZero();
        assertThat(writer.writes()).isGreaterThan(1000);
    }

    private static long reads(List<Map<String, Object>> lines, int run) {
        return lines.stream().filter(l -> ((Number) l.get("run")).intValue() == run && "r".equals(l.get("op"))).count();
    }

    /** Log events of {@code run} after its last snapshot row ("last"). */
    private static long afterTheSnapshot(List<Map<String, Object>> lines, int run) {
        long count = -1;
        for (Map<String, Object> l : lines) {
            if (((Number) l.get("run")).intValue() != run) {
                continue;
            }
            if ("last".equals(l.get("snapshot"))) {
                count = 0;
            } else if (count >= 0) {
                count++;
            }
        }
        return count;
    }

    private void killAfter(String uri, Path out, int run, Predicate<List<Map<String, Object>>> until) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process route = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                SnapshotCrashRoute.class.getName(), uri, out.toString(), dir.resolve("offsets").toString(),
                String.valueOf(MAX_UNSTORED), String.valueOf(run))
                .redirectErrorStream(true).redirectOutput(dir.resolve("route-" + run + ".log").toFile()).start();
        try {
            await().atMost(Duration.ofSeconds(180)).pollInterval(Duration.ofMillis(500))
                    .until(() -> until.test(read(out)));
        } catch (RuntimeException e) {
            System.out.println(Files.readString(dir.resolve("route-" + run + ".log")));
            throw e;
        } finally {
            // destroyForcibly is SIGKILL: kill -9
            route.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        }
    }

    /** Every complete line (a kill can tear the last one). */
    private static List<Map<String, Object>> read(Path out) throws IOException {
        List<Map<String, Object>> lines = new ArrayList<>();
        for (String line : Files.readAllLines(out)) {
            if (line.endsWith("}")) {
                lines.add(ChangeEventJson.parseObject(line));
            }
        }
        return lines;
    }
}

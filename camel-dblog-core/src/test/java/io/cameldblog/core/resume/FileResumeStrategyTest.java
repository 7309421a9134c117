package io.cameldblog.core.resume;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import io.cameldblog.core.json.ChangeEventJson;
import org.apache.camel.support.resume.Resumables;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

class FileResumeStrategyTest {

    @TempDir
    Path dir;

    @Test
    void storesTheNewestPositionPerEndpointAsReadableJsonAndLoadsItBack() throws Exception {
        FileResumeStrategy strategy = new FileResumeStrategy(dir);
        strategy.start();
        strategy.updateLastOffset(Resumables.of("orders", new TestPosition("mysql-bin.000001", 4, 0)));
        strategy.updateLastOffset(Resumables.of("orders", new TestPosition("mysql-bin.000001", 1993, 2)));
        strategy.updateLastOffset(Resumables.of("pg/main", new TestPosition("0/16B3748", 0, 0)));
        strategy.stop();

        Map<String, Object> stored = ChangeEventJson.parseObject(Files.readAllBytes(dir.resolve("orders.json")));
        assertThat(stored).containsEntry("endpoint", "orders").containsEntry("text", "mysql-bin.000001:1993")
                .containsKey("updated");
        assertThat(stored.get("position")).isEqualTo(Map.of("file", "mysql-bin.000001", "pos", 1993, "rows", 2));
        assertThat(dir.resolve("pg_main.json")).exists();
        try (var files = Files.list(dir)) {
            assertThat(files.map(f -> f.getFileName().toString())).noneMatch(n -> n.endsWith(".tmp"));
        }

        FileResumeStrategy restarted = new FileResumeStrategy(dir);
        restarted.loadCache();
        DbLogResumeAdapter adapter = restarted.getAdapter(DbLogResumeAdapter.class);
        assertThat(adapter.storedPosition("orders")).contains(Map.of("file", "mysql-bin.000001", "pos", 1993,
                "rows", 2));
        assertThat(adapter.storedPosition("pg/main")).isPresent();
        assertThat(adapter.storedPosition("other")).isEmpty();
    }

    @Test
    void batchesByCountStoresOnStopAndTellsListenersWhatIsStored() throws Exception {
        FileResumeStrategy strategy = new FileResumeStrategy(dir);
        strategy.setBatchSize(3);
        List<Object> stored = new CopyOnWriteArrayList<>();
        strategy.onStored("orders", p -> stored.add(p.get("pos")));
        strategy.start();

        strategy.updateLastOffset(Resumables.of("orders", new TestPosition("f", 1, 0)));
        strategy.updateLastOffset(Resumables.of("orders", new TestPosition("f", 2, 0)));
        assertThat(dir.resolve("orders.json")).doesNotExist();
        assertThat(stored).isEmpty();

        strategy.updateLastOffset(Resumables.of("orders", new TestPosition("f", 3, 0)));
        assertThat(dir.resolve("orders.json")).exists();
        assertThat(stored).containsExactly(3L);

        strategy.updateLastOffset(Resumables.of("orders", new TestPosition("f", 4, 0)));
        assertThat(stored).containsExactly(3L);
        strategy.stop();
        assertThat(stored).containsExactly(3L, 4L);
        assertThat(ChangeEventJson.parseObject(Files.readAllBytes(dir.resolve("orders.json"))))
                .containsEntry("text", "f:4");
    }
}

package io.cameldblog.core.resume;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import io.cameldblog.core.json.ChangeEventJson;
import org.apache.camel.support.resume.Resumables;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

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

        // the third makes a batch: the writer stores it off the caller's thread
        strategy.updateLastOffset(Resumables.of("orders", new TestPosition("f", 3, 0)));
        await().atMost(Duration.ofSeconds(5)).until(() -> stored.contains(3L));
        assertThat(dir.resolve("orders.json")).exists();

        strategy.updateLastOffset(Resumables.of("orders", new TestPosition("f", 4, 0)));
        assertThat(strategy.unstoredPositions()).containsEntry("orders", "f:4");
        assertThat(stored).containsExactly(3L);
        strategy.stop();
        assertThat(stored).containsExactly(3L, 4L);
        assertThat(ChangeEventJson.parseObject(Files.readAllBytes(dir.resolve("orders.json"))))
                .containsEntry("text", "f:4");
    }

    @Test
    void theTimerStoresWaitingPositionsOnceTheIntervalPassed() throws Exception {
        FileResumeStrategy strategy = new FileResumeStrategy(dir);
        strategy.setBatchSize(1000);
        strategy.setBatchIntervalMillis(400);
        List<Object> stored = new CopyOnWriteArrayList<>();
        strategy.onStored("orders", p -> stored.add(p.get("pos")));
        strategy.start();
        try {
            long start = System.nanoTime();
            for (int pos = 1; pos <= 3; pos++) {
                strategy.updateLastOffset(Resumables.of("orders", new TestPosition("f", pos, 0)));
            }
            // three positions never make a batch of 1000: only the timer stores them, once, the newest
            await().atMost(Duration.ofSeconds(5)).until(() -> !stored.isEmpty());
            long waited = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            assertThat(waited).as("stored by the timer, not before it").isGreaterThanOrEqualTo(400);
            assertThat(stored).containsExactly(3L);
            assertThat(ChangeEventJson.parseObject(Files.readAllBytes(dir.resolve("orders.json"))))
                    .containsEntry("text", "f:3");

            // and again for the next positions, while explicit flushes race with it
            for (int pos = 4; pos <= 300; pos++) {
                strategy.updateLastOffset(Resumables.of("orders", new TestPosition("f", pos, 0)));
                if (pos % 7 == 0) {
                    strategy.flush();
                }
            }
            await().atMost(Duration.ofSeconds(5)).until(() -> stored.contains(300L));
            assertThat(stored).as("every write newer than the one before").isSorted();
        } finally {
            strategy.stop();
        }
    }

    @Test
    void theWriteIntervalSpacesWritesButNeitherDelaysAFirstChangeNorHoldsTheStream() throws Exception {
        FileResumeStrategy strategy = new FileResumeStrategy(dir);
        strategy.setWriteIntervalMillis(60_000);
        strategy.setMaxUnstored(100);
        List<Object> stored = new CopyOnWriteArrayList<>();
        strategy.onStored("orders", p -> stored.add(p.get("pos")));
        strategy.start();
        try {
            // nothing written for a while: the first change is written at once, not after the interval
            strategy.updateLastOffset(Resumables.of("orders", new TestPosition("f", 1, 0)));
            await().atMost(Duration.ofSeconds(5)).until(() -> stored.contains(1L));

            // within the interval positions wait (the next write would be a minute later)...
            for (int pos = 2; pos <= 50; pos++) {
                strategy.updateLastOffset(Resumables.of("orders", new TestPosition("f", pos, 0)));
            }
            assertThat(strategy.unstoredCount()).isEqualTo(49);
            assertThat(stored).containsExactly(1L);

            // ...until half of maxUnstored wait: then the newest is written at once, the stream is never held
            strategy.updateLastOffset(Resumables.of("orders", new TestPosition("f", 51, 0)));
            await().atMost(Duration.ofSeconds(5)).until(() -> stored.contains(51L));
            assertThat(stored).containsExactly(1L, 51L);
            assertThat(strategy.mostUnstored()).isEqualTo(50);

            strategy.updateLastOffset(Resumables.of("orders", new TestPosition("f", 52, 0)));
        } finally {
            strategy.stop();
        }
        // stop writes what waits, interval or not
        assertThat(stored).containsExactly(1L, 51L, 52L);
    }

    @Test
    void twoStrategiesOnOneDirectoryNeverMoveThePositionBackwards() throws Exception {
        FileResumeStrategy even = new FileResumeStrategy(dir);
        FileResumeStrategy odd = new FileResumeStrategy(dir);
        even.start();
        odd.start();
        List<Long> seen = new CopyOnWriteArrayList<>();
        AtomicBoolean done = new AtomicBoolean();
        CompletableFuture<Void> reader = CompletableFuture.runAsync(() -> {
            while (!done.get()) {
                readStoredPos().ifPresent(seen::add);
            }
        });
        CompletableFuture<Void> a = CompletableFuture.runAsync(() -> handOver(even, 0));
        CompletableFuture<Void> b = CompletableFuture.runAsync(() -> handOver(odd, 1));
        CompletableFuture.allOf(a, b).get(60, TimeUnit.SECONDS);
        even.stop();
        odd.stop();
        await().atMost(Duration.ofSeconds(10)).until(() -> !seen.isEmpty());
        done.set(true);
        reader.get(10, TimeUnit.SECONDS);

        assertThat(readStoredPos()).contains(400L);
        assertThat(seen).as("positions read from the file while two writers raced").isNotEmpty().isSorted();
    }

    private void handOver(FileResumeStrategy strategy, int parity) {
        try {
            // stored one by one: every write races the other strategy's
            for (int pos = 2 - parity; pos <= 400; pos += 2) {
                strategy.updateLastOffset(Resumables.of("orders", new TestPosition("f", pos, 0)));
                Throwable failure = strategy.flush();
                if (failure != null) {
                    throw new IllegalStateException(failure);
                }
            }
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private java.util.Optional<Long> readStoredPos() {
        try {
            Map<String, Object> entry = ChangeEventJson.parseObject(Files.readAllBytes(dir.resolve("orders.json")));
            @SuppressWarnings("unchecked")
            Map<String, Object> position = (Map<String, Object>) entry.get("position");
            return java.util.Optional.of(((Number) position.get("pos")).longValue());
        } catch (java.io.IOException e) {
            return java.util.Optional.empty();
        }
    }
}

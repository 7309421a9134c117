package io.cameldblog.routes;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import io.cameldblog.core.json.ChangeEventJson;
import io.cameldblog.core.resume.FileResumeStrategy;
import io.cameldblog.sandbox.SandboxKafka;
import io.cameldblog.sandbox.SandboxMariaDb;
import org.apache.camel.main.Main;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The routes app's mysql-kafka route against a real MariaDB and the in-JVM Kafka broker: every change arrives in
 * order per key across a restart of the app and a restart of the broker, deletes leave a tombstone, and the topic
 * read as a compacted topic is read (last value per key) equals the table.
 */
class MysqlKafkaRouteTest {

    private static final String TOPIC = "dblog.shop.orders";

    @TempDir
    static Path dir;

    static SandboxMariaDb db;

    @BeforeAll
    static void startServer() {
        db = SandboxMariaDb.start();
        db.execute("CREATE DATABASE shop", "CREATE TABLE shop.orders (id INT PRIMARY KEY, sku VARCHAR(20), qty INT)");
    }

    @AfterAll
    static void stopServer() {
        db.close();
    }

    @Test
    void everyChangeReachesItsTopicInOrderAcrossRestartsOfTheAppAndTheBroker() throws Exception {
        SandboxKafka kafka = SandboxKafka.startIn(dir.resolve("kafka"));
        String brokers = kafka.bootstrapServers();
        Main app = startApp(brokers);
        try {
            writeRound(0);
            awaitRecords(brokers, 8);
            app.stop();
            writeRound(1); // while the app is down
            app = startApp(brokers);
            awaitRecords(brokers, 16);
            kafka.close();
            writeRound(2); // while the broker is down: the route waits for it, the position stays
            kafka = SandboxKafka.startIn(dir.resolve("kafka"));
            writeRound(3);
            awaitRecords(brokers, 32);
        } finally {
            app.stop();
        }
        try {
            List<ConsumerRecord<String, String>> records = readTopic(brokers);
            // per key: the changes in the order they were written, each once (duplicates may only repeat the last
            // unstored change before a restart, right after it)
            Map<String, List<String>> perKey = new TreeMap<>();
            for (ConsumerRecord<String, String> r : records) {
                List<String> seen = perKey.computeIfAbsent(r.key(), k -> new ArrayList<>());
                String step = describe(r.value());
                if (seen.isEmpty() || !seen.get(seen.size() - 1).equals(step)) {
                    seen.add(step);
                }
            }
            for (int round = 0; round < 4; round++) {
                assertThat(perKey.get("{\"id\":" + (round * 10 + 1) + "}"))
                        .containsExactly("c:1", "u:2", "d", "tombstone");
                assertThat(perKey.get("{\"id\":" + (round * 10 + 2) + "}")).containsExactly("c:1", "u:3", "u:4");
                assertThat(perKey.get("{\"id\":" + (round * 10 + 3) + "}")).containsExactly("c:1");
            }
            assertThat(records.size()).as("records, at most a few repeated after the restarts").isBetween(32, 36);
            // what a consumer of the compacted topic rebuilds: the last value per key, a tombstone removes it
            Map<String, Map<String, Object>> rebuilt = new TreeMap<>();
            for (ConsumerRecord<String, String> r : records) {
                if (r.value() == null) {
                    rebuilt.remove(r.key());
                } else {
                    Map<String, Object> event = ChangeEventJson.parseObject(r.value());
                    @SuppressWarnings("unchecked")
                    Map<String, Object> after = (Map<String, Object>) event.get("after");
                    if (after == null) {
                        rebuilt.remove(r.key());
                    } else {
                        rebuilt.put(r.key(), after);
                    }
                }
            }
            assertThat(rebuilt).isEqualTo(table());
        } finally {
            kafka.close();
        }
    }

    /** Per round: three orders; the first updated and deleted, the second updated twice: 7 changes and a tombstone. */
    private static void writeRound(int round) {
        int base = round * 10;
        db.executeInTransaction("INSERT INTO shop.orders VALUES (" + (base + 1) + ", 'A', 1), (" + (base + 2)
                                + ", 'B', 1), (" + (base + 3) + ", 'C', 1)");
        db.execute("UPDATE shop.orders SET qty = 2 WHERE id = " + (base + 1),
                "UPDATE shop.orders SET qty = 3 WHERE id = " + (base + 2),
                "DELETE FROM shop.orders WHERE id = " + (base + 1),
                "UPDATE shop.orders SET qty = 4 WHERE id = " + (base + 2));
    }

    private static String describe(String value) {
        if (value == null) {
            return "tombstone";
        }
        Map<String, Object> event = ChangeEventJson.parseObject(value);
        String op = (String) event.get("op");
        @SuppressWarnings("unchecked")
        Map<String, Object> after = (Map<String, Object>) event.get("after");
        return after == null ? op : op + ":" + after.get("qty");
    }

    private static Map<String, Map<String, Object>> table() throws Exception {
        Map<String, Map<String, Object>> rows = new TreeMap<>();
        try (var c = db.rootConnection(); var s = c.createStatement();
             var rs = s.executeQuery("SELECT id, sku, qty FROM shop.orders")) {
            while (rs.next()) {
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("id", rs.getInt(1));
                row.put("sku", rs.getString(2));
                row.put("qty", rs.getInt(3));
                rows.put("{\"id\":" + rs.getInt(1) + "}", row);
            }
        }
        return rows;
    }

    private static Main startApp(String brokers) throws Exception {
        Main main = new Main();
        main.configure().withRoutesIncludePattern("classpath:routes/mysql-kafka.yaml");
        Map<String, String> p = new HashMap<>();
        p.put("kafka.enabled", "true");
        p.put("kafka.bootstrapServers", brokers);
        p.put("kafka.topicPrefix", "dblog");
        p.put("mysql.host", db.host());
        p.put("mysql.port", String.valueOf(db.port()));
        p.put("mysql.username", SandboxMariaDb.USER);
        p.put("mysql.password", SandboxMariaDb.PASSWORD);
        p.put("mysql.startPosition", "earliest");
        p.put("mysql.includeTables", "shop\\.orders");
        p.forEach(main::addOverrideProperty);
        main.bind("positions", new FileResumeStrategy(dir.resolve("offsets")));
        main.start();
        return main;
    }

    private static void awaitRecords(String brokers, int atLeast) {
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500))
                .until(() -> readTopic(brokers).size() >= atLeast);
    }

    private static List<ConsumerRecord<String, String>> readTopic(String brokers) {
        List<ConsumerRecord<String, String>> records = new ArrayList<>();
        try (KafkaConsumer<String, String> c = new KafkaConsumer<>(Map.of("bootstrap.servers", brokers,
                "enable.auto.commit", "false"), new StringDeserializer(), new StringDeserializer())) {
            List<TopicPartition> partitions = c.partitionsFor(TOPIC, Duration.ofSeconds(10)).stream()
                    .map(p -> new TopicPartition(TOPIC, p.partition())).toList();
            if (partitions.isEmpty()) {
                return records;
            }
            c.assign(partitions);
            c.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = c.endOffsets(partitions);
            while (partitions.stream().anyMatch(tp -> c.position(tp) < end.get(tp))) {
                for (ConsumerRecord<String, String> r : c.poll(Duration.ofMillis(500))) {
                    records.add(r);
                }
            }
        } catch (org.apache.kafka.common.errors.TimeoutException e) {
            return records;
        }
        return records;
    }
}

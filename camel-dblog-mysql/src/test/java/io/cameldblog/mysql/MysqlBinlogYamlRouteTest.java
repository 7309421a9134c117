package io.cameldblog.mysql;

import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import io.cameldblog.core.json.ChangeEventJson;
import io.cameldblog.sandbox.SandboxMariaDb;
import org.apache.camel.main.Main;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The YAML route of the README, run by camel-main as a user runs it, writing JSON lines a user would read. */
class MysqlBinlogYamlRouteTest {

    static SandboxMariaDb db;

    @BeforeAll
    static void startServer() {
        db = SandboxMariaDb.start();
        db.execute("CREATE DATABASE shop",
                "CREATE TABLE shop.orders (id INT PRIMARY KEY, sku VARCHAR(20), total DECIMAL(10,2))");
    }

    @AfterAll
    static void stopServer() {
        db.close();
    }

    @Test
    void yamlRouteWritesOneJsonLinePerChange(@TempDir Path out) throws Exception {
        Main main = new Main();
        main.configure().withRoutesIncludePattern("classpath:routes/orders-to-jsonl.yaml");
        main.addInitialProperty("mysql.host", db.host());
        main.addInitialProperty("mysql.port", String.valueOf(db.port()));
        main.addInitialProperty("mysql.username", SandboxMariaDb.USER);
        main.addInitialProperty("mysql.password", SandboxMariaDb.PASSWORD);
        main.addInitialProperty("out.dir", out.toString());
        main.addInitialProperty("offsets.dir", out.resolve("offsets").toString());
        main.start();
        try {
            db.execute("INSERT INTO shop.orders VALUES (1, 'A-1', 10.10), (2, 'B-2', 20.20)",
                    "UPDATE shop.orders SET total = 11.00 WHERE id = 1",
                    "DELETE FROM shop.orders WHERE id = 2",
                    // a sentinel after the DELETE: once its line is there, the DELETE was read and filtered out
                    "INSERT INTO shop.orders VALUES (3, 'C-3', 30.30)");
            Path file = out.resolve("orders.jsonl");
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> Files.exists(file) && Files.readAllLines(file).size() >= 4);
            List<String> lines = Files.readAllLines(file);
            assertThat(lines).hasSize(4);
            assertThat(lines.stream().map(l -> ChangeEventJson.parseObject(l).get("op")).toList())
                    .containsExactly("c", "c", "u", "c");
            assertThat(ChangeEventJson.parseObject(lines.get(3)).get("after"))
                    .isEqualTo(Map.of("id", 3, "sku", "C-3", "total", new BigDecimal("30.30")));

            Map<String, Object> first = ChangeEventJson.parseObject(lines.get(0));
            assertThat(first).containsEntry("op", "c").containsEntry("before", null);
            assertThat(first.get("after")).isEqualTo(Map.of("id", 1, "sku", "A-1", "total", new BigDecimal("10.10")));
            @SuppressWarnings("unchecked")
            Map<String, Object> source = (Map<String, Object>) first.get("source");
            assertThat(source).containsEntry("connector", "mysql").containsEntry("db", "shop")
                    .containsEntry("table", "orders");

            Map<String, Object> update = ChangeEventJson.parseObject(lines.get(2));
            assertThat(update).containsEntry("op", "u");
            assertThat(update.get("before")).isEqualTo(Map.of("id", 1, "sku", "A-1", "total", new BigDecimal("10.10")));
            assertThat(update.get("after")).isEqualTo(Map.of("id", 1, "sku", "A-1", "total", new BigDecimal("11.00")));
        } finally {
            main.stop();
        }
    }

    @Test
    void yamlRouteWithResumableBeansContinuesAfterARestart(@TempDir Path out) throws Exception {
        db.execute("CREATE TABLE shop.resumable (id INT PRIMARY KEY)");
        Path file = out.resolve("resumable.jsonl");
        Main first = startMain("orders-resumable.yaml", out);
        try {
            db.execute("INSERT INTO shop.resumable VALUES (1), (2)", "INSERT INTO shop.resumable VALUES (3)");
            await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(file) && Files.readAllLines(file).size() >= 3);
        } finally {
            first.stop();
        }
        db.execute("INSERT INTO shop.resumable VALUES (4)");
        Main second = startMain("orders-resumable.yaml", out);
        try {
            db.execute("INSERT INTO shop.resumable VALUES (5)");
            await().atMost(Duration.ofSeconds(30)).until(() -> Files.readAllLines(file).size() >= 5);
        } finally {
            second.stop();
        }
        List<Object> ids = Files.readAllLines(file).stream()
                .map(l -> (Object) ((Map<?, ?>) ChangeEventJson.parseObject(l).get("after")).get("id")).toList();
        assertThat(ids).containsExactly(1, 2, 3, 4, 5);
        assertThat(out.resolve("offsets/orders-resumable.json")).exists();
    }

    @Test
    void yamlRouteWithAnInitialSnapshotDeliversTheExistingRowsThenTheChangesAndResumes(@TempDir Path out)
            throws Exception {
        db.execute("CREATE TABLE shop.existing (id INT PRIMARY KEY, sku VARCHAR(20))",
                "INSERT INTO shop.existing VALUES (1, 'A'), (2, 'B'), (3, 'C')");
        Path file = out.resolve("existing.jsonl");
        Main first = startMain("orders-snapshot.yaml", out);
        try {
            await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(file) && Files.readAllLines(file).size() >= 3);
            db.execute("UPDATE shop.existing SET sku = 'B2' WHERE id = 2");
            await().atMost(Duration.ofSeconds(30)).until(() -> Files.readAllLines(file).size() >= 4);
        } finally {
            first.stop();
        }
        db.execute("INSERT INTO shop.existing VALUES (4, 'D')");
        Main second = startMain("orders-snapshot.yaml", out);
        try {
            await().atMost(Duration.ofSeconds(30)).until(() -> Files.readAllLines(file).size() >= 5);
        } finally {
            second.stop();
        }
        List<String> ops = Files.readAllLines(file).stream()
                .map(l -> ChangeEventJson.parseObject(l).get("op") + ":"
                          + ((Map<?, ?>) ChangeEventJson.parseObject(l).get("after")).get("id")).toList();
        // the restart continues from the stored position: no second snapshot
        assertThat(ops).containsExactly("r:1", "r:2", "r:3", "u:2", "c:4");
        @SuppressWarnings("unchecked")
        Map<String, Object> source = (Map<String, Object>) ChangeEventJson.parseObject(Files.readAllLines(file).get(2))
                .get("source");
        assertThat(source).containsEntry("snapshot", "last");
    }

    private static Main startMain(String routes, Path out) throws Exception {
        Main main = new Main();
        main.configure().withRoutesIncludePattern("classpath:routes/" + routes);
        main.addInitialProperty("mysql.host", db.host());
        main.addInitialProperty("mysql.port", String.valueOf(db.port()));
        main.addInitialProperty("mysql.username", SandboxMariaDb.USER);
        main.addInitialProperty("mysql.password", SandboxMariaDb.PASSWORD);
        main.addInitialProperty("out.dir", out.toString());
        main.addInitialProperty("offsets.dir", out.resolve("offsets").toString());
        main.start();
        return main;
    }
}

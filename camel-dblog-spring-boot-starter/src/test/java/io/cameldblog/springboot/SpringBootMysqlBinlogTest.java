package io.cameldblog.springboot;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.cameldblog.core.json.ChangeEventJson;
import io.cameldblog.mysql.MysqlBinlogComponent;
import io.cameldblog.sandbox.SandboxMariaDb;
import io.cameldblog.springboot.app.ChangeStreamApplication;
import org.apache.camel.CamelContext;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.apache.curator.test.TestingServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A Spring Boot application with the starter, the README's application.yaml and its YAML route, run against a
 * real MariaDB: the change events a user reads, and a restart that continues from the stored position.
 */
class SpringBootMysqlBinlogTest {

    static SandboxMariaDb db;

    @BeforeAll
    static void startServer() {
        db = SandboxMariaDb.start();
        db.execute("CREATE DATABASE shop");
    }

    @AfterAll
    static void stopServer() {
        db.close();
    }

    @Test
    void yamlRouteWritesEveryChangeAndComponentOptionsApply(@TempDir Path out) throws Exception {
        db.execute("CREATE TABLE shop.orders (id INT PRIMARY KEY, sku VARCHAR(20), total DECIMAL(10,2))");
        Map<String, Object> props = appProperties("shop\\.orders", out);
        props.put("camel.component.mysqlbinlog.health-check-consumer-enabled", "false");
        props.put("camel.component.mysqlbinlog.autowired-enabled", "false");
        try (ConfigurableApplicationContext app = start(props)) {
            MysqlBinlogComponent component = app.getBean(CamelContext.class)
                    .getComponent("mysqlbinlog", MysqlBinlogComponent.class);
            assertThat(component.isHealthCheckConsumerEnabled()).isFalse();
            assertThat(component.isAutowiredEnabled()).isFalse();

            db.execute("INSERT INTO shop.orders VALUES (1, 'A-1', 10.10), (2, 'B-2', 20.20)",
                    "UPDATE shop.orders SET total = 11.00 WHERE id = 1",
                    "DELETE FROM shop.orders WHERE id = 2");
            Path file = out.resolve("orders.jsonl");
            await().atMost(Duration.ofSeconds(30)).until(() -> lines(file).size() >= 4);
        }
        List<String> lines = lines(out.resolve("orders.jsonl"));
        assertThat(lines).hasSize(4);
        Map<String, Object> first = ChangeEventJson.parseObject(lines.get(0));
        assertThat(first).containsEntry("op", "c").containsEntry("before", null);
        assertThat(first.get("after")).isEqualTo(Map.of("id", 1, "sku", "A-1", "total", new BigDecimal("10.10")));
        @SuppressWarnings("unchecked")
        Map<String, Object> source = (Map<String, Object>) first.get("source");
        assertThat(source).containsEntry("connector", "mysql").containsEntry("name", "orders")
                .containsEntry("db", "shop").containsEntry("table", "orders");
        Map<String, Object> update = ChangeEventJson.parseObject(lines.get(2));
        assertThat(update).containsEntry("op", "u");
        assertThat(update.get("before")).isEqualTo(Map.of("id", 1, "sku", "A-1", "total", new BigDecimal("10.10")));
        assertThat(update.get("after")).isEqualTo(Map.of("id", 1, "sku", "A-1", "total", new BigDecimal("11.00")));
        Map<String, Object> delete = ChangeEventJson.parseObject(lines.get(3));
        assertThat(delete).containsEntry("op", "d").containsEntry("after", null);
        assertThat(delete.get("before")).isEqualTo(Map.of("id", 2, "sku", "B-2", "total", new BigDecimal("20.20")));
    }

    @Test
    void restartContinuesFromThePositionStoredInTheDirectory(@TempDir Path out) throws Exception {
        db.execute("CREATE TABLE shop.in_files (id INT PRIMARY KEY)");
        Map<String, Object> props = appProperties("shop\\.in_files", out);
        props.put("camel.dblog.positions.directory", out.resolve("offsets").toString());
        assertEveryRowOnceAcrossARestart("shop.in_files", props, out);
        assertThat(out.resolve("offsets/orders.json")).exists();
    }

    @Test
    void restartContinuesFromThePositionStoredInZooKeeper(@TempDir Path out) throws Exception {
        db.execute("CREATE TABLE shop.in_zookeeper (id INT PRIMARY KEY)");
        try (TestingServer zk = new TestingServer(true)) {
            Map<String, Object> props = appProperties("shop\\.in_zookeeper", out);
            // application.yaml sets a directory: a user switching to ZooKeeper empties it
            props.put("camel.dblog.positions.directory", "");
            props.put("camel.dblog.positions.zookeeper.connect-string", zk.getConnectString());
            props.put("camel.dblog.positions.zookeeper.base-path", "/shop/positions");
            assertEveryRowOnceAcrossARestart("shop.in_zookeeper", props, out);
            try (CuratorFramework client = CuratorFrameworkFactory.newClient(zk.getConnectString(), new RetryOneTime(100))) {
                client.start();
                String stored = new String(client.getData().forPath("/shop/positions/orders"), StandardCharsets.UTF_8);
                assertThat(ChangeEventJson.parseObject(stored)).containsEntry("endpoint", "orders");
            }
        }
    }

    /** As the camel-main test: three rows, stop, one row while down, start, one more: each row exactly once. */
    private static void assertEveryRowOnceAcrossARestart(String table, Map<String, Object> props, Path out)
            throws Exception {
        Path file = out.resolve("orders.jsonl");
        try (ConfigurableApplicationContext first = start(props)) {
            db.execute("INSERT INTO " + table + " VALUES (1), (2)", "INSERT INTO " + table + " VALUES (3)");
            await().atMost(Duration.ofSeconds(30)).until(() -> lines(file).size() >= 3);
        }
        db.execute("INSERT INTO " + table + " VALUES (4)");
        try (ConfigurableApplicationContext second = start(props)) {
            db.execute("INSERT INTO " + table + " VALUES (5)");
            await().atMost(Duration.ofSeconds(30)).until(() -> lines(file).size() >= 5);
        }
        List<Object> ids = lines(file).stream()
                .map(l -> (Object) ((Map<?, ?>) ChangeEventJson.parseObject(l).get("after")).get("id")).toList();
        assertThat(ids).containsExactly(1, 2, 3, 4, 5);
    }

    private static Map<String, Object> appProperties(String tables, Path out) {
        Map<String, Object> props = new HashMap<>();
        props.put("mysql.host", db.host());
        props.put("mysql.port", String.valueOf(db.port()));
        props.put("mysql.username", SandboxMariaDb.USER);
        props.put("mysql.password", SandboxMariaDb.PASSWORD);
        props.put("mysql.tables", tables);
        props.put("out.dir", out.toString());
        props.put("OFFSETS_DIR", out.resolve("offsets").toString());
        return props;
    }

    /** Properties as command-line arguments: they win over application.yaml, as a user's would. */
    private static ConfigurableApplicationContext start(Map<String, Object> props) {
        String[] args = props.entrySet().stream().map(e -> "--" + e.getKey() + "=" + e.getValue())
                .toArray(String[]::new);
        return new SpringApplicationBuilder(ChangeStreamApplication.class).run(args);
    }

    private static List<String> lines(Path file) throws Exception {
        return Files.exists(file) ? Files.readAllLines(file) : List.of();
    }
}

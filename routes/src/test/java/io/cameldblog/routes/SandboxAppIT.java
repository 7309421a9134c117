package io.cameldblog.routes;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.cameldblog.core.json.ChangeEventJson;
import jakarta.jms.JMSConsumer;
import jakarta.jms.JMSContext;
import jakarta.jms.Message;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The packaged application as a user starts it ({@code java -jar target/camel-dblog.jar --sandbox}): change
 * events of the demo workload arrive as JSON lines, and the replica route keeps a second schema equal to the
 * source.
 */
class SandboxAppIT {

    private static final Pattern BROKER_URL = Pattern.compile("Sandbox broker \\(ActiveMQ Artemis\\) on (tcp://\\S+)");
    private static final Pattern KAFKA = Pattern.compile("Sandbox Kafka broker \\(.*\\) on (127\\.0\\.0\\.1:\\d+)");
    private static final Pattern MARIADB_PORT = Pattern.compile("Sandbox MariaDB on 127\\.0\\.0\\.1:(\\d+)");

    @TempDir
    Path dir;

    private Process app;
    private final int httpPort = AppProcess.freePort();

    @AfterEach
    void stopApp() throws Exception {
        if (app != null && app.isAlive()) {
            app.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        }
    }

    @Test
    void sandboxStreamsTheWorkloadToJsonLinesAndKeepsTheReplicaEqual() throws Exception {
        Path log = dir.resolve("app.log");
        app = startApp(log);
        int port = await().atMost(Duration.ofSeconds(90)).until(() -> mariaDbPort(log), p -> p > 0);

        Path jsonl = dir.resolve("out/mysql-shop.jsonl");
        await().atMost(Duration.ofSeconds(90)).until(() -> insertedOrderIds(jsonl).size() >= 40);

        // order ids count up from 1 in the source: the stream has every one of them, once, in order
        List<Long> ids = insertedOrderIds(jsonl);
        List<Long> expected = new ArrayList<>();
        for (long id = 1; id <= ids.size(); id++) {
            expected.add(id);
        }
        assertThat(ids).isEqualTo(expected);

        // rows at least ten orders old are final (the workload touches id-3 and id-9): compare those
        try (Connection c = DriverManager.getConnection("jdbc:mariadb://127.0.0.1:" + port + "/", "root", "")) {
            long settled = ids.get(ids.size() - 1) - 10;
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(
                    rows(c, "SELECT * FROM replica.orders WHERE id <= " + settled + " ORDER BY id"))
                    .isEqualTo(rows(c, "SELECT * FROM shop.orders WHERE id <= " + settled + " ORDER BY id")));
            assertThat(rows(c, "SELECT * FROM shop.orders WHERE id <= " + settled)).hasSizeGreaterThan(20);
        }

        // the broker got the same order changes, in order, each once, with key and operation as properties
        String brokerUrl = await().atMost(Duration.ofSeconds(10)).until(() -> logMatch(log, BROKER_URL), u -> u != null);
        try (ActiveMQConnectionFactory factory = new ActiveMQConnectionFactory(brokerUrl);
             JMSContext jms = factory.createContext()) {
            JMSConsumer consumer = jms.createConsumer(jms.createQueue("shop.orders"));
            List<Long> brokerInserts = new ArrayList<>();
            while (brokerInserts.size() < 30) {
                Message message = consumer.receive(10_000);
                assertThat(message).as("message " + brokerInserts.size() + " from the broker").isNotNull();
                Map<String, Object> event = ChangeEventJson.parseObject(message.getBody(String.class));
                assertThat(message.getStringProperty("operation")).isIn("INSERT", "UPDATE", "DELETE");
                if ("INSERT".equals(message.getStringProperty("operation"))) {
                    @SuppressWarnings("unchecked")
                    Map<String, Object> after = (Map<String, Object>) event.get("after");
                    assertThat(message.getStringProperty("orderId")).isEqualTo(String.valueOf(after.get("id")));
                    brokerInserts.add(((Number) after.get("id")).longValue());
                }
            }
            assertThat(brokerInserts).isEqualTo(expected.subList(0, 30));
        }
        // Kafka got the same orders on topic dblog.shop.orders, keyed by the primary key, in order, each once
        String kafka = await().atMost(Duration.ofSeconds(10)).until(() -> logMatch(log, KAFKA), a -> a != null);
        List<Long> kafkaInserts = new ArrayList<>();
        try (org.apache.kafka.clients.consumer.KafkaConsumer<String, String> consumer =
                     new org.apache.kafka.clients.consumer.KafkaConsumer<>(Map.of("bootstrap.servers", kafka,
                             "group.id", "sandbox-check", "auto.offset.reset", "earliest"),
                             new org.apache.kafka.common.serialization.StringDeserializer(),
                             new org.apache.kafka.common.serialization.StringDeserializer())) {
            consumer.subscribe(List.of("dblog.shop.orders"));
            await().atMost(Duration.ofSeconds(60)).until(() -> {
                for (var r : consumer.poll(Duration.ofMillis(500))) {
                    if (r.value() == null) {
                        continue; // a tombstone after a delete
                    }
                    Map<String, Object> event = ChangeEventJson.parseObject(r.value());
                    if ("c".equals(event.get("op"))) {
                        @SuppressWarnings("unchecked")
                        Map<String, Object> after = (Map<String, Object>) event.get("after");
                        assertThat(r.key()).isEqualTo("{\"id\":" + after.get("id") + "}");
                        kafkaInserts.add(((Number) after.get("id")).longValue());
                    }
                }
                return kafkaInserts.size() >= 30;
            });
        }
        assertThat(kafkaInserts.subList(0, 30)).isEqualTo(expected.subList(0, 30));

        // dozens of messages sent by the route, over one pooled connection (and this test's own two)
        assertThat(brokerConnectionsSinceStart(brokerUrl)).as("broker connections since start").isLessThan(5);

        // the operational surface: health over HTTP, a progress line per change stream
        HttpResponse<String> health = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + "/observe/health")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(health.statusCode()).isEqualTo(200);
        assertThat(health.body()).contains("UP");
        HttpResponse<String> metrics = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + "/observe/metrics")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(metrics.body()).contains("dblog_events_total{route=\"mysql-shop\"", "dblog_lag_milliseconds{route=\"pg-billing\"");
        // the values, not only the names: events counted as the route wrote lines, a lag of seconds at most
        long linesBefore = Files.readAllLines(jsonl).size();
        double counted = metric(httpPort, "dblog_events_total{route=\"mysql-shop\"");
        long linesAfter = Files.readAllLines(jsonl).size();
        assertThat(counted).as("mysql-shop events counted vs lines it wrote").isBetween((double) linesBefore - 1,
                (double) linesAfter + 1);
        assertThat(metric(httpPort, "dblog_lag_milliseconds{route=\"mysql-shop\""))
                .as("lag of a stream that keeps up, ms (MySQL logs commit times in whole seconds)")
                .isBetween(0.0, 30_000.0);
        await().atMost(Duration.ofSeconds(10))
                .until(() -> Files.readString(log).matches("(?s).*mysql-shop: \\d+ events \\(\\+\\d+, .*/s\\), lag \\d+ ms, at mysql-bin\\.\\d+:\\d+.*"));

        app.destroy();
        assertThat(app.waitFor(60, TimeUnit.SECONDS)).as("stops on SIGTERM").isTrue();
        String console = Files.readString(log);
        assertThat(console).contains("Positions stored in ZooKeeper");
        assertCleanShutdown(console);
        assertReadableConsole(console);

        // started again on the same data: the stream continues after the last stored position
        int before = insertedOrderIds(jsonl).size();
        Path secondLog = dir.resolve("app-2.log");
        app = startApp(secondLog);
        await().atMost(Duration.ofSeconds(90)).until(() -> insertedOrderIds(jsonl).size() >= before + 20);
        app.destroy();
        assertThat(app.waitFor(60, TimeUnit.SECONDS)).as("stops on SIGTERM").isTrue();
        // every route that stores positions says where it continues from
        assertThat(Files.readString(secondLog)).contains("mysqlbinlog://shop starting from stored",
                "mysqlbinlog://replica-sync starting from stored", "mysqlbinlog://broker starting from stored",
                "mysqlbinlog://kafka starting from stored", "pgwal://billing starting from stored");
        assertCleanShutdown(Files.readString(secondLog));

        List<Long> acrossRestarts = insertedOrderIds(jsonl);
        List<Long> contiguous = new ArrayList<>();
        for (long id = 1; id <= acrossRestarts.size(); id++) {
            contiguous.add(id);
        }
        assertThat(acrossRestarts).as("every order once, in order, across the restart").isEqualTo(contiguous);

        // MongoDB stand-in (in memory, empty at each start): reviews arrive, none twice
        Map<Long, Long> reviews = new java.util.HashMap<>();
        insertedIds(dir.resolve("out/mongo-reviews.jsonl"), "reviews").forEach(id -> reviews.merge(id, 1L, Long::sum));
        assertThat(reviews).hasSizeGreaterThan(20);
        assertThat(reviews.values()).as("no review twice").allMatch(c -> c == 1);

        // PostgreSQL: an invoice per order, each once across the restart
        Path invoices = dir.resolve("out/pg-billing.jsonl");
        List<Long> invoiceIds = insertedIds(invoices, "invoices");
        assertThat(invoiceIds).hasSizeGreaterThan(20);
        List<Long> oneToN = new ArrayList<>();
        for (long id = 1; id <= invoiceIds.size(); id++) {
            oneToN.add(id);
        }
        assertThat(invoiceIds).as("every invoice once, in order, across the restart").isEqualTo(oneToN);
    }

    @Test
    void withoutASourceAndWithoutSandboxTheAppStopsAndListsTheVariablesToSet() throws Exception {
        Path log = dir.resolve("no-source.log");
        AppProcess started = AppProcess.start(dir, log, Map.of());
        app = started.process;
        assertThat(app.waitFor(60, TimeUnit.SECONDS)).as("stops by itself").isTrue();
        assertThat(app.exitValue()).isNotZero();
        assertThat(Files.readString(log)).contains("No source configured", "MYSQL_HOST", "PG_HOST", "MONGO_URI",
                "--sandbox").doesNotContain("Sandbox MariaDB", "Exception");
    }

    /** The broker's count of every connection opened since it started, asked through its management address. */
    private static long brokerConnectionsSinceStart(String brokerUrl) throws Exception {
        try (ActiveMQConnectionFactory factory = new ActiveMQConnectionFactory(brokerUrl);
             jakarta.jms.QueueConnection connection = factory.createQueueConnection()) {
            jakarta.jms.QueueSession session = connection.createQueueSession(false, jakarta.jms.Session.AUTO_ACKNOWLEDGE);
            jakarta.jms.QueueRequestor requestor = new jakarta.jms.QueueRequestor(session,
                    session.createQueue("activemq.management"));
            connection.start();
            Message request = session.createMessage();
            org.apache.activemq.artemis.api.jms.management.JMSManagementHelper.putAttribute(request,
                    org.apache.activemq.artemis.api.core.management.ResourceNames.BROKER, "totalConnectionCount");
            Message reply = requestor.request(request);
            return ((Number) org.apache.activemq.artemis.api.jms.management.JMSManagementHelper.getResult(reply))
                    .longValue();
        }
    }

    /**
     * SIGTERM stops Camel first (the routes store their positions), then the servers, on one path: no stream loses
     * its server under it, no demo transaction is cut, nothing is logged as an error.
     */
    private static void assertCleanShutdown(String console) {
        String shutdown = console.substring(console.indexOf("triggered by SIGTERM"));
        assertThat(shutdown).contains("Routes stopped", "Sandbox stopped")
                .doesNotContain(" ERROR ", "Exception", "connection to the change log lost", "not written");
        assertThat(shutdown.indexOf("Sandbox stopped")).as("servers stopped after the routes")
                .isGreaterThan(shutdown.indexOf("Routes stopped"));
    }

    /**
     * What the user follows: servers and routes starting, progress lines, the routes' own log steps; no audit line
     * per broker message, no ZooKeeper banner or environment dump, no per-connection chatter of the libraries.
     */
    private static void assertReadableConsole(String console) {
        assertThat(console).contains("Sandbox MariaDB on", "Started mysql-shop", "Started pg-billing")
                .containsPattern("mysql-shop: \\d+ events")
                .containsPattern("mysql-shop - order \\d+: new -> paid")
                .doesNotContain("AMQ601", "Server environment:", "Client environment:", "SASL config status",
                        "MongoClient with metadata", "Connected to 127.0.0.1");
    }

    /**
     * As README.md starts it: from a working directory of its own, with the default data (./sandbox-data) and
     * output (./out) directories — which here lie under java.io.tmpdir, as a checkout in /tmp would.
     */
    private Process startApp(Path log) throws IOException {
        AppProcess started = AppProcess.start(dir, log, Map.of("DBLOG_HTTP_PORT", String.valueOf(httpPort),
                "DBLOG_PROGRESS_MILLIS", "1000"), "--sandbox", "--workload-period", "100");
        return started.process;
    }

    private static int mariaDbPort(Path log) throws IOException {
        String port = logMatch(log, MARIADB_PORT);
        return port == null ? 0 : Integer.parseInt(port);
    }

    /** One value of the Prometheus page: the first sample whose line starts with {@code series}. */
    private static double metric(int httpPort, String series) throws Exception {
        String page = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + "/observe/metrics")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        return page.lines().filter(l -> l.startsWith(series)).findFirst()
                .map(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
                .orElseThrow(() -> new AssertionError("no " + series + " in the metrics"));
    }

    private static String logMatch(Path log, Pattern pattern) throws IOException {
        if (!Files.exists(log)) {
            return null;
        }
        Matcher m = pattern.matcher(Files.readString(log));
        return m.find() ? m.group(1) : null;
    }

    private static List<Long> insertedOrderIds(Path jsonl) throws IOException {
        return insertedIds(jsonl, "orders");
    }

    private static List<Long> insertedIds(Path jsonl, String table) throws IOException {
        return AppProcess.insertedIds(jsonl, table);
    }

    private static List<List<Object>> rows(Connection c, String sql) throws Exception {
        List<List<Object>> rows = new ArrayList<>();
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            ResultSetMetaData md = rs.getMetaData();
            while (rs.next()) {
                List<Object> row = new ArrayList<>();
                for (int i = 1; i <= md.getColumnCount(); i++) {
                    row.add(rs.getString(i));
                }
                rows.add(row);
            }
        }
        return rows;
    }
}

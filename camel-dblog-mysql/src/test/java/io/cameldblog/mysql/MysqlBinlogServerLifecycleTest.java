package io.cameldblog.mysql;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import io.cameldblog.core.ChangeEvent;
import io.cameldblog.core.DbLogConfigurationException;
import io.cameldblog.core.testing.RouteStart;
import io.cameldblog.core.resume.FileResumeStrategy;
import io.cameldblog.core.testing.CapturedLog;
import io.cameldblog.core.testing.ConsumerHealth;
import io.cameldblog.core.testing.ResumableRun;
import io.cameldblog.sandbox.SandboxMariaDb;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.health.HealthCheck;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.util.ObjectHelper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.awaitility.Awaitility.await;

/**
 * What the server does to a stream over its life: binlogs purged while the route was down (by file position and by
 * GTID), a server without a binary log, and a connection that goes silent without being closed.
 */
class MysqlBinlogServerLifecycleTest {

    static SandboxMariaDb db;

    @TempDir
    Path offsets;

    @BeforeAll
    static void startServer() {
        db = SandboxMariaDb.start();
        db.execute("CREATE DATABASE IF NOT EXISTS shop");
    }

    @AfterAll
    static void stopServer() {
        db.close();
    }

    @Test
    void aStoredPositionInAPurgedFileNamesTheFilesTheServerStillHas() throws Exception {
        db.execute("CREATE TABLE shop.purged (id INT PRIMARY KEY)");
        String uri = MysqlBinlogStreamTest.uri("purged", "includeTables=shop\\.purged&startPosition=latest", db);
        try (ResumableRun first = new ResumableRun(uri, new FileResumeStrategy(offsets), "id", id -> false)) {
            db.execute("INSERT INTO shop.purged VALUES (1)");
            await().atMost(Duration.ofSeconds(20)).until(() -> first.processed.size() == 1);
        }
        String oldest = purgeAllButTheNewestFile();
        String failure = RouteStart.failure(uri, new FileResumeStrategy(offsets));
        assertThat(failure).contains("no longer has binlog file mysql-bin.", "(it has " + oldest, "Fix:");
    }

    @Test
    void aGtidModeRestartAfterThePurgeStopsInsteadOfSkippingByFileAndOffset() throws Exception {
        db.execute("CREATE TABLE shop.gtid_purged (id INT PRIMARY KEY)");
        String uri = MysqlBinlogStreamTest.uri("gtid_purged", "includeTables=shop\\.gtid_purged&gtidMode=true"
                                                               + "&reconnectDelay=100", db);
        try (ResumableRun first = new ResumableRun(uri, new FileResumeStrategy(offsets), "id", id -> false)) {
            db.execute("INSERT INTO shop.gtid_purged VALUES (1)");
            await().atMost(Duration.ofSeconds(20)).until(() -> first.processed.size() == 1);
        }
        db.execute("INSERT INTO shop.gtid_purged VALUES (2)"); // written while down, then its file is purged
        purgeAllButTheNewestFile();
        db.execute("INSERT INTO shop.gtid_purged VALUES (3)");

        List<Integer> delivered = new CopyOnWriteArrayList<>();
        CamelContext context = new DefaultCamelContext();
        ConsumerHealth.enable(context);
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from(uri).routeId("capture").resumable(new FileResumeStrategy(offsets)).process(e -> delivered.add(
                        ((Number) e.getMessage().getBody(ChangeEvent.class).after().get("id")).intValue()));
            }
        });
        try {
            context.start();
            // DOWN with the cause (between attempts the reader reopens, so one result must show both)
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                HealthCheck.Result r = ConsumerHealth.of(context, "capture");
                return r.getState() == HealthCheck.State.DOWN
                       && r.getMessage().filter(m -> m.contains("cannot send the binlog")).isPresent();
            });
            // row 2 is gone with its file: row 3 must not arrive as if nothing were missing
            assertThat(delivered).isEmpty();
        } finally {
            context.stop();
        }
    }

    @Test
    void aServerWithoutABinaryLogIsRefusedWithTheSetting() {
        try (SandboxMariaDb noLog = SandboxMariaDb.start(List.of("--skip-log-bin"))) {
            String failure = RouteStart.failure(MysqlBinlogStreamTest.uri("nolog", "", noLog), null);
            assertThat(failure).contains("log_bin", "Fix:", "--log-bin");
        }
    }

    @Test
    void aConnectionSilentForThreeHeartbeatPeriodsIsReplacedAndNothingIsLost() throws Exception {
        db.execute("CREATE TABLE shop.silent (id INT PRIMARY KEY)");
        try (StallingProxy proxy = new StallingProxy(db.port())) {
            String uri = "mysqlbinlog:silent?host=127.0.0.1&port=" + proxy.port() + "&username=" + SandboxMariaDb.USER
                         + "&password=" + SandboxMariaDb.PASSWORD + "&includeTables=shop\\.silent"
                         + "&heartbeatInterval=500&reconnectDelay=100";
            try (CapturingRoute route = new CapturingRoute(uri).start()) {
                db.execute("INSERT INTO shop.silent VALUES (1)");
                await().atMost(Duration.ofSeconds(20)).until(() -> route.events().size() == 1);
                // the link stays open but carries nothing, as behind a dead NAT entry or a hung middlebox
                proxy.stallOpenConnections();
                db.execute("INSERT INTO shop.silent VALUES (2)", "INSERT INTO shop.silent VALUES (3)");
                await().atMost(Duration.ofSeconds(30)).until(() -> route.events().size() >= 3);
                List<Object> ids = new ArrayList<>();
                route.events().forEach(e -> ids.add(e.after().get("id")));
                assertThat(ids).containsExactly(1, 2, 3);
                assertThat(proxy.connections()).as("a new replication connection replaced the silent one")
                        .isGreaterThan(2);
            }
        }
    }

    @Test
    void twoReadersWithOneServerIdAreToldWhyTheServerDropsThemAndLoseNothing() throws Exception {
        db.execute("CREATE TABLE shop.clash (id INT PRIMARY KEY)");
        String options = "includeTables=shop\\.clash&serverId=4242&reconnectDelay=100&maxReconnectDelay=400";
        try (CapturedLog log = CapturedLog.warnings();
             CapturingRoute first = new CapturingRoute(MysqlBinlogStreamTest.uri("clash_a", options, db)).start()) {
            db.execute("INSERT INTO shop.clash VALUES (1)");
            await().atMost(Duration.ofSeconds(20)).until(() -> first.events().size() == 1);
            try (CapturingRoute second = new CapturingRoute(MysqlBinlogStreamTest.uri("clash_b", options, db))
                    .start()) {
                db.execute("INSERT INTO shop.clash VALUES (2)", "INSERT INTO shop.clash VALUES (3)");
                // the server refuses a second dump for one replica id: the refused reader says why and retries
                await().atMost(Duration.ofSeconds(30)).until(() -> !log.containing("serverId=4242").isEmpty());
                assertThat(log.containing("serverId=4242").get(0).getMessage().getFormattedMessage())
                        .contains("already streams to a replica with serverId=4242",
                                "give every reader of this server its own serverId");
                // dropped and reconnected by turns, each from its own last position: nothing is lost
                await().atMost(Duration.ofSeconds(60)).until(() -> ids(first).containsAll(List.of(1, 2, 3))
                                                                   && ids(second).containsAll(List.of(2, 3)));
            }
        }
    }

    private static List<Object> ids(CapturingRoute route) {
        List<Object> ids = new ArrayList<>();
        route.events().forEach(e -> ids.add(e.after().get("id")));
        return ids;
    }

    /** Rotates twice and purges every file but the newest; returns the oldest file left. */
    private static String purgeAllButTheNewestFile() throws Exception {
        db.execute("FLUSH BINARY LOGS", "FLUSH BINARY LOGS");
        String newest;
        try (var c = db.rootConnection(); var s = c.createStatement();
             var rs = s.executeQuery("SHOW BINARY LOGS")) {
            String last = null;
            while (rs.next()) {
                last = rs.getString(1);
            }
            newest = last;
        }
        // the server keeps a file a replica's dump thread still reads: purge again until the stopped route's
        // connection is gone from the server
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            db.execute("PURGE BINARY LOGS TO '" + newest + "'");
            return newest.equals(oldestFile());
        });
        return newest;
    }

    private static String oldestFile() throws Exception {
        try (var c = db.rootConnection(); var s = c.createStatement();
             var rs = s.executeQuery("SHOW BINARY LOGS")) {
            return rs.next() ? rs.getString(1) : null;
        }
    }

    /** A TCP proxy to the server whose open connections can be made silent without closing them. */
    static final class StallingProxy implements AutoCloseable {
        private final ServerSocket listener;
        private final List<Socket> sockets = new CopyOnWriteArrayList<>();
        private final List<Socket> stalled = new CopyOnWriteArrayList<>();
        private volatile int connections;

        StallingProxy(int target) throws IOException {
            listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
            Thread accept = new Thread(() -> {
                while (!listener.isClosed()) {
                    try {
                        Socket client = listener.accept();
                        Socket server = new Socket(InetAddress.getLoopbackAddress(), target);
                        connections++;
                        sockets.add(client);
                        sockets.add(server);
                        pump(client, server);
                        pump(server, client);
                    } catch (IOException e) {
                        return;
                    }
                }
            }, "stalling-proxy");
            accept.setDaemon(true);
            accept.start();
        }

        int port() {
            return listener.getLocalPort();
        }

        int connections() {
            return connections;
        }

        void stallOpenConnections() {
            stalled.addAll(sockets);
        }

        private void pump(Socket from, Socket to) {
            Thread t = new Thread(() -> {
                byte[] buffer = new byte[8192];
                try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                    int n;
                    while ((n = in.read(buffer)) >= 0) {
                        if (stalled.contains(from)) {
                            continue; // swallowed: the peer sees an open, silent connection
                        }
                        out.write(buffer, 0, n);
                        out.flush();
                    }
                } catch (IOException e) {
                    // one side closed
                }
            }, "stalling-proxy-pump");
            t.setDaemon(true);
            t.start();
        }

        @Override
        public void close() throws IOException {
            listener.close();
            for (Socket s : sockets) {
                s.close();
            }
        }
    }
}

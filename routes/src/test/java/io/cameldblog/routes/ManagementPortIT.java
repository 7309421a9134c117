package io.cameldblog.routes;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.Map;

import io.cameldblog.sandbox.SandboxMariaDb;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The management port of the packaged app: on loopback only by default, and a health answer that says a stream is
 * DOWN and why in one line, without the exception chain or stack trace a client could ask Camel for.
 */
class ManagementPortIT {

    @TempDir
    Path dir;

    private SandboxMariaDb db;
    private AppProcess app;

    @AfterEach
    void stop() throws Exception {
        if (app != null) {
            app.close();
        }
        if (db != null) {
            db.close();
        }
    }

    @Test
    void loopbackOnlyAndNoErrorDetailsInTheHealthAnswer() throws Exception {
        db = SandboxMariaDb.start();
        db.execute("CREATE DATABASE shop", "CREATE TABLE shop.orders (id BIGINT PRIMARY KEY)");
        app = AppProcess.start(dir, dir.resolve("app.log"), Map.of(
                "MYSQL_ENABLED", "true",
                "MYSQL_HOST", db.host(),
                "MYSQL_PORT", String.valueOf(db.port()),
                "MYSQL_USERNAME", SandboxMariaDb.USER,
                "MYSQL_PASSWORD", SandboxMariaDb.PASSWORD));
        await().atMost(Duration.ofSeconds(90)).until(() -> {
            String health = app.get("/observe/health");
            return health != null && health.contains("\"status\":\"UP\"");
        });
        assertThat(app.logText()).contains("Health on http://127.0.0.1:" + app.httpPort + "/observe/health");
        assertThat(listeningAddresses(app.httpPort)).as("the kernel's listening sockets on the port")
                .isNotEmpty()
                // 127.0.0.1, or the same as an IPv4-mapped IPv6 address
                .allMatch(a -> a.equals("0100007F") || a.equals("0000000000000000FFFF00000100007F"));
        for (InetAddress address : nonLoopbackAddresses()) {
            assertThatThrownBy(() -> {
                try (Socket s = new Socket()) {
                    s.connect(new InetSocketAddress(address, app.httpPort), 2000);
                }
            }).as("port closed on %s", address).isInstanceOf(java.io.IOException.class);
        }

        // the source goes away: DOWN, with the reason in one line, whatever the client asks for
        db.close();
        db = null;
        await().atMost(Duration.ofSeconds(60)).until(() -> {
            String health = app.get("/observe/health");
            return health != null && health.contains("\"status\":\"DOWN\"");
        });
        String detailed = app.get("/observe/health?exposureLevel=full&stackTrace=true&data=true");
        assertThat(detailed).contains("\"status\":\"DOWN\"", "consumer:mysql-shop", "\"message\"")
                .doesNotContain("error-message", "error-stacktrace", "Exception", "\tat ", ".java:");
    }

    /** Local addresses (hex, as /proc/net/tcp writes them) of the IPv4 and IPv6 sockets listening on the port. */
    private static List<String> listeningAddresses(int port) throws Exception {
        String hexPort = String.format(":%04X", port);
        List<String> addresses = new java.util.ArrayList<>();
        for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
            Path file = Path.of(table);
            if (!java.nio.file.Files.exists(file)) {
                continue;
            }
            for (String line : java.nio.file.Files.readAllLines(file)) {
                String[] f = line.trim().split("\\s+");
                if (f.length > 3 && f[1].endsWith(hexPort) && "0A".equals(f[3])) {
                    addresses.add(f[1].substring(0, f[1].length() - hexPort.length()));
                }
            }
        }
        return addresses;
    }

    private static List<InetAddress> nonLoopbackAddresses() throws Exception {
        return Collections.list(NetworkInterface.getNetworkInterfaces()).stream()
                .flatMap(i -> Collections.list(i.getInetAddresses()).stream())
                .filter(a -> a instanceof Inet4Address && !a.isLoopbackAddress() && !a.isLinkLocalAddress())
                .toList();
    }
}

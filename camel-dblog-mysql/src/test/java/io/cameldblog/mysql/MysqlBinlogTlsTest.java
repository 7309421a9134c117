package io.cameldblog.mysql;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import com.github.shyiko.mysql.binlog.BinaryLogClient;
import io.cameldblog.core.DbLogConfigurationException;
import io.cameldblog.core.testing.ConsumerHealth;
import io.cameldblog.core.testing.RouteStart;
import io.cameldblog.core.testing.TestCertificates;
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
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;
import static org.awaitility.Awaitility.await;

/**
 * TLS against a MariaDB whose certificate a private CA issued for "localhost" only, for a user that the server
 * admits over TLS only: verify_identity streams; a host name the certificate does not name and an unknown CA are
 * refused, on the catalogue connection (the route's start) and on the replication connection itself.
 */
class MysqlBinlogTlsTest {

    private static final String USER = "tlsreader";
    private static final String PASSWORD = "tls-reader-secret";

    @TempDir
    static Path certDir;

    static TestCertificates certs;
    static SandboxMariaDb db;

    @BeforeAll
    static void startServer() throws Exception {
        certs = TestCertificates.create(certDir, List.of("localhost"));
        db = SandboxMariaDb.start(List.of("--ssl", "--ssl-ca=" + certs.ca(), "--ssl-cert=" + certs.serverCertificate(),
                "--ssl-key=" + certs.serverKey()));
        for (String host : new String[] { "localhost", "127.0.0.1" }) {
            db.execute("CREATE USER '" + USER + "'@'" + host + "' IDENTIFIED BY '" + PASSWORD + "' REQUIRE SSL",
                    "GRANT SELECT, REPLICATION SLAVE, REPLICATION CLIENT, BINLOG MONITOR ON *.* TO '" + USER + "'@'"
                    + host + "'");
        }
        db.execute("CREATE DATABASE IF NOT EXISTS tls", "CREATE TABLE tls.secured (id INT PRIMARY KEY, note TEXT)");
    }

    @AfterAll
    static void stopServer() {
        if (db != null) {
            db.close();
        }
    }

    private static String uri(String name, String host, String options) {
        return "mysqlbinlog:" + name + "?host=" + host + "&port=" + db.port() + "&username=" + USER + "&password="
               + PASSWORD + "&includeTables=tls\\.secured&" + options;
    }

    @Test
    void verifyIdentityWithTheServersCaStreamsOverTls() throws Exception {
        // the user is REQUIRE SSL: both connections of the reader must be encrypted for a row to arrive
        try (CapturingRoute route = new CapturingRoute(uri("tls_ok", "localhost",
                "ssl=true&trustStore=" + certs.ca())).start()) {
            db.execute("INSERT INTO tls.secured VALUES (1, 'over TLS')");
            await().atMost(Duration.ofSeconds(30)).until(() -> route.events().size() == 1);
            assertThat(route.events().get(0).after()).containsEntry("id", 1).containsEntry("note", "over TLS");
        }
    }

    @Test
    void aHostNameTheCertificateDoesNotNameIsRefused() {
        assertThat(RouteStart.failure(uri("tls_host", "127.0.0.1", "sslMode=verify_identity&trustStore=" + certs.ca())))
                .contains("TLS to the", "127.0.0.1", "Fix:").doesNotContain(PASSWORD);
    }

    @Test
    void aCertificateFromAnUnknownCaIsRefusedOnTheReplicationConnection() throws Exception {
        // MariaDB 11.4's zero-configuration TLS lets Connector/J accept the catalogue connection through the
        // password (the server proves it knows the password's hash); the replication connection has no such
        // fallback, so the stream never starts and the consumer reports DOWN with the cause
        try (CapturingRoute route = new CapturingRoute(uri("tls_ca", "localhost",
                "sslMode=verify_identity&reconnectDelay=200&trustStore=" + certs.otherCa()))) {
            ConsumerHealth.enable(route.context());
            route.start();
            db.execute("INSERT INTO tls.secured VALUES (2, 'never read')");
            await().atMost(Duration.ofSeconds(30)).until(() -> ConsumerHealth.of(route.context(), "capture").getMessage()
                    .filter(m -> m.contains("TLS to the replication connection")).isPresent());
            HealthCheck.Result down = ConsumerHealth.of(route.context(), "capture");
            assertThat(down.getState()).isEqualTo(HealthCheck.State.DOWN);
            assertThat(down.getMessage().get()).contains("trustStore", "Fix:").doesNotContain(PASSWORD);
            assertThat(route.events()).isEmpty();
        }
    }

    @Test
    void theReplicationConnectionVerifiesAsTheCatalogueConnectionDoes() throws Exception {
        assertThat(replicationConnects("localhost", "sslMode=verify_identity&trustStore=" + certs.ca())).isTrue();
        assertThat(replicationConnects("127.0.0.1", "sslMode=verify_ca&trustStore=" + certs.ca())).isTrue();
        assertThatThrownBy(() -> replicationConnects("127.0.0.1", "sslMode=verify_identity&trustStore=" + certs.ca()))
                .hasMessageContaining("127.0.0.1");
        assertThatThrownBy(() -> replicationConnects("localhost", "sslMode=verify_ca&trustStore=" + certs.otherCa()))
                .isInstanceOf(javax.net.ssl.SSLException.class);
    }

    @Test
    void aTypoInSslModeFailsTheStart() {
        assertThat(RouteStart.failure(uri("tls_typo", "localhost", "sslMode=verify-identityy")))
                .contains("sslMode=verify-identityy", "verify_identity");
    }

    /** The binlog client alone, configured as the reader configures it. */
    private static boolean replicationConnects(String host, String options) throws Exception {
        CamelContext context = new DefaultCamelContext();
        context.start();
        try {
            MysqlBinlogEndpoint endpoint = context.getEndpoint(uri("direct_" + host.replace('.', '_'), host, options),
                    MysqlBinlogEndpoint.class);
            BinaryLogClient client = new BinaryLogClient(host, db.port(), USER, PASSWORD);
            client.setServerId(endpoint.effectiveServerId());
            client.setKeepAlive(false);
            endpoint.tls().applyTo(client);
            client.connect(10_000);
            boolean connected = client.isConnected();
            client.disconnect();
            return connected;
        } finally {
            context.stop();
        }
    }
}

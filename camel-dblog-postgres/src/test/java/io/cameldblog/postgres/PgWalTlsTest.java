package io.cameldblog.postgres;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import io.cameldblog.core.ChangeEvent;
import io.cameldblog.core.DbLogConfigurationException;
import io.cameldblog.core.testing.RouteStart;
import io.cameldblog.core.testing.TestCertificates;
import io.cameldblog.sandbox.SandboxPostgres;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.util.ObjectHelper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static io.cameldblog.postgres.PgTestSupport.sql;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.awaitility.Awaitility.await;

/**
 * TLS on every connection, against a server whose certificate a private CA issued for "localhost" only: verify-full
 * streams, a host name the certificate does not name and an unknown CA are refused at start with the fix.
 */
class PgWalTlsTest {

    private static final String DB = "tls";

    @TempDir
    static Path certDir;

    private static TestCertificates certs;
    private static SandboxPostgres pg;

    @BeforeAll
    static void startServer() throws Exception {
        certs = TestCertificates.create(certDir, List.of("localhost"));
        pg = SandboxPostgres.start(Map.of("ssl", "on",
                "ssl_cert_file", certs.serverCertificate().toString(),
                "ssl_key_file", certs.serverKey().toString()));
        pg.createDatabase(DB);
        sql(pg, DB, "CREATE TABLE secured (id int PRIMARY KEY, note text)");
    }

    @AfterAll
    static void stopServer() {
        if (pg != null) {
            pg.close();
        }
    }

    private static String uri(String name, String host, String options) {
        return "pgwal:" + name + "?host=" + host + "&port=" + pg.port() + "&database=" + DB + "&username="
               + pg.user() + "&password=" + pg.password() + "&slot=" + name + "&includeTables=public\\.secured"
               + "&statusInterval=100&reconnectDelay=200&" + options;
    }

    @Test
    void verifyFullWithTheServersCaStreams() throws Exception {
        List<ChangeEvent> events = new CopyOnWriteArrayList<>();
        CamelContext context = start(uri("tls_ok", "localhost", "ssl=true&sslRootCert=" + certs.ca()), events);
        try {
            sql(pg, DB, "INSERT INTO secured VALUES (1, 'over TLS')");
            await().atMost(Duration.ofSeconds(30)).until(() -> events.size() == 1);
            assertThat(events.get(0).after()).containsEntry("id", 1).containsEntry("note", "over TLS");
            // the walsender's connection is the one that is encrypted, not only the catalogue's
            assertThat(PgTestSupport.query(pg, "postgres", "SELECT bool_and(s.ssl) FROM pg_stat_ssl s JOIN"
                                                            + " pg_stat_replication r ON r.pid = s.pid"))
                    .isEqualTo("t");
        } finally {
            context.stop();
        }
    }

    @Test
    void aHostNameTheCertificateDoesNotNameIsRefused() {
        String failure = RouteStart.failure(uri("tls_host", "127.0.0.1", "sslMode=verify-full&sslRootCert=" + certs.ca()));
        assertThat(failure).contains("TLS to the PostgreSQL server at 127.0.0.1", "Fix:", "host name")
                .doesNotContain(pg.password() + "&");
    }

    @Test
    void verifyCaAcceptsTheHostNameMismatchButChecksTheSigner() throws Exception {
        CamelContext context = start(uri("tls_ca", "127.0.0.1", "sslMode=verify-ca&sslRootCert=" + certs.ca()),
                new CopyOnWriteArrayList<>());
        context.stop();
    }

    @Test
    void aCertificateFromAnUnknownCaIsRefused() {
        String failure = RouteStart.failure(uri("tls_ca_unknown", "localhost",
                "sslMode=verify-full&sslRootCert=" + certs.otherCa()));
        assertThat(failure).contains("TLS to the PostgreSQL server at localhost", "sslRootCert", "Fix:");
    }

    @Test
    void aTypoInSslModeFailsTheStart() {
        assertThat(RouteStart.failure(uri("tls_typo", "localhost", "sslMode=verify_fulll")))
                .contains("sslMode=verify_fulll", "verify-full");
    }

    private static CamelContext start(String uri, List<ChangeEvent> events) throws Exception {
        CamelContext context = new DefaultCamelContext();
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from(uri).process(e -> events.add(e.getIn().getBody(ChangeEvent.class)));
            }
        });
        context.start();
        return context;
    }
}

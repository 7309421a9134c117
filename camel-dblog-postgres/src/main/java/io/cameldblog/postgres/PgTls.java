package io.cameldblog.postgres;

import java.util.Properties;

import org.postgresql.PGProperty;

/**
 * The endpoint's TLS options as pgjdbc properties, for the replication connection and every catalogue connection
 * alike: without them pgjdbc uses {@code sslmode=prefer}, which encrypts when it can and verifies nothing.
 */
final class PgTls {

    private PgTls() {
    }

    static void applyTo(Properties p, PgWalEndpoint endpoint) {
        PGProperty.SSL_MODE.set(p, endpoint.effectiveSslMode());
        setIfGiven(p, PGProperty.SSL_ROOT_CERT, endpoint.getSslRootCert());
        setIfGiven(p, PGProperty.SSL_CERT, endpoint.getSslCert());
        setIfGiven(p, PGProperty.SSL_KEY, endpoint.getSslKey());
        setIfGiven(p, PGProperty.SSL_PASSWORD, endpoint.getSslPassword());
    }

    private static void setIfGiven(Properties p, PGProperty property, String value) {
        if (value != null && !value.isBlank()) {
            property.set(p, value);
        }
    }
}

package io.cameldblog.postgres;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Properties;

import io.cameldblog.core.DbLogConfigurationException;
import io.cameldblog.core.tls.TlsFailure;
import org.postgresql.PGProperty;

/**
 * Opens the endpoint's two kinds of connection (an ordinary one for checks and catalogue look-ups, a walsender
 * one for streaming) and turns the refusals a person must fix (credentials, database, REPLICATION) into
 * {@link DbLogConfigurationException}s; network trouble stays an SQLException, which a retry may cure.
 */
final class PgConnector {

    private final PgWalEndpoint endpoint;

    PgConnector(PgWalEndpoint endpoint) {
        this.endpoint = endpoint;
    }

    /** An ordinary connection for checks and catalogue lookups. */
    Connection connect() throws SQLException {
        try {
            return DriverManager.getConnection(endpoint.jdbcUrl(), credentials());
        } catch (SQLException e) {
            throw connectionProblem(e);
        }
    }

    /**
     * An ordinary connection whose results always come in text form (no binary transfer): a value then reads as
     * exactly the string its type's output function writes, the form pgoutput sends, so a snapshot row converts to
     * the same Java value as the row decoded from the log.
     */
    Connection connectForSnapshot() throws SQLException {
        Properties p = credentials();
        PGProperty.BINARY_TRANSFER.set(p, false);
        PGProperty.APPLICATION_NAME.set(p, "camel-dblog " + endpoint.getName() + " snapshot");
        try {
            return DriverManager.getConnection(endpoint.jdbcUrl(), p);
        } catch (SQLException e) {
            throw connectionProblem(e);
        }
    }

    /** A walsender connection in database mode, as logical replication needs. */
    Connection connectForReplication() throws SQLException {
        Properties p = credentials();
        PGProperty.REPLICATION.set(p, "database");
        PGProperty.ASSUME_MIN_SERVER_VERSION.set(p, "12");
        PGProperty.PREFER_QUERY_MODE.set(p, "simple");
        try {
            return DriverManager.getConnection(endpoint.jdbcUrl(), p);
        } catch (SQLException e) {
            throw connectionProblem(e);
        }
    }

    private Properties credentials() {
        Properties p = new Properties();
        PGProperty.USER.set(p, endpoint.getUsername());
        if (endpoint.getPassword() != null) {
            PGProperty.PASSWORD.set(p, endpoint.getPassword());
        }
        PGProperty.APPLICATION_NAME.set(p, "camel-dblog " + endpoint.getName());
        PGProperty.CONNECT_TIMEOUT.set(p, 10);
        PgTls.applyTo(p, endpoint);
        return p;
    }

    private SQLException connectionProblem(SQLException e) {
        String state = e.getSQLState() == null ? "" : e.getSQLState();
        switch (state) {
            case "28P01":
            case "28000":
                if (e.getMessage() != null && e.getMessage().contains("replication")) {
                    throw noReplicationPrivilege(endpoint, e);
                }
                throw new DbLogConfigurationException(
                        "PostgreSQL at " + endpoint.getHost() + ":" + endpoint.getPort() + " rejected user '"
                                                      + endpoint.getUsername() + "': " + e.getMessage(),
                        "check the username and password options, and that pg_hba.conf admits this user to database '"
                               + endpoint.getDatabase() + "' (and to 'replication' connections).",
                        e);
            case "3D000":
                throw new DbLogConfigurationException(
                        "Database '" + endpoint.getDatabase() + "' does not exist on " + endpoint.getHost() + ":"
                                                      + endpoint.getPort() + ".",
                        "set the database option to an existing database.", e);
            case "42501":
                throw noReplicationPrivilege(endpoint, e);
            default:
                // pgjdbc reports a failed host name check without an SSLException in the chain, only in its message
                String text = String.valueOf(e.getMessage()).toLowerCase(java.util.Locale.ROOT);
                if (TlsFailure.in(e) || text.contains("ssl") || text.contains("hostnameverifier")) {
                    throw TlsFailure.refused("PostgreSQL server at " + endpoint.getHost() + ":" + endpoint.getPort()
                                             + " (sslMode=" + endpoint.effectiveSslMode() + ")", e,
                            "set sslRootCert to the CA that signed the server's certificate, connect by a host name"
                            + " the certificate names, or use sslMode=verify-ca (no host name check) or require.");
                }
                return e; // network, server starting or shutting down: a retry may help
        }
    }

    static DbLogConfigurationException noReplicationPrivilege(PgWalEndpoint endpoint, Exception e) {
        return new DbLogConfigurationException(
                "User '" + endpoint.getUsername() + "' may not stream logical replication (it lacks the REPLICATION"
                                               + " attribute)" + (e == null ? "." : ": " + e.getMessage()),
                "run ALTER ROLE \"" + endpoint.getUsername() + "\" WITH REPLICATION; (as a superuser), or use a"
                                                                                      + " user that has it.",
                e);
    }
}

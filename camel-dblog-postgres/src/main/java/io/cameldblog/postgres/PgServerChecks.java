package io.cameldblog.postgres;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

import io.cameldblog.core.DbLogConfigurationException;

/** What the server itself must offer before a slot is touched: logical WAL and a user allowed to stream it. */
final class PgServerChecks {

    private PgServerChecks() {
    }

    static void check(Connection c, PgWalEndpoint endpoint) throws SQLException {
        checkWalLevel(c, endpoint);
        checkPrivilege(c, endpoint);
    }

    private static void checkWalLevel(Connection c, PgWalEndpoint endpoint) throws SQLException {
        String level = PgCatalog.single(c, "SHOW wal_level");
        if (!"logical".equals(level)) {
            throw new DbLogConfigurationException(
                    "PostgreSQL at " + endpoint.getHost() + ":" + endpoint.getPort() + " runs with wal_level="
                                                  + level + "; logical decoding needs wal_level=logical.",
                    "set wal_level = logical in postgresql.conf (or ALTER SYSTEM SET wal_level = logical) and"
                                                                                             + " restart the server.");
        }
    }

    private static void checkPrivilege(Connection c, PgWalEndpoint endpoint) throws SQLException {
        try (Statement s = c.createStatement();
             ResultSet rs = s.executeQuery(
                     "SELECT rolreplication OR rolsuper FROM pg_roles WHERE rolname = current_user")) {
            if (rs.next() && !rs.getBoolean(1)) {
                throw PgConnector.noReplicationPrivilege(endpoint, null);
            }
        }
    }

    /** {@code server_version_num}, e.g. 170002. */
    static int serverVersion(Connection c) throws SQLException {
        return Integer.parseInt(PgCatalog.single(c, "SHOW server_version_num"));
    }
}

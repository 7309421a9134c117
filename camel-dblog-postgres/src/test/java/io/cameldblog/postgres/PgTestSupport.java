package io.cameldblog.postgres;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

import io.cameldblog.sandbox.SandboxPostgres;

/** SQL helpers for the tests: each test class starts its own {@link SandboxPostgres}. */
final class PgTestSupport {

    private PgTestSupport() {
    }

    static void sql(SandboxPostgres pg, String db, String... statements) {
        try (Connection c = pg.connect(db); Statement s = c.createStatement()) {
            for (String sql : statements) {
                s.execute(sql);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    /** Runs the statements in one transaction. */
    static void transaction(SandboxPostgres pg, String db, String... statements) {
        try (Connection c = pg.connect(db)) {
            c.setAutoCommit(false);
            try (Statement s = c.createStatement()) {
                for (String sql : statements) {
                    s.execute(sql);
                }
            }
            c.commit();
        } catch (SQLException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    static String query(SandboxPostgres pg, String db, String sql) {
        try (Connection c = pg.connect(db); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            return rs.next() ? rs.getString(1) : null;
        } catch (SQLException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    static List<String> column(SandboxPostgres pg, String db, String sql) {
        try (Connection c = pg.connect(db); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            List<String> values = new ArrayList<>();
            while (rs.next()) {
                values.add(rs.getString(1));
            }
            return values;
        } catch (SQLException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    /** The slot's confirmed flush LSN as a number, 0 when the slot is missing. */
    static long confirmedFlush(SandboxPostgres pg, String slot) {
        String lsn = query(pg, "postgres",
                "SELECT confirmed_flush_lsn::text FROM pg_replication_slots WHERE slot_name = '" + slot + "'");
        return lsn == null ? 0 : Lsn.parse(lsn);
    }

    static String uri(SandboxPostgres pg, String name, String db, String slot, String options) {
        return "pgwal:" + name + "?host=" + pg.host() + "&port=" + pg.port() + "&database=" + db
               + "&username=" + pg.user() + "&password=" + pg.password() + "&slot=" + slot
               + "&statusInterval=100&reconnectDelay=200" + (options.isEmpty() ? "" : "&" + options);
    }
}

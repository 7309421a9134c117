package io.cameldblog.sandbox;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class SandboxPostgresTest {

    @Test
    void startsWithLogicalDecodingOnAFreePort() throws Exception {
        try (SandboxPostgres pg = SandboxPostgres.start()) {
            assertThat(pg.port()).isNotEqualTo(5432).isPositive();
            String db = pg.createDatabase("smoke");
            try (Connection c = pg.connect(db); Statement s = c.createStatement()) {
                assertThat(single(s, "SHOW wal_level")).isEqualTo("logical");
                assertThat(Integer.parseInt(single(s, "SHOW max_replication_slots"))).isGreaterThanOrEqualTo(10);
                assertThat(Integer.parseInt(single(s, "SHOW max_wal_senders"))).isGreaterThanOrEqualTo(10);
                assertThat(single(s, "SELECT current_database()")).isEqualTo("smoke");
                // a logical slot with the built-in plugin can be created: what pgwal: needs
                s.execute("CREATE TABLE t(id int primary key)");
                s.execute("SELECT pg_create_logical_replication_slot('smoke_slot', 'test_decoding')");
                s.execute("INSERT INTO t VALUES (1)");
                String changes = single(s, "SELECT string_agg(data, '|') FROM pg_logical_slot_get_changes('smoke_slot', NULL, NULL)");
                assertThat(changes)
                        .contains("table public.t: INSERT: id[integer]:1");
            }
        }
    }

    private static String single(Statement s, String sql) throws Exception {
        try (ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }
}

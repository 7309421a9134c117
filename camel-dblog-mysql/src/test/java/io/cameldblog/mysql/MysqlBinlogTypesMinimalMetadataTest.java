package io.cameldblog.mysql;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The same values on a server with {@code binlog_row_metadata=MINIMAL}: the table map carries types, signedness
 * and charsets but no names and no ENUM/SET labels, which come from information_schema after each column's
 * logged type was found to match the catalogue's.
 */
class MysqlBinlogTypesMinimalMetadataTest extends MysqlBinlogTypesTest {

    @Override
    List<String> serverOptions() {
        return List.of("--binlog-row-metadata=MINIMAL");
    }

    @Test
    void theServerLogsMinimalMetadata() throws Exception {
        try (Connection c = db.rootConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT @@GLOBAL.binlog_row_metadata")) {
            rs.next();
            assertThat(rs.getString(1)).isEqualTo("MINIMAL");
        }
    }
}

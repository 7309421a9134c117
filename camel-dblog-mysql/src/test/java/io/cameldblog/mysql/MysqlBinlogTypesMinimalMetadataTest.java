package io.cameldblog.mysql;

import java.util.List;

import io.cameldblog.sandbox.SandboxMariaDb;
import org.junit.jupiter.api.BeforeAll;

/**
 * The same values on a server with {@code binlog_row_metadata=MINIMAL}: the table map carries types, signedness
 * and charsets but no names and no ENUM/SET labels, which come from information_schema after each column's
 * logged type was found to match the catalogue's.
 */
class MysqlBinlogTypesMinimalMetadataTest extends MysqlBinlogTypesTest {

    @BeforeAll
    static void startServer() {
        db = SandboxMariaDb.start(List.of("--binlog-row-metadata=MINIMAL"));
        createTables();
    }
}

package io.cameldblog.mysql;

import java.time.LocalDate;
import java.util.List;

import com.github.shyiko.mysql.binlog.event.deserialization.ColumnType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Inside a compressed transaction (MySQL 8.0.20+ {@code binlog_transaction_compression}) the binlog client decodes
 * rows itself and marks a zero date as {@code Long.MIN_VALUE}; no MySQL server runs here, so this checks the
 * decoder on that value directly. The zero dates the server logs are checked on MariaDB in
 * {@link MysqlBinlogTypesTest}.
 */
class ColumnValueDecoderTest {

    @ParameterizedTest
    @EnumSource(value = ColumnType.class, names = { "DATE", "DATETIME", "DATETIME_V2", "TIMESTAMP", "TIMESTAMP_V2" })
    void theClientsInvalidDateMarkIsNull(ColumnType type) {
        assertThat(ColumnValueDecoder.decode(column(type), Long.MIN_VALUE)).isNull();
    }

    @Test
    void aRealDateIsKept() {
        assertThat(ColumnValueDecoder.decode(column(ColumnType.DATE), 0L)).isEqualTo(LocalDate.of(1970, 1, 1));
    }

    private static ColumnSpec column(ColumnType type) {
        return new ColumnSpec("d", type, 0, false, null, List.of(), false);
    }
}

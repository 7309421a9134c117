package io.cameldblog.mysql;

import java.util.HashMap;
import java.util.Map;

import io.cameldblog.core.DbLogConfigurationException;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The start checks on the server's binlog variables. {@code binlog_row_value_options} exists on MySQL 8.0.3+
 * only, and no MySQL server runs here: these are the variables as MySQL reports them. The MariaDB side (the
 * variable absent) runs on the real server in every other test.
 */
class BinlogSettingsTest {

    @Test
    void partialJsonUpdatesAreRefusedWithTheSettingAndTheFix() {
        BinlogSettings settings = settings(Map.of("binlog_row_value_options", "PARTIAL_JSON"));
        assertThatThrownBy(settings::refuseUnreadable).isInstanceOf(DbLogConfigurationException.class)
                .hasMessageContaining("db:3306", "binlog_row_value_options=PARTIAL_JSON", "PARTIAL_UPDATE_ROWS",
                        "Fix: SET GLOBAL binlog_row_value_options=''");
    }

    @Test
    void emptyOrAbsentRowValueOptionsAreAccepted() {
        assertThatCode(() -> settings(Map.of("binlog_row_value_options", "")).refuseUnreadable())
                .doesNotThrowAnyException();
        assertThatCode(() -> settings(Map.of()).refuseUnreadable()).doesNotThrowAnyException();
    }

    @Test
    void metadataBelowFullIsAWarningThatSaysWhatCannotBeDetected() {
        Map<String, String> warnings = settings(Map.of("binlog_row_metadata", "MINIMAL")).warnings();
        assertThat(warnings).containsOnlyKeys("binlog_row_metadata");
        assertThat(warnings.get("binlog_row_metadata")).contains("binlog_row_metadata=MINIMAL", "renamed column",
                "Set binlog_row_metadata=FULL");
        assertThat(settings(Map.of("binlog_row_metadata", "FULL")).warnings()).isEmpty();
    }

    private static BinlogSettings settings(Map<String, String> extra) {
        Map<String, String> values = new HashMap<>(Map.of("log_bin", "ON", "binlog_format", "ROW",
                "binlog_row_image", "FULL"));
        values.putAll(extra);
        return new BinlogSettings("db:3306", values);
    }
}

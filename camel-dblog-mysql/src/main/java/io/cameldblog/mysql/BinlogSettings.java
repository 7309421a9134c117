package io.cameldblog.mysql;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import io.cameldblog.core.DbLogConfigurationException;

/**
 * The server's binlog variables, judged: settings whose events cannot be read refuse the start with the setting
 * to change; settings that lose detail give a warning.
 */
final class BinlogSettings {

    static final List<String> VARIABLES = List.of("log_bin", "binlog_format", "binlog_row_image",
            "binlog_row_metadata", "binlog_row_value_options");

    private final String address;
    private final Map<String, String> values;

    /** {@code values} by lower-case variable name; a variable the server does not have is absent. */
    BinlogSettings(String address, Map<String, String> values) {
        this.address = address;
        this.values = values;
    }

    void refuseUnreadable() {
        String logBin = values.get("log_bin");
        if (!"ON".equalsIgnoreCase(logBin) && !"1".equals(logBin)) {
            throw new DbLogConfigurationException("The server at " + address + " does not write a binary log"
                                                  + " (log_bin=" + logBin + ").",
                    "start the server with --log-bin --binlog-format=ROW (my.cnf: log_bin=mysql-bin,"
                                                          + " binlog_format=ROW) and a unique server_id.");
        }
        String format = values.get("binlog_format");
        if (!"ROW".equalsIgnoreCase(format)) {
            throw new DbLogConfigurationException(
                    "The server at " + address + " logs with binlog_format=" + format
                                                  + ": statement and mixed logging do not carry the changed rows.",
                    "set binlog_format=ROW (SET GLOBAL binlog_format='ROW' and in my.cnf), then reconnect the"
                                                          + " writers so their sessions use it.");
        }
        // MySQL 8.0.3+: updates of JSON columns logged as PARTIAL_UPDATE_ROWS events hold only the changed paths
        String valueOptions = values.get("binlog_row_value_options");
        if (valueOptions != null && valueOptions.toUpperCase(Locale.ROOT).contains("PARTIAL_JSON")) {
            throw new DbLogConfigurationException(
                    "The server at " + address + " logs with binlog_row_value_options=" + valueOptions
                                                  + ": updates of JSON columns are then logged as partial updates"
                                                  + " (PARTIAL_UPDATE_ROWS events) that hold only the changed parts of"
                                                  + " the document, which this reader cannot turn into rows.",
                    "SET GLOBAL binlog_row_value_options='' (and binlog_row_value_options= in my.cnf), then"
                                                          + " reconnect the writers so their sessions use it.");
        }
    }

    /** Warnings by the variable they are about. */
    Map<String, String> warnings() {
        Map<String, String> warnings = new LinkedHashMap<>();
        String image = values.get("binlog_row_image");
        if (image != null && !"FULL".equalsIgnoreCase(image)) {
            warnings.put("binlog_row_image", "The server at " + address + " logs binlog_row_image=" + image
                                             + ": before images of updates and deletes hold only the key and changed"
                                             + " columns. Set binlog_row_image=FULL for whole rows.");
        }
        String metadata = values.get("binlog_row_metadata");
        if (metadata != null && !"FULL".equalsIgnoreCase(metadata)) {
            warnings.put("binlog_row_metadata", "The server at " + address + " logs binlog_row_metadata=" + metadata
                                                + ": row events do not name their columns, so values are matched by"
                                                + " position to the columns information_schema lists now. An event"
                                                + " written before an ALTER TABLE that changed a column's type, size"
                                                + " or position, or the number of columns, stops the stream with an"
                                                + " error; a renamed column, two swapped columns of the same type or"
                                                + " ENUM/SET labels changed in place cannot be detected and would"
                                                + " label older values with today's names. Set"
                                                + " binlog_row_metadata=FULL (MySQL 8.0.1+, MariaDB 10.5+).");
        }
        return warnings;
    }
}

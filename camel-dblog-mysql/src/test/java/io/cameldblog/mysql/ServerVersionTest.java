package io.cameldblog.mysql;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The binlog status statement each server accepts, chosen from the version string the server reports. Only
 * MariaDB 11.4 runs here; the MySQL rows follow MySQL's release notes (8.2.0 added SHOW BINARY LOG STATUS,
 * 8.4.0 removed SHOW MASTER STATUS).
 */
class ServerVersionTest {

    @ParameterizedTest
    @CsvSource({
            "5.7.44-log, SHOW MASTER STATUS",
            "8.0.36-0ubuntu0.22.04.1, SHOW MASTER STATUS",
            "8.0.40-31, SHOW MASTER STATUS",
            "8.2.0, SHOW BINARY LOG STATUS",
            "8.4.3, SHOW BINARY LOG STATUS",
            "9.1.0-commercial, SHOW BINARY LOG STATUS",
            "10.4.34-MariaDB-log, SHOW MASTER STATUS",
            "10.5.1-MariaDB, SHOW MASTER STATUS",
            "10.5.2-MariaDB, SHOW BINLOG STATUS",
            "5.5.5-10.11.6-MariaDB-0+deb12u1, SHOW BINLOG STATUS",
            "11.4.5-MariaDB, SHOW BINLOG STATUS",
    })
    void binlogStatusStatementFollowsTheServerVersion(String version, String statement) {
        assertThat(ServerVersion.parse(version).binlogStatusStatement()).isEqualTo(statement);
    }

    @ParameterizedTest
    @CsvSource({ "8.4.3, false, 8, 4, 3", "11.4.5-MariaDB-log, true, 11, 4, 5", "8.0, false, 8, 0, 0" })
    void versionStringIsReadAsProductAndNumbers(String version, boolean mariaDb, int major, int minor, int patch) {
        assertThat(ServerVersion.parse(version)).isEqualTo(new ServerVersion(mariaDb, major, minor, patch));
    }
}

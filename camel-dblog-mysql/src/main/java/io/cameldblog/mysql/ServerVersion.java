package io.cameldblog.mysql;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The server's product and version, from {@code SELECT VERSION()} ({@code 8.4.3}, {@code 8.0.36-0ubuntu0.22.04.1},
 * {@code 11.4.5-MariaDB-log}), and the statements that differ between them.
 */
record ServerVersion(boolean mariaDb, int major, int minor, int patch) {

    private static final Pattern NUMBERS = Pattern.compile("^(\\d+)\\.(\\d+)(?:\\.(\\d+))?");
    /** What old MariaDB clients and proxies put in front of the real version. */
    private static final String MARIADB_REPLICATION_PREFIX = "5.5.5-";

    static ServerVersion parse(String version) {
        String v = version == null ? "" : version.trim();
        boolean maria = v.toLowerCase(Locale.ROOT).contains("mariadb");
        if (maria && v.startsWith(MARIADB_REPLICATION_PREFIX)) {
            v = v.substring(MARIADB_REPLICATION_PREFIX.length());
        }
        Matcher m = NUMBERS.matcher(v);
        if (!m.find()) {
            return new ServerVersion(maria, 0, 0, 0);
        }
        return new ServerVersion(maria, Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)),
                m.group(3) == null ? 0 : Integer.parseInt(m.group(3)));
    }

    boolean atLeast(int major, int minor, int patch) {
        if (this.major != major) {
            return this.major > major;
        }
        if (this.minor != minor) {
            return this.minor > minor;
        }
        return this.patch >= patch;
    }

    /**
     * The statement that reports the binlog's current file and position. MySQL renamed {@code SHOW MASTER STATUS}
     * to {@code SHOW BINARY LOG STATUS} in 8.2 and removed the old name in 8.4; MariaDB added
     * {@code SHOW BINLOG STATUS} in 10.5.2 and keeps the old name.
     */
    String binlogStatusStatement() {
        if (mariaDb) {
            return atLeast(10, 5, 2) ? "SHOW BINLOG STATUS" : "SHOW MASTER STATUS";
        }
        return atLeast(8, 2, 0) ? "SHOW BINARY LOG STATUS" : "SHOW MASTER STATUS";
    }

    @Override
    public String toString() {
        return (mariaDb ? "MariaDB " : "MySQL ") + major + "." + minor + "." + patch;
    }
}

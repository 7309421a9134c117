package io.cameldblog.mysql;

import java.io.IOException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;

import io.cameldblog.core.DbLogConfigurationException;
import io.cameldblog.core.tls.TlsFailure;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The reader's SQL connection to the server: checks that the server and the user can serve a binlog reader,
 * resolves {@code latest}/{@code earliest}, and serves the catalogue. Every problem a person must fix becomes a
 * {@link DbLogConfigurationException} naming the setting; network trouble stays an {@link IOException}, which
 * the consumer retries.
 */
final class ServerConnection implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ServerConnection.class);

    static final int ER_ACCESS_DENIED = 1045;
    static final int ER_SPECIFIC_ACCESS_DENIED = 1227;

    private final MysqlBinlogEndpoint endpoint;
    private final String address;
    private final Connection jdbc;
    private final ServerVersion version;
    private final Map<Integer, Charset> charsetsByCollation = new HashMap<>();

    private ServerConnection(MysqlBinlogEndpoint endpoint, String address, Connection jdbc, ServerVersion version) {
        this.endpoint = endpoint;
        this.address = address;
        this.jdbc = jdbc;
        this.version = version;
    }

    static ServerConnection open(MysqlBinlogEndpoint endpoint) throws IOException {
        String address = endpoint.getHost() + ":" + endpoint.getPort();
        Properties props = new Properties();
        props.setProperty("user", endpoint.getUsername());
        if (endpoint.getPassword() != null) {
            props.setProperty("password", endpoint.getPassword());
        }
        props.setProperty("connectTimeout", Long.toString(endpoint.getConnectTimeout()));
        props.setProperty("socketTimeout", Long.toString(endpoint.getConnectTimeout()));
        endpoint.tls().applyTo(props);
        String url = "jdbc:mariadb://" + address + "/";
        Connection c;
        try {
            c = DriverManager.getConnection(url, props);
        } catch (SQLException e) {
            if (e.getErrorCode() == ER_ACCESS_DENIED) {
                throw new DbLogConfigurationException(
                        "The server at " + address + " refused user '" + endpoint.getUsername()
                                                      + "': wrong username or password (" + firstLine(e) + ").",
                        "set username and password of a user that exists on the server and has REPLICATION SLAVE"
                                                                                        + " and REPLICATION CLIENT grants.",
                        null);
            }
            // Connector/J reports a failed host name check in its message only
            if (TlsFailure.in(e) || String.valueOf(e.getMessage()).contains("SSL")) {
                throw TlsFailure.refused("MySQL/MariaDB server at " + address, e,
                        "set trustStore to the CA that signed the server's certificate, connect by a host name the"
                        + " certificate names, or use sslMode=verify_ca (no host name check) or sslMode=disabled.");
            }
            throw new IOException("Cannot connect to the MySQL/MariaDB server at " + address + ": " + firstLine(e)
                                  + ". Fix: check the host and port options and that the server is running and"
                                  + " reachable from here.", e);
        }
        try {
            ServerVersion version;
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT VERSION()")) {
                rs.next();
                version = ServerVersion.parse(rs.getString(1));
            }
            ServerConnection server = new ServerConnection(endpoint, address, c, version);
            server.loadCharsets();
            return server;
        } catch (SQLException e) {
            closeQuietly(c);
            throw new IOException("Cannot query the server at " + address + ": " + firstLine(e), e);
        }
    }

    Connection jdbc() {
        return jdbc;
    }

    boolean isMariaDb() {
        return version.mariaDb();
    }

    ServerVersion version() {
        return version;
    }

    /**
     * Fails with the setting to change when the server does not log row events, or the user lacks a grant a
     * replica needs.
     */
    void checkCanReplicate(String username) throws SQLException {
        BinlogSettings settings = new BinlogSettings(address, variables(BinlogSettings.VARIABLES));
        settings.refuseUnreadable();
        settings.warnings().forEach((variable, warning) -> {
            // a reconnect opens a new connection: the operator needs the warning once per endpoint
            if (endpoint.firstWarningAbout(variable)) {
                LOG.warn(warning);
            }
        });
        checkGrants(username);
    }

    private void checkGrants(String username) throws SQLException {
        List<String> grants = new ArrayList<>();
        try (Statement s = jdbc.createStatement(); ResultSet rs = s.executeQuery("SHOW GRANTS")) {
            while (rs.next()) {
                grants.add(rs.getString(1).toUpperCase(Locale.ROOT));
            }
        }
        boolean viaRole = grants.stream().anyMatch(g -> !g.contains(" ON ") && g.startsWith("GRANT "));
        boolean slave = grants.stream().anyMatch(g -> g.contains("ALL PRIVILEGES ON *.*")
                || g.contains("REPLICATION SLAVE") || g.contains("REPLICATION REPLICA"));
        if (!slave && !viaRole) {
            throw new DbLogConfigurationException(
                    "User '" + username + "' may not read the binary log: it lacks the REPLICATION SLAVE grant.",
                    "GRANT REPLICATION SLAVE, REPLICATION CLIENT ON *.* TO '" + username + "'@'<host>';"
                                                                                   + " (MariaDB 10.5+: also BINLOG MONITOR).");
        }
        try (Statement s = jdbc.createStatement()) {
            s.executeQuery(binlogStatusStatement()).close();
        } catch (SQLException e) {
            if (e.getErrorCode() == ER_SPECIFIC_ACCESS_DENIED || e.getErrorCode() == 1044
                    || e.getErrorCode() == 1142) {
                throw new DbLogConfigurationException(
                        "User '" + username + "' may not read the binary log status (" + firstLine(e) + ").",
                        "GRANT REPLICATION CLIENT ON *.* TO '" + username + "'@'<host>'; (MariaDB 10.5+: GRANT"
                                                                                         + " BINLOG MONITOR).",
                        null);
            }
            throw e;
        }
    }

    /** The current end of the binlog: where a reader starting at {@code latest} begins. */
    BinlogPosition currentPosition(boolean withGtids) throws SQLException {
        try (Statement s = jdbc.createStatement(); ResultSet rs = s.executeQuery(binlogStatusStatement())) {
            if (!rs.next()) {
                throw new DbLogConfigurationException("The server at " + address + " reports no binary log status.",
                        "enable the binary log (--log-bin) and binlog_format=ROW.");
            }
            return new BinlogPosition(rs.getString(1), rs.getLong(2), 0, withGtids ? executedGtids() : null);
        }
    }

    /** The oldest binlog file the server still has. */
    BinlogPosition earliestPosition() throws SQLException {
        List<String> files = binlogFiles();
        if (files.isEmpty()) {
            throw new DbLogConfigurationException("The server at " + address + " lists no binary log files.",
                    "enable the binary log (--log-bin) and binlog_format=ROW.");
        }
        return BinlogPosition.of(files.get(0), 4);
    }

    List<String> binlogFiles() throws SQLException {
        List<String> files = new ArrayList<>();
        try (Statement s = jdbc.createStatement(); ResultSet rs = s.executeQuery("SHOW BINARY LOGS")) {
            while (rs.next()) {
                files.add(rs.getString(1));
            }
        }
        return files;
    }

    String executedGtids() throws SQLException {
        String sql = version.mariaDb() ? "SELECT @@gtid_binlog_pos" : "SELECT @@gtid_executed";
        try (Statement s = jdbc.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            return rs.next() ? rs.getString(1) : null;
        }
    }

    /** The charset of a collation id from the table map; {@code null} for binary. */
    Charset charsetOf(int collationId) {
        if (collationId == 63) {
            return null;
        }
        return charsetsByCollation.getOrDefault(collationId, StandardCharsets.UTF_8);
    }

    /** The Java charset of a MySQL charset name; {@code null} for binary. */
    static Charset javaCharset(String mysqlName) {
        if (mysqlName == null) {
            return null;
        }
        String n = mysqlName.toLowerCase(Locale.ROOT);
        String java = switch (n) {
            case "binary" -> null;
            case "utf8", "utf8mb3", "utf8mb4" -> "UTF-8";
            // MySQL's latin1 is Windows' cp1252, not ISO-8859-1
            case "latin1" -> "windows-1252";
            case "ascii" -> "US-ASCII";
            case "ucs2", "utf16" -> "UTF-16BE";
            case "utf16le" -> "UTF-16LE";
            case "utf32" -> "UTF-32BE";
            case "latin2" -> "ISO-8859-2";
            case "greek" -> "ISO-8859-7";
            case "hebrew" -> "ISO-8859-8";
            case "latin5" -> "ISO-8859-9";
            case "latin7" -> "ISO-8859-13";
            case "koi8r" -> "KOI8-R";
            case "koi8u" -> "KOI8-U";
            case "sjis" -> "Shift_JIS";
            case "cp932" -> "windows-31j";
            case "ujis" -> "EUC-JP";
            case "eucjpms" -> "x-eucJP-Open";
            case "euckr" -> "EUC-KR";
            case "gb2312" -> "GB2312";
            case "gbk" -> "GBK";
            case "gb18030" -> "GB18030";
            case "big5" -> "Big5";
            case "tis620" -> "TIS-620";
            default -> n;
        };
        if (java == null) {
            return null;
        }
        try {
            return Charset.forName(java);
        } catch (RuntimeException e) {
            return StandardCharsets.UTF_8;
        }
    }

    private void loadCharsets() {
        for (String sql : List.of("SELECT ID, CHARACTER_SET_NAME FROM information_schema.COLLATIONS",
                // MariaDB 10.10+ lists its UCA 14.0 collations (ids above 2048) only here
                "SELECT ID, CHARACTER_SET_NAME FROM information_schema.COLLATION_CHARACTER_SET_APPLICABILITY")) {
            try (Statement s = jdbc.createStatement(); ResultSet rs = s.executeQuery(sql)) {
                while (rs.next()) {
                    Charset cs = javaCharset(rs.getString(2));
                    if (cs != null) {
                        charsetsByCollation.putIfAbsent(rs.getInt(1), cs);
                    }
                }
            } catch (SQLException e) {
                LOG.debug("{} not available on {}: {}", sql, address, e.getMessage());
            }
        }
    }

    private String binlogStatusStatement() {
        return version.binlogStatusStatement();
    }

    private Map<String, String> variables(List<String> names) throws SQLException {
        Map<String, String> values = new HashMap<>();
        try (Statement s = jdbc.createStatement();
             ResultSet rs = s.executeQuery("SHOW GLOBAL VARIABLES WHERE Variable_name IN ('"
                                           + String.join("','", names) + "')")) {
            while (rs.next()) {
                values.put(rs.getString(1).toLowerCase(Locale.ROOT), rs.getString(2));
            }
        }
        return values;
    }

    String address() {
        return address;
    }

    @Override
    public void close() {
        closeQuietly(jdbc);
    }

    static String firstLine(Throwable e) {
        String m = e.getMessage();
        if (m == null) {
            return e.getClass().getSimpleName();
        }
        int nl = m.indexOf('\n');
        return nl < 0 ? m : m.substring(0, nl);
    }

    private static void closeQuietly(Connection c) {
        try {
            c.close();
        } catch (SQLException | RuntimeException e) {
            LOG.debug("Closing the catalogue connection failed", e);
        }
    }
}

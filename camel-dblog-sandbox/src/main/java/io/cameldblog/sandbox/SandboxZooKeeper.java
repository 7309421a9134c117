package io.cameldblog.sandbox;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.apache.curator.test.InstanceSpec;
import org.apache.curator.test.TestingServer;

/**
 * A real ZooKeeper server in this JVM (Curator's {@link TestingServer}) on a free port, for stored positions in
 * tests and in the demo.
 */
public final class SandboxZooKeeper implements AutoCloseable {

    private final TestingServer server;

    private SandboxZooKeeper(TestingServer server) {
        this.server = server;
    }

    /** A server whose data is deleted when it stops. */
    public static SandboxZooKeeper start() {
        try {
            return new SandboxZooKeeper(new TestingServer(true));
        } catch (Exception e) {
            throw new IllegalStateException("Could not start the sandbox ZooKeeper: " + e.getMessage(), e);
        }
    }

    /** A server whose data stays in {@code dir}, so positions stored in it survive a restart of the demo. */
    public static SandboxZooKeeper startIn(Path dir) {
        try {
            Files.createDirectories(dir);
            // loopback only, like the other demo servers (ZooKeeper listens on every interface by default)
            InstanceSpec spec = new InstanceSpec(dir.toFile(), SandboxMariaDb.freePort(), -1, -1, false, -1, -1, -1,
                    java.util.Map.of("clientPortAddress", "127.0.0.1"), "127.0.0.1");
            return new SandboxZooKeeper(new TestingServer(spec, true));
        } catch (Exception e) {
            throw new IllegalStateException("Could not start the sandbox ZooKeeper in " + dir + ": " + e.getMessage(),
                    e);
        }
    }

    public String connectString() {
        return server.getConnectString();
    }

    public void stop() throws IOException {
        server.stop();
    }

    public void restart() throws Exception {
        server.restart();
    }

    @Override
    public void close() {
        try {
            server.close();
        } catch (IOException e) {
            throw new IllegalStateException("Could not stop the sandbox ZooKeeper: " + e.getMessage(), e);
        }
    }
}

package io.cameldblog.sandbox;

import java.nio.file.Files;
import java.nio.file.Path;

import org.apache.activemq.artemis.core.config.Configuration;
import org.apache.activemq.artemis.core.config.impl.ConfigurationImpl;
import org.apache.activemq.artemis.core.server.embedded.EmbeddedActiveMQ;

/**
 * An ActiveMQ Artemis broker in this JVM on a free port (core protocol, which the JMS client speaks), without
 * persistence or security: a real broker for the demo and the tests, started from Maven artifacts alone.
 */
public final class SandboxBroker implements AutoCloseable {

    private final EmbeddedActiveMQ broker;
    private final int port;

    private SandboxBroker(EmbeddedActiveMQ broker, int port) {
        this.broker = broker;
        this.port = port;
    }

    public static SandboxBroker start() {
        try {
            int port = SandboxMariaDb.freePort();
            // nothing is persisted, but the broker still wants directories: keep them out of the working dir
            Path dir = Files.createTempDirectory("sandbox-artemis-");
            Configuration config = new ConfigurationImpl()
                    .setPersistenceEnabled(false)
                    .setSecurityEnabled(false)
                    .setJournalDirectory(dir.resolve("journal").toString())
                    .setBindingsDirectory(dir.resolve("bindings").toString())
                    .setPagingDirectory(dir.resolve("paging").toString())
                    .setLargeMessagesDirectory(dir.resolve("large").toString())
                    .addAcceptorConfiguration("tcp", "tcp://127.0.0.1:" + port);
            EmbeddedActiveMQ broker = new EmbeddedActiveMQ().setConfiguration(config);
            broker.start();
            return new SandboxBroker(broker, port);
        } catch (Exception e) {
            throw new IllegalStateException("Could not start the sandbox broker: " + e.getMessage(), e);
        }
    }

    /** The JMS client's broker URL. */
    public String url() {
        return "tcp://127.0.0.1:" + port;
    }

    @Override
    public void close() {
        try {
            broker.stop();
        } catch (Exception e) {
            throw new IllegalStateException("Could not stop the sandbox broker: " + e.getMessage(), e);
        }
    }
}

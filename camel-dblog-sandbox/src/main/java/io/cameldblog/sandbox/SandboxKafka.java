package io.cameldblog.sandbox;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.Reader;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;

import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.server.common.MetadataVersion;

/**
 * An Apache Kafka broker in this JVM, in KRaft mode (broker and controller in one node, no ZooKeeper), listening
 * on 127.0.0.1 only. Its log stays in the given directory and its ports are kept there too, so a restarted
 * broker is the same cluster at the same address and keeps every topic.
 */
public final class SandboxKafka implements AutoCloseable {

    private final KafkaRaftServer server;
    private final int port;

    private SandboxKafka(KafkaRaftServer server, int port) {
        this.server = server;
        this.port = port;
    }

    /** Starts (or restarts) the broker whose data lives in {@code dir}. */
    public static SandboxKafka startIn(Path dir) {
        try {
            Path base = dir.toAbsolutePath();
            Path logs = base.resolve("logs");
            Files.createDirectories(logs);
            Properties ports = ports(base.resolve("ports.properties"));
            int port = Integer.parseInt(ports.getProperty("broker"));
            int controller = Integer.parseInt(ports.getProperty("controller"));
            if (!Files.exists(logs.resolve("meta.properties"))) {
                new Formatter()
                        .setPrintStream(new PrintStream(OutputStream.nullOutputStream()))
                        .setClusterId(Uuid.randomUuid().toString())
                        .setNodeId(1)
                        .setControllerListenerName("CONTROLLER")
                        .setMetadataLogDirectory(logs.toString())
                        .setDirectories(List.of(logs.toString()))
                        .setReleaseVersion(MetadataVersion.LATEST_PRODUCTION)
                        .run();
            }
            Properties config = new Properties();
            config.put("process.roles", "broker,controller");
            config.put("node.id", "1");
            config.put("controller.quorum.voters", "1@127.0.0.1:" + controller);
            config.put("listeners", "PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controller);
            config.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + port);
            config.put("controller.listener.names", "CONTROLLER");
            config.put("inter.broker.listener.name", "PLAINTEXT");
            config.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
            config.put("log.dirs", logs.toString());
            config.put("num.partitions", "1");
            config.put("offsets.topic.replication.factor", "1");
            config.put("offsets.topic.num.partitions", "1");
            config.put("transaction.state.log.replication.factor", "1");
            config.put("transaction.state.log.min.isr", "1");
            config.put("group.initial.rebalance.delay.ms", "0");
            config.put("auto.create.topics.enable", "true");
            // change-event topics keyed by primary key: compacted, so each row's latest change stays and a
            // tombstone lets a deleted row go
            config.put("log.cleanup.policy", "compact");
            // a demo on a laptop: small segments and an eager cleaner, so compaction shows within minutes
            config.put("log.segment.bytes", String.valueOf(8 * 1024 * 1024));
            config.put("log.cleaner.dedupe.buffer.size", String.valueOf(4 * 1024 * 1024));
            KafkaRaftServer server = new KafkaRaftServer(new KafkaConfig(config, false), Time.SYSTEM);
            server.startup();
            return new SandboxKafka(server, port);
        } catch (Exception e) {
            throw new IllegalStateException("Could not start the sandbox Kafka broker in " + dir + ": " + e.getMessage(),
                    e);
        }
    }

    /** Ports chosen at the first start and kept, so clients configured with the address find it again. */
    private static Properties ports(Path file) throws IOException {
        Properties ports = new Properties();
        if (Files.exists(file)) {
            try (Reader r = Files.newBufferedReader(file)) {
                ports.load(r);
            }
            return ports;
        }
        ports.setProperty("broker", String.valueOf(SandboxMariaDb.freePort()));
        ports.setProperty("controller", String.valueOf(SandboxMariaDb.freePort()));
        try (Writer w = Files.newBufferedWriter(file)) {
            ports.store(w, "ports of the sandbox Kafka broker");
        }
        return ports;
    }

    /** The {@code bootstrap.servers} clients use. */
    public String bootstrapServers() {
        return "127.0.0.1:" + port;
    }

    @Override
    public void close() {
        server.shutdown();
        server.awaitShutdown();
    }
}

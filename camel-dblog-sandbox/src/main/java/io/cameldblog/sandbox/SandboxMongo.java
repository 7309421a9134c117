package io.cameldblog.sandbox;

import java.net.InetSocketAddress;

import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;

/**
 * The MongoDB stand-in: de.bwaldvogel mongo-java-server in this JVM on a free port, with its oplog. It speaks the
 * wire protocol but is not a replica set and does not keep tailable cursors open (see shared/NOTES.md): no real
 * mongod can be installed on these machines. Tests that must see real MongoDB behaviour read
 * {@code DBLOG_MONGO_URI} instead.
 */
public final class SandboxMongo implements AutoCloseable {

    private final MongoServer server;
    private final InetSocketAddress address;

    private SandboxMongo(MongoServer server, InetSocketAddress address) {
        this.server = server;
        this.address = address;
    }

    public static SandboxMongo start() {
        MemoryBackend backend = new MemoryBackend();
        backend.enableOplog();
        MongoServer server = new MongoServer(backend);
        server.bind("127.0.0.1", 0);
        InetSocketAddress address = server.getLocalAddress();
        return new SandboxMongo(server, address);
    }

    public String connectionString() {
        return "mongodb://127.0.0.1:" + address.getPort();
    }

    @Override
    public void close() {
        server.shutdownNow();
    }
}

package io.cameldblog.mongo;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import io.cameldblog.sandbox.SandboxMongo;

/**
 * The server a test class talks to: a real replica set when {@code DBLOG_MONGO_URI} is set, else the stand-in
 * (mongo-java-server) on a free port.
 */
final class MongoTestServer implements AutoCloseable {

    private final SandboxMongo standIn;
    private final String uri;
    private final MongoClient client;

    private MongoTestServer(SandboxMongo standIn, String uri) {
        this.standIn = standIn;
        this.uri = uri;
        this.client = MongoClients.create(uri);
    }

    static MongoTestServer start() {
        String real = System.getenv("DBLOG_MONGO_URI");
        if (real != null && !real.isBlank()) {
            return new MongoTestServer(null, real);
        }
        SandboxMongo standIn = SandboxMongo.start();
        return new MongoTestServer(standIn, standIn.connectionString());
    }

    /** A real replica set ({@code DBLOG_MONGO_URI}), not the stand-in. */
    boolean isReal() {
        return standIn == null;
    }

    String uri() {
        return uri;
    }

    MongoClient client() {
        return client;
    }

    /** A mongooplog endpoint URI on this server; RAW() since a real connection string has a query part. */
    String endpoint(String name, String options) {
        return "mongooplog:" + name + "?connectionString=RAW(" + uri + ")&pollInterval=50"
               + (options.isEmpty() ? "" : "&" + options);
    }

    @Override
    public void close() {
        client.close();
        if (standIn != null) {
            standIn.close();
        }
    }
}

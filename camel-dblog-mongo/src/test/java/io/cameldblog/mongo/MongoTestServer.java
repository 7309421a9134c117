package io.cameldblog.mongo;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import io.cameldblog.sandbox.SandboxMongo;
import org.bson.Document;

/**
 * The server a test class talks to: a real replica set when {@code DBLOG_MONGO_URI} is set, else the stand-in
 * (mongo-java-server) on a free port. A real server keeps what tests write, so tests write only to collections of
 * their own ({@link #freshCollection}), dropped when the test class closes the server: the same server can run
 * the suite again.
 */
final class MongoTestServer implements AutoCloseable {

    private final SandboxMongo standIn;
    private final String uri;
    private final MongoClient client;
    private final List<MongoCollection<Document>> created = new CopyOnWriteArrayList<>();
    private static final AtomicInteger COUNTER = new AtomicInteger();

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

    /** {@code shop.<base>_<unique>}: a collection no earlier run has written to, dropped on {@link #close()}. */
    MongoCollection<Document> freshCollection(String base) {
        String name = base + "_" + Long.toString(System.currentTimeMillis(), 36) + COUNTER.incrementAndGet();
        MongoCollection<Document> collection = client.getDatabase("shop").getCollection(name);
        created.add(collection);
        return collection;
    }

    /** The {@code includeNamespaces} pattern of exactly this collection. */
    static String only(MongoCollection<?> collection) {
        return collection.getNamespace().getFullName().replace(".", "\\.");
    }

    /** A mongooplog endpoint URI on this server; RAW() since a real connection string has a query part. */
    String endpoint(String name, String options) {
        return "mongooplog:" + name + "?connectionString=RAW(" + uri + ")&pollInterval=50"
               + (options.isEmpty() ? "" : "&" + options);
    }

    @Override
    public void close() {
        for (MongoCollection<Document> collection : created) {
            collection.drop();
        }
        client.close();
        if (standIn != null) {
            standIn.close();
        }
    }
}

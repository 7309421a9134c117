package io.cameldblog.mongo;

import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Updates;
import org.bson.Document;

/**
 * Inserts, replaces, patches ({@code $set}/{@code $unset}) and deletes single documents of a collection whose
 * {@code _id}s are 1..n, one write at a time, until closed. Only {@code $set}/{@code $unset}: the stand-in logs the
 * raw update spec, and the mapper reads those (a real server logs every update operator as them or as a diff).
 */
final class ConcurrentWriter implements AutoCloseable {

    private final MongoCollection<Document> collection;
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final AtomicInteger writes = new AtomicInteger();
    private final CompletableFuture<Void> done;

    private final long pauseNanos;

    /** @param writesPerSecond at most about this many writes a second */
    ConcurrentWriter(MongoCollection<Document> collection, int existing, long seed, int writesPerSecond) {
        this.collection = collection;
        this.pauseNanos = 1_000_000_000L / writesPerSecond;
        this.done = CompletableFuture.runAsync(() -> write(existing, new Random(seed)));
    }

    static Document document(int id, int version) {
        return new Document("_id", id).append("name", "doc " + id).append("qty", id % 100).append("v", version);
    }

    private void write(int existing, Random random) {
        int next = existing + 1;
        while (running.get()) {
            int id = 1 + random.nextInt(next - 1);
            int version = writes.incrementAndGet();
            switch (random.nextInt(4)) {
                case 0 -> collection.insertOne(document(next++, version));
                case 1 -> collection.replaceOne(Filters.eq("_id", id), document(id, version).append("replaced", true));
                case 2 -> collection.updateOne(Filters.eq("_id", id), random.nextBoolean()
                        ? Updates.combine(Updates.set("v", version), Updates.set("note", "set " + version))
                        : Updates.combine(Updates.set("v", version), Updates.unset("name")));
                default -> collection.deleteOne(Filters.eq("_id", id));
            }
            // a steady load rather than a flood: the stand-in's oplog reader is far slower than a real server's
            LockSupport.parkNanos(pauseNanos);
        }
    }

    int writes() {
        return writes.get();
    }

    @Override
    public void close() throws Exception {
        running.set(false);
        done.get(60, TimeUnit.SECONDS);
    }
}

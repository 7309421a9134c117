package io.cameldblog.mongo;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import com.mongodb.CursorType;
import com.mongodb.MongoException;
import com.mongodb.MongoSecurityException;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoCursor;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Sorts;
import io.cameldblog.core.ChangeEvent;
import io.cameldblog.core.DbLogConfigurationException;
import io.cameldblog.core.PositionGoneException;
import io.cameldblog.core.StartPosition;
import io.cameldblog.core.TableFilter;
import io.cameldblog.core.consumer.ChangeEventSink;
import io.cameldblog.core.consumer.ChangeLogReader;
import org.bson.BsonTimestamp;
import org.bson.Document;
import org.bson.conversions.Bson;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows {@code local.oplog.rs} as a secondary does: a tailable, awaiting cursor from the position's timestamp,
 * and when the cursor dies (the oplog was empty, the server killed it, or the server does not keep tailable
 * cursors open) a new query from the last timestamp after {@code pollInterval}.
 */
final class OplogReader implements ChangeLogReader<MongoPosition> {

    private static final Logger LOG = LoggerFactory.getLogger(OplogReader.class);

    private final MongoOplogEndpoint endpoint;
    private final OplogEntryMapper mapper;
    private final CountDownLatch closed = new CountDownLatch(1);

    private MongoClient client;
    private MongoCollection<Document> oplog;
    private OplogPosition next;
    private volatile MongoCursor<Document> cursor;

    OplogReader(MongoOplogEndpoint endpoint) {
        this.endpoint = endpoint;
        this.mapper = new OplogEntryMapper(endpoint.getName());
    }

    @Override
    public void open(StartPosition<MongoPosition> start) throws Exception {
        client = endpoint.createClient();
        List<String> localCollections = new ArrayList<>();
        try {
            client.getDatabase("local").listCollectionNames().into(localCollections);
        } catch (MongoSecurityException e) {
            throw new DbLogConfigurationException("MongoDB refused the credentials of the connection string: "
                                                  + e.getMessage(),
                    "check the user and password in connectionString; the user needs read on the local database"
                                                                    + " (role clusterMonitor or read@local).",
                    e);
        }
        if (!localCollections.contains("oplog.rs")) {
            throw new DbLogConfigurationException("The MongoDB server has no oplog (local.oplog.rs): it is not a"
                                                  + " member of a replica set.",
                    "start mongod with --replSet <name> and run rs.initiate() (a single-member replica set is"
                                                                   + " enough), then connect to a member.");
        }
        oplog = client.getDatabase("local").getCollection("oplog.rs");
        next = resolve(start);
        LOG.info("{} reads the oplog from {}", endpoint.getEndpointBaseUri(), next);
    }

    private OplogPosition resolve(StartPosition<MongoPosition> start) {
        Document oldest = oplog.find().sort(Sorts.ascending("$natural")).limit(1).first();
        Document newest = oplog.find().sort(Sorts.descending("$natural")).limit(1).first();
        switch (start.kind()) {
            case LATEST:
                return newest == null ? new OplogPosition(0, 0, 0) : OplogEntryMapper.position(newest, OplogPosition.ALL_OPS);
            case EARLIEST:
                return oldest == null ? new OplogPosition(0, 0, 0) : OplogEntryMapper.position(oldest, 0);
            default:
                if (!(start.position() instanceof OplogPosition p)) {
                    throw new DbLogConfigurationException("The position " + start.position().text() + " of '"
                                                          + endpoint.getName() + "' is a change-stream resume token,"
                                                          + " but the endpoint reads the oplog.",
                            "use mode=changeStream for this stream, or remove its stored position to start the"
                                                                                        + " oplog from startPosition.");
                }
                if (oldest != null && Long.compareUnsigned(OplogEntryMapper.timestamp(oldest).getValue(), p.timestampValue()) > 0) {
                    throw new PositionGoneException(
                            (start.isRestored() ? "The stored position " : "startPosition ") + p.text() + " of '"
                                                          + endpoint.getName() + "' is older than the oldest oplog entry ("
                                                          + timestampText(OplogEntryMapper.timestamp(oldest))
                                                          + "): the changes in between are gone.",
                            "re-sync the target, then start from startPosition=latest after removing the stored"
                                                                                            + " position; give the oplog more room (replSetResizeOplog) to avoid it.");
                }
                return p;
        }
    }

    @Override
    public void stream(ChangeEventSink<MongoPosition> sink) throws Exception {
        Bson namespaces = namespaceFilter(endpoint.getTableFilter());
        IdleProgress<MongoPosition> idle = new IdleProgress<>(sink);
        // before anything is read: a snapshot waiting for this stream reads its first chunk from here
        sink.betweenTransactions(next);
        while (closed.getCount() > 0) {
            // read before the query: once the query has returned all it selects, nothing up to here is unread
            BsonTimestamp head = newestTimestamp();
            Bson query = Filters.gte("ts", new BsonTimestamp(next.timestampValue()));
            if (namespaces != null) {
                query = Filters.and(query, namespaces);
            }
            try (MongoCursor<Document> c = oplog.find(query).sort(Sorts.ascending("$natural"))
                    .cursorType(CursorType.TailableAwait).maxAwaitTime(1, TimeUnit.SECONDS).iterator()) {
                cursor = c;
                while (closed.getCount() > 0) {
                    Document entry = c.tryNext();
                    if (entry != null) {
                        handle(entry, sink, idle);
                        continue;
                    }
                    // an empty batch (fetched after head was read): every entry up to head that the query
                    // selects is handled, and the rest (other namespaces, no-ops) holds nothing to deliver
                    passedUpTo(head, idle);
                    idle.flush();
                    // the log's end the reader has passed: a snapshot chunk whose watermark is there is complete
                    sink.betweenTransactions(next);
                    if (c.getServerCursor() == null) {
                        break;
                    }
                    head = newestTimestamp();
                }
            } catch (MongoException | IllegalStateException e) {
                if (closed.getCount() == 0) {
                    return;
                }
                throw e;
            } finally {
                cursor = null;
            }
            // the cursor died: query again from the last timestamp, as a secondary does
            if (closed.await(endpoint.getPollInterval(), TimeUnit.MILLISECONDS)) {
                return;
            }
        }
    }

    private void handle(Document entry, ChangeEventSink<MongoPosition> sink, IdleProgress<MongoPosition> idle)
            throws Exception {
        BsonTimestamp ts = OplogEntryMapper.timestamp(entry);
        int skip = 0;
        if (ts.getValue() == next.timestampValue()) {
            skip = next.opsDone();
        } else if (Long.compareUnsigned(ts.getValue(), next.timestampValue()) < 0) {
            return;
        }
        List<Document> ops = OplogEntryMapper.operations(entry);
        boolean emitted = false;
        for (int i = skip; i < ops.size(); i++) {
            Document op = ops.get(i);
            String ns = op.getString("ns");
            ChangeEvent event = ns != null && endpoint.getTableFilter().matches(ns)
                    ? mapper.toEvent(entry, op, i) : null;
            next = OplogEntryMapper.position(entry, i + 1);
            if (event != null) {
                idle.emitted(next);
                sink.emit(event);
                emitted = true;
            }
        }
        if (!emitted && skip < ops.size()) {
            // entries of other namespaces and commands move the stored position too
            idle.passed(OplogEntryMapper.position(entry, ops.size()));
            idle.flush();
        }
        next = OplogEntryMapper.position(entry, OplogPosition.ALL_OPS);
        if (skip < ops.size()) {
            // after the entry's last operation: an applyOps transaction is one transaction for a snapshot too
            sink.betweenTransactions(next);
        }
    }

    /** The oplog reached {@code head} with nothing left to deliver before it: the position may move there. */
    private void passedUpTo(BsonTimestamp head, IdleProgress<MongoPosition> idle) {
        if (head != null && Long.compareUnsigned(head.getValue(), next.timestampValue()) > 0) {
            next = new OplogPosition(head.getTime(), head.getInc(), OplogPosition.ALL_OPS);
            idle.passed(next);
        }
    }

    /** The timestamp of the newest oplog entry (with the reader's read concern), or null for an empty oplog. */
    private BsonTimestamp newestTimestamp() {
        Document newest = oplog.find().sort(Sorts.descending("$natural")).limit(1)
                .projection(new Document("ts", 1)).first();
        return newest == null ? null : OplogEntryMapper.timestamp(newest);
    }

    /** The namespaces to read, pushed into the query; commands stay in (an applyOps may hold captured changes). */
    static Bson namespaceFilter(TableFilter filter) {
        if (filter.includes().isEmpty()) {
            return null;
        }
        StringBuilder regex = new StringBuilder("^(?:");
        for (int i = 0; i < filter.includes().size(); i++) {
            regex.append(i == 0 ? "" : "|").append(filter.includes().get(i).pattern());
        }
        regex.append(")$");
        return Filters.or(Filters.regex("ns", Pattern.compile(regex.toString())), Filters.eq("op", "c"));
    }


    private static String timestampText(BsonTimestamp ts) {
        return Integer.toUnsignedString(ts.getTime()) + ":" + Integer.toUnsignedString(ts.getInc());
    }

    @Override
    public void close() {
        closed.countDown();
        MongoCursor<Document> c = cursor;
        if (c != null) {
            try {
                c.close();
            } catch (RuntimeException e) {
                LOG.debug("Closing the oplog cursor failed", e);
            }
        }
        if (client != null) {
            client.close();
        }
    }
}

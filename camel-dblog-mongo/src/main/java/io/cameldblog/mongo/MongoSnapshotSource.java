package io.cameldblog.mongo;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import com.mongodb.ClientSessionOptions;
import com.mongodb.client.ClientSession;
import com.mongodb.client.FindIterable;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Projections;
import com.mongodb.client.model.Sorts;
import io.cameldblog.core.ChangeEvent;
import io.cameldblog.core.DbLogConfigurationException;
import io.cameldblog.core.snapshot.SnapshotChunk;
import io.cameldblog.core.snapshot.SnapshotSource;
import io.cameldblog.core.snapshot.SnapshotTable;
import org.bson.BsonDocument;
import org.bson.BsonTimestamp;
import org.bson.BsonValue;
import org.bson.Document;
import org.bson.conversions.Bson;
import org.bson.json.JsonParseException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Snapshots of collections in oplog mode: chunks in {@code _id} order ({@code find({_id: {$gt: last}})
 * .sort({_id: 1}).limit(n + 1)}, on a client of its own with the endpoint's read concern), and as watermark the
 * timestamp of the newest oplog entry of the collection (or command), read after the chunk. Every write the chunk
 * shows is committed, and its oplog entry is committed with it, so it is at or before that timestamp; every write the
 * chunk does not show is committed after the documents were read, so after the reader's position (whose entries were
 * committed, and read, before the chunk). Documents become {@code op = r} events through the insert path of
 * {@link OplogEntryMapper}.
 */
final class MongoSnapshotSource implements SnapshotSource<MongoPosition> {

    private static final Logger LOG = LoggerFactory.getLogger(MongoSnapshotSource.class);
    private static final Set<String> SYSTEM_DATABASES = Set.of("admin", "local", "config");

    private final MongoOplogEndpoint endpoint;
    private final OplogEntryMapper mapper;
    private final MongoClient client;
    private final MongoCollection<Document> oplog;
    /** Causally consistent: each chunk reads at or after the reader's position, whichever member answers. */
    private final ClientSession session;

    MongoSnapshotSource(MongoOplogEndpoint endpoint) {
        this.endpoint = endpoint;
        this.mapper = new OplogEntryMapper(endpoint.getName());
        this.client = endpoint.createClient();
        this.oplog = client.getDatabase("local").getCollection("oplog.rs");
        this.session = causalSession(client);
    }

    private static ClientSession causalSession(MongoClient client) {
        // a command first: the driver knows the servers' session support once it has selected one
        client.getDatabase("admin").runCommand(new Document("ping", 1));
        if (client.getClusterDescription().getLogicalSessionTimeoutMinutes() == null) {
            // servers before 3.6 have no sessions: reads then go to the member the read preference picks as is
            LOG.info("The MongoDB server offers no sessions: snapshot chunks are read without afterClusterTime");
            return null;
        }
        return client.startSession(ClientSessionOptions.builder().causallyConsistent(true).build());
    }

    @Override
    public List<SnapshotTable> tables(List<String> names, String where) {
        filter(where, names == null ? "every captured collection" : String.join(", ", names));
        List<SnapshotTable> tables = new ArrayList<>();
        if (names == null) {
            for (String db : client.listDatabaseNames()) {
                if (SYSTEM_DATABASES.contains(db)) {
                    continue;
                }
                for (Document c : client.getDatabase(db).listCollections()) {
                    String ns = db + "." + c.getString("name");
                    if (isPlainCollection(c) && endpoint.getTableFilter().matches(ns) && !endpoint.isSignalTable(ns)) {
                        tables.add(new SnapshotTable(ns, where, List.of("_id")));
                    }
                }
            }
            return tables;
        }
        for (String name : names) {
            tables.add(new SnapshotTable(checked(name), where, List.of("_id")));
        }
        return tables;
    }

    /** {@code name} if it is a captured collection that exists, else the error naming what to change. */
    private String checked(String name) {
        int dot = name.indexOf('.');
        if (dot <= 0 || dot == name.length() - 1) {
            throw new DbLogConfigurationException("Cannot take a snapshot of '" + name + "': not a db.collection"
                                                  + " name.", "name collections as db.collection, e.g. shop.orders.");
        }
        Document info = client.getDatabase(name.substring(0, dot))
                .listCollections().filter(Filters.eq("name", name.substring(dot + 1))).first();
        if (info == null) {
            throw new DbLogConfigurationException("Cannot take a snapshot of '" + name + "': no such collection.",
                    "name an existing collection as db.collection.");
        }
        if (!isPlainCollection(info)) {
            throw new DbLogConfigurationException("Cannot take a snapshot of '" + name + "': it is a "
                                                  + info.getString("type") + ", whose changes are not in the oplog"
                                                  + " under its name.",
                    "take a snapshot of the collection(s) it reads from instead.");
        }
        if (!endpoint.getTableFilter().matches(name)) {
            throw new DbLogConfigurationException("Cannot take a snapshot of '" + name + "': the endpoint does not"
                                                  + " capture it (includeNamespaces/excludeTables).",
                    "add it to includeNamespaces, or ask for a captured collection.");
        }
        return name;
    }

    /** Collections hold an {@code _id} index; views and time series collections have no {@code _id} order here. */
    private static boolean isPlainCollection(Document info) {
        String type = info.getString("type");
        return (type == null || "collection".equals(type)) && !info.getString("name").startsWith("system.");
    }

    @Override
    public SnapshotChunk<MongoPosition> readChunk(SnapshotTable table, List<Object> afterKey, int limit,
                                                  MongoPosition current) {
        MongoCollection<Document> collection = collection(table.name());
        Bson where = filter(table.where(), table.name());
        if (session != null && current instanceof OplogPosition p) {
            // afterClusterTime: the chunk shows at least every change the reader has delivered
            session.advanceOperationTime(new BsonTimestamp(p.timestampValue()));
        }
        List<Document> docs = new ArrayList<>(limit + 1);
        if (afterKey == null || afterKey.isEmpty()) {
            read(collection, where, null, limit + 1, docs);
        } else {
            BsonValue after = DocumentIdOrder.decode(afterKey.get(0));
            read(collection, where, DocumentIdOrder.sameBracketAfter(after), limit + 1, docs);
            if (docs.size() <= limit) {
                // the key's type bracket is done: the next brackets follow in the _id index's order
                BsonValue max = greatestId(collection);
                for (Bson bracket : max == null ? List.<Bson>of() : DocumentIdOrder.bracketsAfter(after, max)) {
                    read(collection, where, bracket, limit + 1 - docs.size(), docs);
                    if (docs.size() > limit) {
                        break;
                    }
                }
            }
        }
        // read after the documents: every write they show has its oplog entry at or before this one
        OplogPosition watermark = newestOplogPosition(table.name(), current);
        boolean last = docs.size() <= limit;
        List<Document> rows = last ? docs : docs.subList(0, limit);
        return new SnapshotChunk<>(events(table.name(), rows), keys(rows), last, watermark);
    }

    private void read(MongoCollection<Document> collection, Bson where, Bson range, int limit, List<Document> into) {
        Bson query = where == null ? range : range == null ? where : Filters.and(range, where);
        if (query == null) {
            query = new Document();
        }
        FindIterable<Document> find = session == null ? collection.find(query) : collection.find(session, query);
        find.sort(Sorts.ascending("_id")).limit(limit).batchSize(limit).into(into);
    }

    private BsonValue greatestId(MongoCollection<Document> collection) {
        MongoCollection<BsonDocument> ids = collection.withDocumentClass(BsonDocument.class);
        BsonDocument max = (session == null ? ids.find() : ids.find(session)).sort(Sorts.descending("_id"))
                .projection(Projections.include("_id")).limit(1).first();
        return max == null ? null : max.get("_id");
    }

    /**
     * The newest oplog entry that can hold a change of {@code ns}: its own entries and commands (an
     * {@code applyOps} transaction's entry is a command), or the reader's position if none is newer. Not simply the
     * newest entry: when the collection is quiet and others are busy, the reader (whose query selects the captured
     * namespaces) would only pass that one on its next empty batch, a second later, for every chunk. The scan runs
     * backwards from the oplog's end and stops at the reader's position.
     */
    private OplogPosition newestOplogPosition(String ns, MongoPosition current) {
        Bson relevant = Filters.or(Filters.eq("ns", ns), Filters.eq("op", "c"));
        if (current instanceof OplogPosition p) {
            relevant = Filters.or(relevant, Filters.lte("ts", new BsonTimestamp(p.timestampValue())));
        }
        Document newest = (session == null ? oplog.find(relevant) : oplog.find(session, relevant))
                .sort(Sorts.descending("$natural")).limit(1).projection(Projections.include("ts")).first();
        if (newest == null) {
            return new OplogPosition(0, 0, OplogPosition.ALL_OPS);
        }
        BsonTimestamp ts = OplogEntryMapper.timestamp(newest);
        return new OplogPosition(ts.getTime(), ts.getInc(), OplogPosition.ALL_OPS);
    }

    @Override
    public boolean reached(MongoPosition current, MongoPosition watermark) {
        return current instanceof OplogPosition c && watermark instanceof OplogPosition w && c.compareTo(w) >= 0;
    }

    @Override
    public boolean isPartial(ChangeEvent event) {
        return OplogEntryMapper.isPatch(event);
    }

    @Override
    public List<ChangeEvent> readAgain(SnapshotTable table, List<List<Object>> keys) {
        List<BsonValue> ids = new ArrayList<>(keys.size());
        for (List<Object> key : keys) {
            ids.add(DocumentIdOrder.decode(key.get(0)));
        }
        List<Document> docs = new ArrayList<>();
        // without the where filter: the consumer has the patch of each, and needs the whole document under it
        MongoCollection<Document> collection = collection(table.name());
        Bson query = Filters.in("_id", ids);
        (session == null ? collection.find(query) : collection.find(session, query)).sort(Sorts.ascending("_id"))
                .into(docs);
        return events(table.name(), docs);
    }

    private List<ChangeEvent> events(String ns, List<Document> docs) {
        int dot = ns.indexOf('.');
        String db = ns.substring(0, dot);
        String collection = ns.substring(dot + 1);
        List<ChangeEvent> events = new ArrayList<>(docs.size());
        for (Document d : docs) {
            events.add(mapper.toReadEvent(db, collection, d));
        }
        return events;
    }

    private static List<List<Object>> keys(List<Document> docs) {
        List<List<Object>> keys = new ArrayList<>(docs.size());
        for (Document d : docs) {
            keys.add(List.of(DocumentIdOrder.encode(d.get("_id"))));
        }
        return keys;
    }

    private MongoCollection<Document> collection(String ns) {
        int dot = ns.indexOf('.');
        MongoDatabase db = client.getDatabase(ns.substring(0, dot));
        return db.getCollection(ns.substring(dot + 1));
    }

    /** The where condition of a snapshot request: a JSON filter document for MongoDB. */
    private static Bson filter(String where, String what) {
        if (where == null || where.isBlank()) {
            return null;
        }
        try {
            return BsonDocument.parse(where);
        } catch (JsonParseException | org.bson.BsonInvalidOperationException e) {
            throw new DbLogConfigurationException("The snapshot condition of " + what + " is not a MongoDB filter"
                                                  + " document: " + where,
                    "give a JSON query document, e.g. {\"status\": \"open\"}.", e);
        }
    }

    @Override
    public void close() {
        if (session != null) {
            session.close();
        }
        client.close();
    }
}

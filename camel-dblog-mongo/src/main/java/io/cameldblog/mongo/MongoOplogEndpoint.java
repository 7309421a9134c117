package io.cameldblog.mongo;

import com.mongodb.ConnectionString;
import com.mongodb.MongoClientSettings;
import com.mongodb.ReadConcern;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.model.changestream.FullDocument;
import com.mongodb.client.model.changestream.FullDocumentBeforeChange;
import io.cameldblog.core.DbLogConfigurationException;
import io.cameldblog.core.DbLogConstants;
import io.cameldblog.core.PositionCodec;
import io.cameldblog.core.SourceInfo;
import io.cameldblog.core.TableFilter;
import io.cameldblog.core.snapshot.SnapshotMode;
import io.cameldblog.core.snapshot.SnapshotSource;
import io.cameldblog.core.consumer.ChangeLogReader;
import io.cameldblog.core.consumer.DbLogEndpoint;
import org.apache.camel.Category;
import org.apache.camel.spi.Metadata;
import org.apache.camel.spi.UriEndpoint;
import org.apache.camel.spi.UriParam;

/**
 * Streams document changes from a MongoDB replica set: by tailing its oplog ({@code local.oplog.rs}, the default)
 * or through a change stream. Needs a replica set member (a single-member set is enough) and a user that may read
 * the {@code local} database (oplog) or watch the target (change stream).
 */
@UriEndpoint(firstVersion = "0.1.0", scheme = "mongooplog", title = "MongoDB Oplog",
             syntax = "mongooplog:name", consumerOnly = true, remote = true,
             category = { Category.DATABASE }, headersClass = DbLogConstants.class)
public class MongoOplogEndpoint extends DbLogEndpoint<MongoPosition> {

    @UriParam(label = "common", description = "MongoDB connection string of the replica set, e.g."
                                              + " mongodb://user:password@host1,host2/?replicaSet=rs0")
    @Metadata(required = true, secret = true)
    private String connectionString;

    @UriParam(label = "common", defaultValue = "oplog", enums = "oplog,changeStream",
              description = "How changes are read: oplog (tail local.oplog.rs as a secondary does) or changeStream"
                            + " (watch() on the collection, database or deployment; positions are resume tokens)")
    private String mode = "oplog";

    @UriParam(label = "consumer", description = "Database to watch in changeStream mode (none: the whole"
                                                    + " deployment)")
    private String database;

    @UriParam(label = "consumer", description = "Collection to watch in changeStream mode (needs database)")
    private String collection;

    @UriParam(label = "consumer", defaultValue = "updateLookup", enums = "default,updateLookup,whenAvailable,required",
              description = "changeStream mode: the full document of updates (updateLookup: as it is when read;"
                            + " default: only the changed fields, as a patch)")
    private String fullDocument = "updateLookup";

    @UriParam(label = "consumer", defaultValue = "off", enums = "off,whenAvailable,required",
              description = "changeStream mode: the pre-image of updates and deletes as before (MongoDB 6+, the"
                            + " collection needs changeStreamPreAndPostImages); off: deletes carry only the key")
    private String fullDocumentBeforeChange = "off";

    @UriParam(label = "consumer", description = "Alias of includeTables for MongoDB: comma-separated regular"
                                              + " expressions matched against db.collection; pushed into the oplog"
                                              + " query")
    private String includeNamespaces;

    @UriParam(label = "common", defaultValue = "true",
              description = "Read with read concern majority: only changes a majority of the replica set has, which"
                            + " a failover cannot roll back (off: read concern of the connection string)")
    private boolean majorityReadConcern = true;

    @UriParam(label = "advanced", defaultValue = "500", javaType = "java.time.Duration",
              description = "Wait before querying the oplog again when the tailable cursor ended")
    private long pollInterval = 500;

    /** The table filters without the signal collection (change-stream mode takes no signals). */
    private volatile TableFilter changeStreamFilter;

    public MongoOplogEndpoint(String uri, MongoOplogComponent component) {
        super(uri, component);
    }


    @Override
    public String connectorName() {
        return "mongodb";
    }

    @Override
    public PositionCodec<MongoPosition> positionCodec() {
        return new MongoPositionCodec(isChangeStream());
    }

    private boolean isChangeStream() {
        return "changeStream".equals(mode);
    }

    @Override
    public String positionExample() {
        return "1732440000:1";
    }

    @Override
    public ChangeLogReader<MongoPosition> createReader() {
        return isChangeStream() ? new ChangeStreamReader(this) : new OplogReader(this);
    }

    /**
     * Snapshots read collections in {@code _id} chunks with the newest oplog entry as watermark, so they need the
     * oplog mode; {@link #doInit} refuses {@code snapshotMode} with {@code mode=changeStream}.
     */
    @Override
    public SnapshotSource<MongoPosition> createSnapshotSource() {
        if (isChangeStream()) {
            throw changeStreamSnapshots();
        }
        return new MongoSnapshotSource(this);
    }

    private DbLogConfigurationException changeStreamSnapshots() {
        return new DbLogConfigurationException("mongooplog:" + getName() + " cannot take snapshots in"
                                               + " mode=changeStream (only the oplog mode can).",
                "use mode=oplog (the default) with snapshotMode, or remove snapshotMode.");
    }

    /**
     * In change-stream mode a document of the signal collection is an ordinary change (routed only if the table
     * filters capture it): snapshots cannot be taken there, and a request no reader takes up would ride along with
     * every stored position.
     */
    @Override
    public boolean isSignalTable(SourceInfo source) {
        return !isChangeStream() && super.isSignalTable(source);
    }

    @Override
    public TableFilter getTableFilter() {
        if (!isChangeStream()) {
            return super.getTableFilter();
        }
        TableFilter f = changeStreamFilter;
        if (f == null) {
            f = TableFilter.of(getIncludeTables(), getExcludeTables());
            changeStreamFilter = f;
        }
        return f;
    }

    /** A client for one connection attempt, with majority read concern unless switched off. */
    MongoClient createClient() {
        MongoClientSettings.Builder settings = MongoClientSettings.builder()
                .applyConnectionString(new ConnectionString(connectionString));
        if (majorityReadConcern) {
            settings.readConcern(ReadConcern.MAJORITY);
        }
        return MongoClients.create(settings.build());
    }

    @Override
    protected void doInit() throws Exception {
        super.doInit();
        if (connectionString == null || connectionString.isBlank()) {
            throw new DbLogConfigurationException("mongooplog:" + getName() + " has no connectionString.",
                    "set connectionString to the replica set, e.g. mongodb://host1,host2/?replicaSet=rs0.");
        }
        if (!"oplog".equals(mode) && !"changeStream".equals(mode)) {
            throw new DbLogConfigurationException("Option mode=" + mode + " is not a mode of mongooplog.",
                    "use mode=oplog (the default) or mode=changeStream.");
        }
        try {
            FullDocument.fromString(fullDocument);
        } catch (IllegalArgumentException e) {
            throw new DbLogConfigurationException("Option fullDocument=" + fullDocument + " is not a full-document"
                                                  + " mode of change streams.",
                    "use fullDocument=updateLookup (the default), default, whenAvailable or required.", e);
        }
        try {
            FullDocumentBeforeChange.fromString(fullDocumentBeforeChange);
        } catch (IllegalArgumentException e) {
            throw new DbLogConfigurationException("Option fullDocumentBeforeChange=" + fullDocumentBeforeChange
                                                  + " is not a pre-image mode of change streams.",
                    "use fullDocumentBeforeChange=off (the default), whenAvailable or required.", e);
        }
        if (isChangeStream() && snapshotModeValue() != SnapshotMode.NEVER) {
            throw changeStreamSnapshots();
        }
        if (collection != null && database == null) {
            throw new DbLogConfigurationException("Option collection=" + collection + " needs a database.",
                    "add database=<name> to watch that collection.");
        }
    }

    public String getConnectionString() {
        return connectionString;
    }

    public void setConnectionString(String connectionString) {
        this.connectionString = connectionString;
    }

    public String getMode() {
        return mode;
    }

    public void setMode(String mode) {
        this.mode = mode;
    }

    public String getDatabase() {
        return database;
    }

    public void setDatabase(String database) {
        this.database = database;
    }

    public String getCollection() {
        return collection;
    }

    public void setCollection(String collection) {
        this.collection = collection;
    }

    public String getFullDocument() {
        return fullDocument;
    }

    public void setFullDocument(String fullDocument) {
        this.fullDocument = fullDocument;
    }

    public String getFullDocumentBeforeChange() {
        return fullDocumentBeforeChange;
    }

    public void setFullDocumentBeforeChange(String fullDocumentBeforeChange) {
        this.fullDocumentBeforeChange = fullDocumentBeforeChange;
    }

    public String getIncludeNamespaces() {
        return includeNamespaces;
    }

    public void setIncludeNamespaces(String includeNamespaces) {
        this.includeNamespaces = includeNamespaces;
        this.changeStreamFilter = null;
        setIncludeTables(includeNamespaces);
    }

    public boolean isMajorityReadConcern() {
        return majorityReadConcern;
    }

    public void setMajorityReadConcern(boolean majorityReadConcern) {
        this.majorityReadConcern = majorityReadConcern;
    }

    public long getPollInterval() {
        return pollInterval;
    }

    public void setPollInterval(long pollInterval) {
        this.pollInterval = pollInterval;
    }
}

package io.cameldblog.mongo;

import io.cameldblog.core.DbLogConfigurationException;
import io.cameldblog.core.DbLogConstants;
import io.cameldblog.core.PositionCodec;
import io.cameldblog.core.consumer.ChangeLogReader;
import io.cameldblog.core.consumer.DbLogConsumer;
import io.cameldblog.core.consumer.DbLogEndpoint;
import org.apache.camel.Category;
import org.apache.camel.Consumer;
import org.apache.camel.Processor;
import org.apache.camel.spi.Metadata;
import org.apache.camel.spi.UriEndpoint;
import org.apache.camel.spi.UriParam;

/**
 * Streams document changes from a MongoDB replica set's oplog ({@code local.oplog.rs}). Needs a replica set
 * member (a single-member set is enough) and a user that may read the {@code local} database.
 */
@UriEndpoint(firstVersion = "0.1.0", scheme = "mongooplog", title = "MongoDB Oplog",
             syntax = "mongooplog:name", consumerOnly = true, remote = true,
             category = { Category.DATABASE }, headersClass = DbLogConstants.class)
public class MongoOplogEndpoint extends DbLogEndpoint<OplogPosition> {

    @UriParam(label = "common", description = "MongoDB connection string of the replica set, e.g."
                                              + " mongodb://user:password@host1,host2/?replicaSet=rs0")
    @Metadata(required = true, secret = true)
    private String connectionString;

    @UriParam(label = "common", defaultValue = "oplog", enums = "oplog",
              description = "How changes are read: oplog (tail local.oplog.rs as a secondary does). Change streams"
                            + " (changeStream) are planned, not available yet")
    private String mode = "oplog";

    @UriParam(label = "filter", description = "Alias of includeTables for MongoDB: comma-separated regular"
                                              + " expressions matched against db.collection; pushed into the oplog"
                                              + " query")
    private String includeNamespaces;

    @UriParam(label = "advanced", defaultValue = "500", javaType = "java.time.Duration",
              description = "Wait before querying the oplog again when the tailable cursor ended")
    private long pollInterval = 500;

    public MongoOplogEndpoint(String uri, MongoOplogComponent component) {
        super(uri, component);
    }

    @Override
    public Consumer createConsumer(Processor processor) throws Exception {
        DbLogConsumer<OplogPosition> consumer = new DbLogConsumer<>(this, processor);
        configureConsumer(consumer);
        return consumer;
    }

    @Override
    public String connectorName() {
        return "mongodb";
    }

    @Override
    public PositionCodec<OplogPosition> positionCodec() {
        return OplogPositionCodec.INSTANCE;
    }

    @Override
    public String positionExample() {
        return "1732440000:1";
    }

    @Override
    public ChangeLogReader<OplogPosition> createReader() {
        return new OplogReader(this);
    }

    @Override
    protected void doInit() throws Exception {
        super.doInit();
        if (connectionString == null || connectionString.isBlank()) {
            throw new DbLogConfigurationException("mongooplog:" + getName() + " has no connectionString.",
                    "set connectionString to the replica set, e.g. mongodb://host1,host2/?replicaSet=rs0.");
        }
        if (!"oplog".equals(mode)) {
            throw new DbLogConfigurationException("Option mode=" + mode + " is not available.",
                    "use mode=oplog (the default); change streams are not implemented in this version.");
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

    public String getIncludeNamespaces() {
        return includeNamespaces;
    }

    public void setIncludeNamespaces(String includeNamespaces) {
        this.includeNamespaces = includeNamespaces;
        setIncludeTables(includeNamespaces);
    }

    public long getPollInterval() {
        return pollInterval;
    }

    public void setPollInterval(long pollInterval) {
        this.pollInterval = pollInterval;
    }
}

package io.cameldblog.core.consumer;

import java.util.regex.Pattern;

import io.cameldblog.core.DbLogConfigurationException;
import io.cameldblog.core.LogPosition;
import io.cameldblog.core.PositionCodec;
import io.cameldblog.core.SourceInfo;
import io.cameldblog.core.StartPosition;
import io.cameldblog.core.TableFilter;
import io.cameldblog.core.snapshot.SnapshotMode;
import io.cameldblog.core.snapshot.SnapshotSource;
import io.cameldblog.core.snapshot.Snapshotter;
import org.apache.camel.Category;
import org.apache.camel.Component;
import org.apache.camel.Consumer;
import org.apache.camel.Processor;
import org.apache.camel.Producer;
import org.apache.camel.spi.Metadata;
import org.apache.camel.spi.UriParam;
import org.apache.camel.spi.UriPath;
import org.apache.camel.support.DefaultEndpoint;

/**
 * The options every camel-dblog endpoint has. Source endpoints add their connection options and name their
 * position type.
 */
public abstract class DbLogEndpoint<P extends LogPosition> extends DefaultEndpoint {

    @UriPath(label = "common", description = "Logical name of this change stream: the source.name field of every event and the key"
                           + " its position is stored under by the resume strategy")
    @Metadata(required = true)
    private String name;

    @UriParam(label = "consumer",
              description = "Comma-separated regular expressions matched against db.table (schema.table for"
                            + " PostgreSQL, db.collection for MongoDB); only matching tables are captured")
    private String includeTables;

    @UriParam(label = "consumer",
              description = "Comma-separated regular expressions matched against db.table (schema.table for"
                            + " PostgreSQL, db.collection for MongoDB); matching tables are not captured")
    private String excludeTables;

    @UriParam(label = "consumer", defaultValue = "latest",
              description = "Where to start when the resume strategy has no stored position: latest (the current"
                            + " end of the log), earliest (the oldest entry still available) or an explicit position"
                            + " in the source's text form")
    private String startPosition = "latest";

    @UriParam(label = "advanced", defaultValue = "1000", javaType = "java.time.Duration",
              description = "First delay before reconnecting after a lost connection; doubles up to"
                            + " maxReconnectDelay")
    private long reconnectDelay = 1000;

    @UriParam(label = "advanced", defaultValue = "30000", javaType = "java.time.Duration",
              description = "Longest delay between reconnect attempts")
    private long maxReconnectDelay = 30000;

    @UriParam(label = "consumer", defaultValue = "never",
              enums = "never,initial,initial_only,when_needed",
              description = "Whether the rows that already exist are delivered (as op=r) before and while the log"
                            + " streams: never; initial (when no position is stored); initial_only (the same, then"
                            + " stop); when_needed (also when the stored position is gone from the server's log)."
                            + " Snapshots read in primary-key chunks without locks (DBLog watermarks)")
    private String snapshotMode = "never";

    @UriParam(label = "consumer", defaultValue = "1024",
              description = "Rows a snapshot reads per query (per chunk)")
    private int snapshotChunkSize = 1024;

    @UriParam(label = "consumer",
              description = "Comma-separated regular expressions (as includeTables) narrowing the tables an initial"
                            + " snapshot reads; default: every captured table")
    private String snapshotTables;

    @UriParam(label = "consumer", defaultValue = "dblog_signal",
              description = "The signal table (collection for MongoDB): a row inserted with type execute-snapshot"
                            + " starts a snapshot while streaming. A bare name means that table in any database or"
                            + " schema, db.table just that one. Its rows are never routed")
    private String signalTable = "dblog_signal";

    private volatile TableFilter tableFilter;
    private volatile TableFilter snapshotTableFilter;
    /** The names of {@link #signalTable}, the same ones {@link #getTableFilter()} lets through; null when none. */
    private volatile Pattern signalPattern = TableFilter.tablePattern(signalTable);

    protected DbLogEndpoint(String uri, Component component) {
        super(uri, component);
    }

    /** {@code mysql}, {@code postgres} or {@code mongodb}: the envelope's {@code source.connector}. */
    public abstract String connectorName();

    public abstract PositionCodec<P> positionCodec();

    /** An example of the position text form, quoted in error messages. */
    public abstract String positionExample();

    /** A new reader for one connection attempt, configured from this endpoint's options. */
    public abstract ChangeLogReader<P> createReader();

    /**
     * A connection that reads table rows for snapshots. Sources that cannot take snapshots keep this default, which
     * refuses with the cause and the fix.
     */
    public SnapshotSource<P> createSnapshotSource() {
        throw new DbLogConfigurationException(connectorName() + " endpoints cannot take snapshots yet.",
                "remove snapshotMode (or set it to never) and do not insert snapshot signals for this endpoint.");
    }

    /** The generic consumer; sources that need more on stop (e.g. dropping a slot) override it. */
    @Override
    public Consumer createConsumer(Processor processor) throws Exception {
        DbLogConsumer<P> consumer = new DbLogConsumer<>(this, processor);
        configureConsumer(consumer);
        return consumer;
    }

    @Override
    public Producer createProducer() {
        throw new UnsupportedOperationException(
                getEndpointBaseUri() + " only reads a change log; it cannot be used in to(): use it in from().");
    }

    @Override
    public boolean isRemote() {
        return true;
    }

    public TableFilter getTableFilter() {
        TableFilter f = tableFilter;
        if (f == null) {
            f = TableFilter.of(includeTables, excludeTables).alsoPassing(signalPattern);
            tableFilter = f;
        }
        return f;
    }

    /** Whether an initial snapshot reads {@code table} (a name as the table filters see it). */
    public boolean isSnapshotTable(String table) {
        return snapshotTableFilter().matches(table) && !isSignalTable(table);
    }

    private TableFilter snapshotTableFilter() {
        TableFilter f = snapshotTableFilter;
        if (f == null) {
            f = TableFilter.of(snapshotTables, null);
            snapshotTableFilter = f;
        }
        return f;
    }

    /** Whether an event comes from the signal table; cheap enough for every row. */
    public boolean isSignalTable(SourceInfo source) {
        String s = signalTable;
        if (s == null || source.table() == null || !s.endsWith(source.table())) {
            return false;
        }
        return isSignalTable(Snapshotter.filterName(source));
    }

    /** Whether {@code table} (as the table filters see it: db.table, schema.table) is the signal table. */
    public boolean isSignalTable(String table) {
        Pattern p = signalPattern;
        return p != null && table != null && p.matcher(table).matches();
    }

    public SnapshotMode snapshotModeValue() {
        return SnapshotMode.parse(snapshotMode);
    }

    /** The {@code startPosition} option, parsed. */
    public StartPosition<P> configuredStartPosition() {
        return StartPosition.parse(startPosition, positionCodec(), positionExample());
    }

    /**
     * What a restart does when the route stores no positions (no {@code resumable()}), completing "after a
     * restart it ...": logged as a warning at start, so that nobody learns it from a gap in the target. Sources
     * whose server keeps a position of its own (PostgreSQL's slot) say so here.
     */
    public String restartWithoutStoredPosition() {
        return switch (configuredStartPosition().kind()) {
            case LATEST -> "starts again at the end of the log (startPosition=latest): changes made while it was"
                           + " stopped are never delivered";
            case EARLIEST -> "starts again from the oldest entry still in the log (startPosition=earliest):"
                             + " everything still there is delivered again";
            default -> "starts again from startPosition=" + startPosition + ": everything after it is delivered"
                       + " again";
        };
    }

    @Override
    protected void doInit() throws Exception {
        super.doInit();
        // fail the route at build time on bad options rather than on the first event
        getTableFilter();
        configuredStartPosition();
        snapshotModeValue();
        snapshotTableFilter();
        if (snapshotChunkSize < 1) {
            throw new DbLogConfigurationException("Option snapshotChunkSize=" + snapshotChunkSize + " is not a row count.",
                    "use a positive number of rows per chunk (default 1024).");
        }
    }

    public String getName() {
        return name;
    }

    public void setName(String name) {
        this.name = name;
    }

    public String getIncludeTables() {
        return includeTables;
    }

    public void setIncludeTables(String includeTables) {
        this.includeTables = includeTables;
        this.tableFilter = null;
    }

    public String getExcludeTables() {
        return excludeTables;
    }

    public void setExcludeTables(String excludeTables) {
        this.excludeTables = excludeTables;
        this.tableFilter = null;
    }

    public String getStartPosition() {
        return startPosition;
    }

    public void setStartPosition(String startPosition) {
        this.startPosition = startPosition;
    }

    public String getSnapshotMode() {
        return snapshotMode;
    }

    public void setSnapshotMode(String snapshotMode) {
        this.snapshotMode = snapshotMode;
    }

    public int getSnapshotChunkSize() {
        return snapshotChunkSize;
    }

    public void setSnapshotChunkSize(int snapshotChunkSize) {
        this.snapshotChunkSize = snapshotChunkSize;
    }

    public String getSnapshotTables() {
        return snapshotTables;
    }

    public void setSnapshotTables(String snapshotTables) {
        this.snapshotTables = snapshotTables;
        this.snapshotTableFilter = null;
    }

    public String getSignalTable() {
        return signalTable;
    }

    public void setSignalTable(String signalTable) {
        this.signalTable = signalTable;
        this.signalPattern = TableFilter.tablePattern(signalTable);
        this.tableFilter = null;
    }

    public long getReconnectDelay() {
        return reconnectDelay;
    }

    public void setReconnectDelay(long reconnectDelay) {
        this.reconnectDelay = reconnectDelay;
    }

    public long getMaxReconnectDelay() {
        return maxReconnectDelay;
    }

    public void setMaxReconnectDelay(long maxReconnectDelay) {
        this.maxReconnectDelay = maxReconnectDelay;
    }
}

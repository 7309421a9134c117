package io.cameldblog.postgres;

import java.util.List;

import io.cameldblog.core.DbLogConfigurationException;
import io.cameldblog.core.PositionCodec;
import io.cameldblog.core.SourceInfo;
import io.cameldblog.core.consumer.ChangeLogReader;
import io.cameldblog.core.consumer.DbLogEndpoint;
import io.cameldblog.core.snapshot.SnapshotSource;
import org.apache.camel.Category;
import org.apache.camel.Consumer;
import org.apache.camel.Processor;
import org.apache.camel.spi.Metadata;
import org.apache.camel.spi.UriEndpoint;
import org.apache.camel.spi.UriParam;

/**
 * Streams row changes from a PostgreSQL logical replication slot. The slot's confirmed flush LSN only moves to
 * positions the route's resume strategy has stored, so the server keeps every change not yet processed.
 */
@UriEndpoint(firstVersion = "0.1.0", scheme = "pgwal", title = "PostgreSQL WAL", syntax = "pgwal:name",
             consumerOnly = true, remote = true, category = { Category.DATABASE }, headersClass = io.cameldblog.core.DbLogConstants.class)
public class PgWalEndpoint extends DbLogEndpoint<PgPosition> {

    @UriParam(label = "common", description = "Host name of the PostgreSQL server")
    @Metadata(required = true)
    private String host;

    @UriParam(label = "common", defaultValue = "5432", description = "Port of the PostgreSQL server")
    private int port = 5432;

    @UriParam(label = "common", description = "The database whose changes are captured (a logical slot belongs to one database)")
    @Metadata(required = true)
    private String database;

    @UriParam(label = "security", secret = true,
              description = "User name; needs the REPLICATION attribute (or superuser), SELECT on the tables a"
                            + " snapshot reads and, to create the publication, ownership of the captured tables")
    @Metadata(required = true)
    private String username;

    @UriParam(label = "security", secret = true, description = "Password of the user")
    @Metadata(required = true)
    private String password;

    @UriParam(label = "consumer", description = "Name of the logical replication slot that holds this stream's place on the server. When"
                            + " it exists and no position is stored, streaming continues from it (startPosition"
                            + " applies only when the slot is created)")
    @Metadata(required = true)
    private String slot;

    @UriParam(label = "consumer", defaultValue = "pgoutput", enums = "pgoutput,wal2json,test_decoding",
              description = "Logical decoding output plugin: pgoutput (built in, binary, uses a publication),"
                            + " wal2json (format version 2; the extension must be installed on the server) or"
                            + " test_decoding (built in, text)")
    private String plugin = "pgoutput";

    @UriParam(label = "consumer", description = "Publication pgoutput reads (default: the slot name). Created when missing and"
                            + " createPublication=true: for the tables matching includeTables, or all tables, with"
                            + " publish_via_partition_root; tables that match later are added to it")
    private String publication;

    @UriParam(label = "consumer", defaultValue = "true", description = "Create the replication slot when it does not exist")
    private boolean createSlot = true;

    @UriParam(label = "consumer", defaultValue = "true", description = "Create the publication when it does not exist (pgoutput)")
    private boolean createPublication = true;

    @UriParam(label = "advanced", defaultValue = "false",
              description = "Drop the replication slot when the consumer stops. The server then no longer keeps WAL"
                            + " for it: a later start begins at the then current end of the log")
    private boolean dropSlotOnStop;

    @UriParam(label = "advanced", defaultValue = "10000", javaType = "java.time.Duration",
              description = "How often the consumer reports its stored position to the server (keepalive)")
    private long statusInterval = 10_000;

    @UriParam(label = "advanced", defaultValue = "10000", javaType = "java.time.Duration",
              description = "While no captured table changes, move the stored position and the slot to what the"
                            + " server has decoded this often, so WAL written for other tables or databases is"
                            + " released. 0 turns it off")
    private long heartbeatInterval = 10_000;

    @UriParam(label = "advanced", defaultValue = "5000", javaType = "java.time.Duration",
              description = "pgoutput with createPublication=true: how often to look for tables that match"
                            + " includeTables/excludeTables but are not in the publication (created after the start);"
                            + " each is added, and the rows it already holds are delivered as op=r. 0 turns it off")
    private long newTableCheckInterval = 5_000;

    @UriParam(label = "advanced", defaultValue = "false",
              description = "Ask pgoutput for logical decoding messages (pg_logical_emit_message); they are logged"
                            + " at debug level and not routed")
    private boolean messages;

    @UriParam(label = "security", defaultValue = "false",
              description = "Require TLS with full verification (sslMode=verify-full) on the replication and catalogue"
                            + " connections")
    private boolean ssl;

    @UriParam(label = "security", enums = "disable,prefer,require,verify-ca,verify-full",
              description = "TLS on every connection, as libpq names it: disable, prefer (TLS when the server offers"
                            + " it, unverified), require (encrypted, server not verified), verify-ca (certificate"
                            + " signed by sslRootCert) or verify-full (and issued for the host name). Default:"
                            + " verify-full when ssl=true, else prefer")
    private String sslMode;

    @UriParam(label = "security",
              description = "PEM file of the CA certificates that sign the server's certificate (libpq's"
                            + " sslrootcert). Default: ~/.postgresql/root.crt")
    private String sslRootCert;

    @UriParam(label = "security", description = "Client certificate (PEM) for servers that require cert"
                                                + " authentication (libpq's sslcert)")
    private String sslCert;

    @UriParam(label = "security", description = "Client key for sslCert: PKCS#8 DER (.pk8) or PKCS#12 (.p12)"
                                                + " (libpq's sslkey)")
    private String sslKey;

    @UriParam(label = "security", secret = true, description = "Password of sslKey, if it has one")
    private String sslPassword;

    /** Shared by the reader (which records them) and snapshot chunks (which must not miss one). */
    private final DeliveredTransactions deliveredTransactions = new DeliveredTransactions();
    private volatile Runnable replicationKeepalive;

    public PgWalEndpoint(String uri, PgWalComponent component) {
        super(uri, component);
    }

    @Override
    public String connectorName() {
        return "postgres";
    }

    @Override
    public PositionCodec<PgPosition> positionCodec() {
        return PgPositionCodec.INSTANCE;
    }

    @Override
    public String positionExample() {
        return "0/16B3748";
    }

    @Override
    public ChangeLogReader<PgPosition> createReader() {
        return new PgWalReader(this);
    }

    DeliveredTransactions deliveredTransactions() {
        return deliveredTransactions;
    }

    /** The streaming reader's status sender, for snapshot chunks read on its thread (null while none streams). */
    void replicationKeepalive(Runnable keepalive) {
        this.replicationKeepalive = keepalive;
    }

    /** Sends the streaming reader's status to the server if statusInterval has passed; on the reader's thread. */
    void keepReplicationAlive() {
        Runnable r = replicationKeepalive;
        if (r != null) {
            r.run();
        }
    }

    /** Reads the captured tables for snapshots ({@code snapshotMode}, signal rows) on a connection of its own. */
    @Override
    public SnapshotSource<PgPosition> createSnapshotSource() {
        return new PgSnapshotSource(this);
    }

    @Override
    public Consumer createConsumer(Processor processor) throws Exception {
        PgWalConsumer consumer = new PgWalConsumer(this, processor);
        configureConsumer(consumer);
        return consumer;
    }

    @Override
    protected void doInit() throws Exception {
        super.doInit();
        require("host", host);
        require("database", database);
        require("username", username);
        require("slot", slot);
        if (!slot.matches("[a-z0-9_]{1,63}")) {
            throw new DbLogConfigurationException("Option slot='" + slot + "' is not a valid replication slot name.",
                    "use lower-case letters, digits and underscores only (at most 63), e.g. slot=billing_dblog.");
        }
        if (!List.of("pgoutput", "wal2json", "test_decoding").contains(plugin)) {
            // the reader decodes these only: another plugin's output would be misread
            throw new DbLogConfigurationException("Option plugin='" + plugin + "' is not a supported output plugin.",
                    "use plugin=pgoutput (the default; built into PostgreSQL 10+), wal2json or test_decoding.");
        }
        effectiveSslMode();
        if (statusInterval <= 0) {
            throw new DbLogConfigurationException("Option statusInterval must be positive, got " + statusInterval
                                                  + " ms.",
                    "set statusInterval to a duration below the server's wal_sender_timeout, e.g. 10s.");
        }
    }

    private void require(String option, String value) {
        if (value == null || value.isBlank()) {
            throw new DbLogConfigurationException("Option " + option + " is missing on " + getEndpointBaseUri() + ".",
                    "add " + option + "=... to the pgwal: URI.");
        }
    }

    /** The publication pgoutput reads: the option, or the slot's name. */
    public String effectivePublication() {
        return publication == null || publication.isBlank() ? slot : publication;
    }

    @Override
    public String restartWithoutStoredPosition() {
        return dropSlotOnStop
                ? "creates the slot again at startPosition (dropSlotOnStop=true): changes made while it was stopped"
                  + " are never delivered"
                : "continues from the slot's confirmed position, which only moves when the route runs: changes made"
                  + " while it was stopped arrive, and the last confirmed transaction may arrive again";
    }

    /** The TLS mode every connection uses: the option, else verify-full with ssl=true, else pgjdbc's prefer. */
    public String effectiveSslMode() {
        if (sslMode == null || sslMode.isBlank()) {
            return ssl ? "verify-full" : "prefer";
        }
        String mode = sslMode.trim().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
        if (!List.of("disable", "prefer", "require", "verify-ca", "verify-full").contains(mode)) {
            throw new DbLogConfigurationException("Option sslMode=" + sslMode + " is not a TLS mode.",
                    "use one of disable, prefer, require, verify-ca, verify-full.");
        }
        return mode;
    }

    public boolean isSsl() {
        return ssl;
    }

    public void setSsl(boolean ssl) {
        this.ssl = ssl;
    }

    public String getSslMode() {
        return sslMode;
    }

    public void setSslMode(String sslMode) {
        this.sslMode = sslMode;
    }

    public String getSslRootCert() {
        return sslRootCert;
    }

    public void setSslRootCert(String sslRootCert) {
        this.sslRootCert = sslRootCert;
    }

    public String getSslCert() {
        return sslCert;
    }

    public void setSslCert(String sslCert) {
        this.sslCert = sslCert;
    }

    public String getSslKey() {
        return sslKey;
    }

    public void setSslKey(String sslKey) {
        this.sslKey = sslKey;
    }

    public String getSslPassword() {
        return sslPassword;
    }

    public void setSslPassword(String sslPassword) {
        this.sslPassword = sslPassword;
    }

    public String jdbcUrl() {
        return "jdbc:postgresql://" + host + ":" + port + "/" + database;
    }

    public String getHost() {
        return host;
    }

    public void setHost(String host) {
        this.host = host;
    }

    public int getPort() {
        return port;
    }

    public void setPort(int port) {
        this.port = port;
    }

    public String getDatabase() {
        return database;
    }

    /** The {@code source} block every event of this endpoint starts with: log rows, snapshot rows, a new table's rows. */
    SourceInfo.Builder source(String schema, String table, long tsMs) {
        return SourceInfo.builder().connector("postgres").name(getName()).db(database).schema(schema).table(table)
                .tsMs(tsMs);
    }

    public void setDatabase(String database) {
        this.database = database;
    }

    public String getUsername() {
        return username;
    }

    public void setUsername(String username) {
        this.username = username;
    }

    public String getPassword() {
        return password;
    }

    public void setPassword(String password) {
        this.password = password;
    }

    public String getSlot() {
        return slot;
    }

    public void setSlot(String slot) {
        this.slot = slot;
    }

    public String getPlugin() {
        return plugin;
    }

    public void setPlugin(String plugin) {
        this.plugin = plugin;
    }

    public String getPublication() {
        return publication;
    }

    public void setPublication(String publication) {
        this.publication = publication;
    }

    public boolean isCreateSlot() {
        return createSlot;
    }

    public void setCreateSlot(boolean createSlot) {
        this.createSlot = createSlot;
    }

    public boolean isCreatePublication() {
        return createPublication;
    }

    public void setCreatePublication(boolean createPublication) {
        this.createPublication = createPublication;
    }

    public boolean isDropSlotOnStop() {
        return dropSlotOnStop;
    }

    public void setDropSlotOnStop(boolean dropSlotOnStop) {
        this.dropSlotOnStop = dropSlotOnStop;
    }

    public long getStatusInterval() {
        return statusInterval;
    }

    public void setStatusInterval(long statusInterval) {
        this.statusInterval = statusInterval;
    }

    public long getHeartbeatInterval() {
        return heartbeatInterval;
    }

    public void setHeartbeatInterval(long heartbeatInterval) {
        this.heartbeatInterval = heartbeatInterval;
    }

    public long getNewTableCheckInterval() {
        return newTableCheckInterval;
    }

    public void setNewTableCheckInterval(long newTableCheckInterval) {
        this.newTableCheckInterval = newTableCheckInterval;
    }

    public boolean isMessages() {
        return messages;
    }

    public void setMessages(boolean messages) {
        this.messages = messages;
    }
}

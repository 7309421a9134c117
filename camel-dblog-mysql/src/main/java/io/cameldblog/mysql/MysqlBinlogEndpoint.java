package io.cameldblog.mysql;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import io.cameldblog.core.DbLogConfigurationException;
import io.cameldblog.core.DbLogConstants;
import io.cameldblog.core.PositionCodec;
import io.cameldblog.core.consumer.ChangeLogReader;
import io.cameldblog.core.consumer.DbLogEndpoint;
import io.cameldblog.core.snapshot.SnapshotSource;
import org.apache.camel.Category;
import org.apache.camel.spi.Metadata;
import org.apache.camel.spi.UriEndpoint;
import org.apache.camel.spi.UriParam;

/**
 * Streams row changes from a MySQL or MariaDB binary log. Needs {@code binlog_format=ROW}, a user with
 * {@code REPLICATION SLAVE} and {@code REPLICATION CLIENT} (MariaDB: {@code BINLOG MONITOR}), and {@code SELECT}
 * on the captured tables when the server does not log full row metadata or when snapshots read them
 * ({@link MysqlSnapshotSource}).
 */
@UriEndpoint(firstVersion = "0.1.0", scheme = "mysqlbinlog", title = "MySQL Binlog",
             syntax = "mysqlbinlog:name", consumerOnly = true, remote = true,
             category = { Category.DATABASE }, headersClass = DbLogConstants.class)
public class MysqlBinlogEndpoint extends DbLogEndpoint<BinlogPosition> {

    @UriParam(label = "common", description = "Host name of the MySQL / MariaDB server")
    @Metadata(required = true)
    private String host;

    @UriParam(label = "common", defaultValue = "3306", description = "TCP port of the server")
    private int port = 3306;

    @UriParam(label = "security", description = "User with REPLICATION SLAVE and REPLICATION CLIENT"
                                                + " (MariaDB: BINLOG MONITOR) grants")
    @Metadata(required = true, secret = true)
    private String username;

    @UriParam(label = "security", description = "Password of the user")
    @Metadata(required = true, secret = true)
    private String password;

    @UriParam(label = "common", description = "Server id this reader uses as a replica: unique among all replicas"
                                              + " of the server. Default: derived from the endpoint name")
    private long serverId;

    @UriParam(label = "common", defaultValue = "false",
              description = "Reconnect by GTID set instead of file and offset when the server uses GTIDs, so the"
                            + " stream survives a switch to another server of the replication topology")
    private boolean gtidMode;

    @UriParam(label = "security", defaultValue = "false",
              description = "Require TLS with full verification (sslMode=verify_identity) on the replication and"
                            + " catalogue connections")
    private boolean ssl;

    @UriParam(label = "security", enums = "disabled,required,verify_ca,verify_identity",
              description = "TLS on the replication and catalogue connections, as MySQL's --ssl-mode names it:"
                            + " disabled, required (encrypted, server not verified), verify_ca (certificate signed by"
                            + " a trusted CA) or verify_identity (and issued for the host name). Default:"
                            + " verify_identity when ssl=true, else disabled")
    private String sslMode;

    @UriParam(label = "security",
              description = "CA certificates that sign the server's certificate: a PEM file (as --ssl-ca takes) or a"
                            + " PKCS#12/JKS trust store. Default: the JVM's trust store")
    private String trustStore;

    @UriParam(label = "security", description = "Password of the trust store, if it has one")
    @Metadata(secret = true)
    private String trustStorePassword;

    @UriParam(label = "security",
              description = "PKCS#12/JKS key store with the client certificate and key, for servers that require"
                            + " X509 from this user")
    private String keyStore;

    @UriParam(label = "security", description = "Password of the key store and its key")
    @Metadata(secret = true)
    private String keyStorePassword;

    @UriParam(label = "advanced", defaultValue = "30000", javaType = "java.time.Duration",
              description = "Connect and read timeout of the catalogue connection and connect timeout of the"
                            + " replication connection")
    private long connectTimeout = 30000;

    @UriParam(label = "advanced", defaultValue = "10000", javaType = "java.time.Duration",
              description = "How often the server sends a heartbeat on an idle replication connection; a"
                            + " connection silent for three periods is treated as lost")
    private long heartbeatInterval = 10000;

    /** Server settings already warned about: each reconnect checks the server again, the log says it once. */
    private final Set<String> warnedSettings = ConcurrentHashMap.newKeySet();

    public MysqlBinlogEndpoint(String uri, MysqlBinlogComponent component) {
        super(uri, component);
    }


    @Override
    public String connectorName() {
        return "mysql";
    }

    @Override
    public PositionCodec<BinlogPosition> positionCodec() {
        return BinlogPositionCodec.INSTANCE;
    }

    @Override
    public String positionExample() {
        return "mysql-bin.000003:4";
    }

    @Override
    public ChangeLogReader<BinlogPosition> createReader() {
        return new BinlogReader(this);
    }

    @Override
    public SnapshotSource<BinlogPosition> createSnapshotSource() {
        try {
            return new MysqlSnapshotSource(this);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Override
    protected void doInit() throws Exception {
        super.doInit();
        if (host == null || host.isBlank()) {
            throw new DbLogConfigurationException("mysqlbinlog:" + getName() + " has no host.",
                    "set the host option to the MySQL / MariaDB server, e.g. host=db.example.com.");
        }
        if (username == null || username.isBlank()) {
            throw new DbLogConfigurationException("mysqlbinlog:" + getName() + " has no username.",
                    "set username to a user with REPLICATION SLAVE and REPLICATION CLIENT grants.");
        }
        tls();
        if (serverId < 0 || serverId > 0xFFFFFFFFL) {
            throw new DbLogConfigurationException("Option serverId=" + serverId + " is out of range.",
                    "use a number between 1 and 4294967295 that no other replica of the server uses.");
        }
    }

    /** True the first time a warning about this server setting is due, so that it is logged once. */
    boolean firstWarningAbout(String setting) {
        return warnedSettings.add(setting);
    }

    /** The replica id: the option, else a stable number from the endpoint name in a range servers rarely use. */
    public long effectiveServerId() {
        if (serverId > 0) {
            return serverId;
        }
        return 0x40000000L + (Integer.toUnsignedLong(getName().hashCode()) % 0x3FFFFFFFL);
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

    public long getServerId() {
        return serverId;
    }

    public void setServerId(long serverId) {
        this.serverId = serverId;
    }

    public boolean isGtidMode() {
        return gtidMode;
    }

    public void setGtidMode(boolean gtidMode) {
        this.gtidMode = gtidMode;
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

    public String getTrustStore() {
        return trustStore;
    }

    public void setTrustStore(String trustStore) {
        this.trustStore = trustStore;
    }

    public String getTrustStorePassword() {
        return trustStorePassword;
    }

    public void setTrustStorePassword(String trustStorePassword) {
        this.trustStorePassword = trustStorePassword;
    }

    public String getKeyStore() {
        return keyStore;
    }

    public void setKeyStore(String keyStore) {
        this.keyStore = keyStore;
    }

    public String getKeyStorePassword() {
        return keyStorePassword;
    }

    public void setKeyStorePassword(String keyStorePassword) {
        this.keyStorePassword = keyStorePassword;
    }

    /** TLS as configured; checked in {@link #doInit()}, so a typo fails the start rather than the connection. */
    public MysqlTls tls() {
        return MysqlTls.of(this);
    }

    public long getConnectTimeout() {
        return connectTimeout;
    }

    public void setConnectTimeout(long connectTimeout) {
        this.connectTimeout = connectTimeout;
    }

    public long getHeartbeatInterval() {
        return heartbeatInterval;
    }

    public void setHeartbeatInterval(long heartbeatInterval) {
        this.heartbeatInterval = heartbeatInterval;
    }
}

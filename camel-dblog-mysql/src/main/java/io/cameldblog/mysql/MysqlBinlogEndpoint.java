package io.cameldblog.mysql;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import io.cameldblog.core.DbLogConfigurationException;
import io.cameldblog.core.DbLogConstants;
import io.cameldblog.core.PositionCodec;
import io.cameldblog.core.consumer.ChangeLogReader;
import io.cameldblog.core.consumer.DbLogEndpoint;
import org.apache.camel.Category;
import org.apache.camel.spi.Metadata;
import org.apache.camel.spi.UriEndpoint;
import org.apache.camel.spi.UriParam;

/**
 * Streams row changes from a MySQL or MariaDB binary log. Needs {@code binlog_format=ROW}, a user with
 * {@code REPLICATION SLAVE} and {@code REPLICATION CLIENT} (MariaDB: {@code BINLOG MONITOR}), and {@code SELECT}
 * on the captured tables when the server does not log full row metadata.
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
              description = "Require TLS for the replication and catalogue connections")
    private boolean ssl;

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

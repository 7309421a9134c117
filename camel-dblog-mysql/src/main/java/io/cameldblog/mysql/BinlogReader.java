package io.cameldblog.mysql;

import java.io.IOException;
import java.net.Socket;
import java.sql.SQLException;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import com.github.shyiko.mysql.binlog.BinaryLogClient;
import com.github.shyiko.mysql.binlog.network.AuthenticationException;
import com.github.shyiko.mysql.binlog.network.ServerException;
import io.cameldblog.core.DbLogConfigurationException;
import io.cameldblog.core.PositionGoneException;
import io.cameldblog.core.tls.TlsFailure;
import io.cameldblog.core.StartPosition;
import io.cameldblog.core.consumer.ChangeEventSink;
import io.cameldblog.core.consumer.ChangeLogReader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One replication connection to a MySQL / MariaDB server: checks the server and the user on {@link #open}, then
 * reads the binlog with mysql-binlog-connector-java and hands rows to a {@link BinlogEventHandler}.
 */
final class BinlogReader implements ChangeLogReader<BinlogPosition> {

    private static final Logger LOG = LoggerFactory.getLogger(BinlogReader.class);

    /** The server's "could not find first log file" / "log event entry exceeded" family. */
    private static final int ER_MASTER_FATAL_ERROR_READING_BINLOG = 1236;

    private final MysqlBinlogEndpoint endpoint;
    private final AtomicReference<Exception> failure = new AtomicReference<>();
    private volatile boolean closed;
    private ServerConnection server;
    private BinaryLogClient client;
    private BinlogPosition start;
    private boolean advanceStart;

    BinlogReader(MysqlBinlogEndpoint endpoint) {
        this.endpoint = endpoint;
    }

    @Override
    public void open(StartPosition<BinlogPosition> from) throws Exception {
        server = ServerConnection.open(endpoint);
        server.checkCanReplicate(endpoint.getUsername());
        start = switch (from.kind()) {
            case LATEST -> server.currentPosition(endpoint.isGtidMode());
            case EARLIEST -> server.earliestPosition();
            case AT -> checkAvailable(from.position());
        };
        // a resolved latest/earliest is stored before the first event: a restart then does not skip what was
        // written while the route was down
        advanceStart = from.kind() != StartPosition.Kind.AT;
        client = createClient();
    }

    private BinlogPosition checkAvailable(BinlogPosition p) throws SQLException {
        if (endpoint.isGtidMode() && p.gtidSet() != null) {
            return p;
        }
        List<String> files = server.binlogFiles();
        if (!files.contains(p.file())) {
            throw new PositionGoneException(
                    "The server at " + server.address() + " no longer has binlog file " + p.file()
                                                  + " (it has " + (files.isEmpty() ? "none" : files.get(0) + " .. "
                                                                                              + files.get(files.size() - 1))
                                                  + "): the changes between that position and the oldest file are gone.",
                    "keep binlogs longer (binlog_expire_logs_seconds / expire_logs_days) and re-sync the target, then"
                                                                                                     + " start from startPosition=earliest or a position the server has (remove the stored position),"
                                                                                                     + " or set snapshotMode=when_needed to re-read the tables.");
        }
        return p;
    }

    private BinaryLogClient createClient() {
        BinaryLogClient c = new BinaryLogClient(endpoint.getHost(), endpoint.getPort(), endpoint.getUsername(),
                endpoint.getPassword());
        c.setServerId(endpoint.effectiveServerId());
        // the consumer reconnects with back-off from the last processed position; the client must not do it alone
        c.setKeepAlive(false);
        c.setBlocking(true);
        c.setConnectTimeout(endpoint.getConnectTimeout());
        c.setHeartbeatInterval(endpoint.getHeartbeatInterval());
        endpoint.tls().applyTo(c);
        long readTimeout = endpoint.getHeartbeatInterval() > 0 ? endpoint.getHeartbeatInterval() * 3 : 0;
        c.setSocketFactory(() -> {
            Socket s = new Socket();
            // heartbeats arrive every heartbeatInterval on an idle link: three missed ones mean it is dead
            s.setSoTimeout((int) Math.min(Integer.MAX_VALUE, readTimeout));
            return s;
        });
        c.setEventDeserializer(new BinlogEventDeserializer());
        if (endpoint.isGtidMode() && start.gtidSet() != null) {
            c.setGtidSet(start.gtidSet());
        } else {
            c.setBinlogFilename(start.file());
            c.setBinlogPosition(start.offset());
            if (endpoint.isGtidMode()) {
                // a GTID set the client keeps up to date transaction by transaction
                c.setGtidSet("");
                c.setUseBinlogFilenamePositionInGtidMode(true);
            }
        }
        return c;
    }

    @Override
    public void stream(ChangeEventSink<BinlogPosition> sink) throws Exception {
        TableCatalog catalog = new TableCatalog(server);
        BinlogEventHandler h = new BinlogEventHandler(endpoint.getName(), endpoint.getTableFilter(),
                TableSchemas.of(new TableSchemaResolver(server, catalog), catalog), sink, start,
                () -> endpoint.isGtidMode() ? emptyToNull(client.getGtidSet()) : null);
        client.registerEventListener(event -> {
            if (failure.get() != null || closed) {
                return;
            }
            try {
                h.handle(event);
            } catch (Exception e) {
                failure.compareAndSet(null, e);
                disconnectQuietly();
            }
        });
        client.registerLifecycleListener(new BinaryLogClient.AbstractLifecycleListener() {
            @Override
            public void onConnect(BinaryLogClient c) {
                // close() ran before connect() started, so its disconnect found nothing to end
                if (closed) {
                    disconnectQuietly();
                }
            }

            @Override
            public void onCommunicationFailure(BinaryLogClient c, Exception ex) {
                failure.compareAndSet(null, ex);
            }

            @Override
            public void onEventDeserializationFailure(BinaryLogClient c, Exception ex) {
                failure.compareAndSet(null, ex);
                disconnectQuietly();
            }
        });
        if (advanceStart) {
            sink.advance(start);
        }
        if (start.rowsDone() == 0) {
            // between two transactions: a snapshot starts its first chunk before the first event
            sink.betweenTransactions(start);
        }
        try {
            client.connect();
        } catch (AuthenticationException e) {
            throw new DbLogConfigurationException("The server at " + server.address() + " refused the replication"
                                                  + " login of '" + endpoint.getUsername() + "': " + e.getMessage(),
                    "check username and password.", null);
        } catch (IOException e) {
            if (TlsFailure.in(e)) {
                throw TlsFailure.refused("replication connection to " + server.address(), e,
                        "set trustStore to the CA that signed the server's certificate, connect by a host name the"
                        + " certificate names, or use sslMode=verify_ca (no host name check) or sslMode=disabled.");
            }
            throw e;
        }
        if (closed) {
            return;
        }
        Exception e = failure.get();
        if (e instanceof ServerException se) {
            throw translate(se);
        }
        if (e != null) {
            throw e;
        }
        throw new IOException("The server at " + server.address() + " closed the replication connection");
    }

    private Exception translate(ServerException e) {
        if (e.getMessage() != null && e.getMessage().contains("same server_uuid/server_id")) {
            // retried, not fatal: after a network failure the server may still hold this reader's own old dump
            return new IOException("The server at " + server.address() + " already streams to a replica with"
                                   + " serverId=" + endpoint.effectiveServerId() + " (" + e.getMessage() + "). If that"
                                   + " is another reader, give every reader of this server its own serverId;"
                                   + " retrying", e);
        }
        if (e.getErrorCode() == ServerConnection.ER_SPECIFIC_ACCESS_DENIED) {
            return new DbLogConfigurationException(
                    "User '" + endpoint.getUsername() + "' may not read the binary log: " + e.getMessage(),
                    "GRANT REPLICATION SLAVE, REPLICATION CLIENT ON *.* TO '" + endpoint.getUsername() + "'@'<host>';",
                    e);
        }
        if (e.getErrorCode() == ER_MASTER_FATAL_ERROR_READING_BINLOG) {
            return new DbLogConfigurationException(
                    "The server at " + server.address() + " cannot send the binlog from " + start + ": "
                                                   + e.getMessage(),
                    "start from a position the server still has (startPosition=earliest or latest, after removing the"
                                                                                         + " stored position) and re-sync the target for the gap.",
                    e);
        }
        return e;
    }

    private static String emptyToNull(String s) {
        return s == null || s.isEmpty() ? null : s;
    }

    private void disconnectQuietly() {
        BinaryLogClient c = client;
        if (c == null) {
            return;
        }
        // from the client's own thread disconnect() would wait for itself: let another thread do it
        Thread t = new Thread(() -> {
            try {
                c.disconnect();
            } catch (IOException | RuntimeException e) {
                LOG.debug("Disconnecting the binlog client failed", e);
            }
        }, "mysqlbinlog-disconnect-" + endpoint.getName());
        t.setDaemon(true);
        t.start();
    }

    @Override
    public void close() {
        closed = true;
        if (client != null) {
            try {
                client.disconnect();
            } catch (IOException | RuntimeException e) {
                LOG.debug("Disconnecting the binlog client failed", e);
            }
        }
        if (server != null) {
            server.close();
        }
    }
}

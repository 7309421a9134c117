package io.cameldblog.postgres;

import java.nio.ByteBuffer;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

import io.cameldblog.core.ChangeEvent;
import io.cameldblog.core.DbLogConfigurationException;
import io.cameldblog.core.Operation;
import io.cameldblog.core.PositionGoneException;
import io.cameldblog.core.SourceInfo;
import io.cameldblog.core.StartPosition;
import io.cameldblog.core.TableFilter;
import io.cameldblog.core.consumer.ChangeEventSink;
import io.cameldblog.core.consumer.ChangeLogReader;
import org.postgresql.PGConnection;
import org.postgresql.replication.LogSequenceNumber;
import org.postgresql.replication.PGReplicationStream;
import org.postgresql.replication.fluent.logical.ChainedLogicalStreamBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One replication connection to a logical slot: decodes the plugin's output into change events, delivers them
 * in commit order, and reports to the server (setFlushedLSN) only positions the resume strategy has stored.
 * <p>
 * Every event's position is its transaction's commit LSN plus the rows of that transaction done so far: the
 * server re-sends a transaction when replication starts at or before its commit LSN, and the reader skips the
 * rows already done, so a resume inside a transaction neither loses nor repeats rows.
 */
final class PgWalReader implements ChangeLogReader<PgPosition> {

    private static final Logger LOG = LoggerFactory.getLogger(PgWalReader.class);
    private static final long IDLE_PARK_NANOS = TimeUnit.MILLISECONDS.toNanos(5);
    /**
     * The first wait after data: a busy stream's next message is usually microseconds away, and a flat 5 ms wait
     * after every drained batch put up to 5 ms on each commit's way (p99 of a steady writer); the wait doubles up to
     * {@link #IDLE_PARK_NANOS} while the stream stays idle.
     */
    private static final long BUSY_PARK_NANOS = TimeUnit.MICROSECONDS.toNanos(50);

    private final PgWalEndpoint endpoint;
    private final PgConnector connector;
    private final ReplicationSlot replicationSlot;
    private final TableFilter filter;
    private final AtomicLong storedLsn = new AtomicLong();
    private final CountDownLatch streamDone = new CountDownLatch(1);

    private Connection jdbc;
    private Connection replication;
    private PGReplicationStream stream;
    private PgPluginDecoder decoder;
    private NewTableCapture newTables;
    private volatile boolean closed;
    private volatile Thread streamThread;

    private long startLsn;
    private boolean advanceToStart;
    private PgPosition resumeAt;
    private long ackedLsn;

    // the transaction being read
    private PgMessage.Begin txn;
    private PgMessage.Begin commitLsnTextOf;
    private String commitLsnText;
    private long rowsInTxn;
    private long rowsToSkip;
    private boolean emittedInTxn;

    private PgPosition lastPosition;
    /** The last position given to the sink between transactions: the ones after it never go back. */
    private long betweenLsn;
    /** Started inside a transaction some rows of which were done: not between transactions until its commit. */
    private boolean midTransaction;
    private long lastStatusNanos = System.nanoTime();
    private long lastProgressNanos = System.nanoTime();

    PgWalReader(PgWalEndpoint endpoint) {
        this.endpoint = endpoint;
        this.connector = new PgConnector(endpoint);
        this.replicationSlot = new ReplicationSlot(endpoint);
        this.filter = endpoint.getTableFilter();
    }

    @Override
    public void open(StartPosition<PgPosition> start) throws Exception {
        jdbc = connector.connect();
        PgServerChecks.check(jdbc, endpoint);
        // the publication first: pgoutput only sees a publication that existed at the slot's position
        Publication publication = "pgoutput".equals(endpoint.getPlugin()) ? new Publication(endpoint) : null;
        if (publication != null) {
            publication.prepare(jdbc);
        }
        ReplicationSlot.State slot = replicationSlot.findOrCreate(jdbc);
        resolveStart(start, slot);
        if (publication != null && !slot.created() && startLsn == slot.confirmedFlushLsn()) {
            new PublicationAtSlot(endpoint).checkReadable(jdbc, slot.confirmedFlushLsn());
        }
        lastPosition = PgPosition.at(startLsn);
        PgTypeRegistry types = new PgTypeRegistry(jdbc);
        PgValueConverter values = new PgValueConverter(types);
        if (publication != null && endpoint.isCreatePublication() && endpoint.getNewTableCheckInterval() > 0) {
            newTables = new NewTableCapture(endpoint, publication.members(), jdbc, values);
        }
        decoder = switch (endpoint.getPlugin()) {
            case "wal2json" -> new Wal2JsonDecoder(values, table -> PgCatalog.partitionRoot(jdbc, table));
            case "test_decoding" -> new TestDecodingDecoder(values, types, startLsn,
                    table -> PgCatalog.primaryKey(jdbc, table), table -> PgCatalog.partitionRoot(jdbc, table));
            default -> new PgOutputDecoder(values, id -> PgCatalog.primaryKey(jdbc, id));
        };
        startStreaming();
        LOG.info("{} streaming slot {} from {}{}", endpoint.getEndpointBaseUri(), endpoint.getSlot(),
                Lsn.format(startLsn), resumeAt != null && resumeAt.rowsDone() > 0
                        ? " (skipping " + resumeAt.rowsDone() + " rows done of that transaction)" : "");
    }

    /**
     * Where streaming starts. A stored position wins; without one, an existing slot <em>is</em> the position
     * (its confirmed_flush_lsn is what the last run confirmed, and the server kept everything after it), so
     * {@code startPosition} applies only when the slot is created: a restart without a resume strategy then
     * continues where the last run stopped instead of jumping to the end of the log.
     */
    private void resolveStart(StartPosition<PgPosition> start, ReplicationSlot.State slot) throws SQLException {
        long slotLsn = slot.confirmedFlushLsn();
        if (start.kind() != StartPosition.Kind.AT || !start.isRestored()) {
            boolean behindSlot = start.kind() != StartPosition.Kind.AT
                                 || Long.compareUnsigned(start.position().lsn(), slotLsn) < 0;
            if (!slot.created() && behindSlot) {
                LOG.info("{}: replication slot {} exists and no position is stored: continuing from its"
                         + " confirmed_flush_lsn {} (startPosition={} applies only when the slot is created)",
                        endpoint.getEndpointBaseUri(), endpoint.getSlot(), Lsn.format(slotLsn), start);
                startLsn = slotLsn;
                return;
            }
        }
        switch (start.kind()) {
            case LATEST:
                startLsn = Math.max(PgCatalog.currentWalLsn(jdbc), slotLsn);
                advanceToStart = true;
                break;
            case EARLIEST:
                startLsn = slotLsn;
                break;
            default:
                PgPosition p = start.position();
                if (Long.compareUnsigned(p.lsn(), slotLsn) < 0) {
                    // gone, not misconfigured: snapshotMode=when_needed starts again at the end with a snapshot
                    throw new PositionGoneException(
                            (start.isRestored() ? "The stored position " : "startPosition ") + p.text() + " of '"
                                                          + endpoint.getName() + "' is older than what replication slot '"
                                                          + endpoint.getSlot() + "' still has (confirmed_flush_lsn "
                                                          + Lsn.format(slotLsn)
                                                          + "): the changes in between are gone from the server.",
                            "re-load the captured tables (snapshotMode=when_needed does it) and remove the stored position (or set startPosition=latest); if"
                                                                                               + " another consumer moved the slot, give each endpoint its own slot.");
                }
                startLsn = p.lsn();
                resumeAt = p;
        }
    }

    private void startStreaming() throws SQLException {
        replication = connector.connectForReplication();
        ChainedLogicalStreamBuilder b = replication.unwrap(PGConnection.class).getReplicationAPI()
                .replicationStream().logical()
                .withSlotName(endpoint.getSlot())
                .withStartPosition(LogSequenceNumber.valueOf(startLsn))
                .withStatusInterval((int) Math.min(Integer.MAX_VALUE, endpoint.getStatusInterval()),
                        TimeUnit.MILLISECONDS)
                // pgjdbc would otherwise confirm the server's keepalive LSN on its own, past unprocessed changes
                .withAutomaticFlush(false);
        if ("pgoutput".equals(endpoint.getPlugin())) {
            b.withSlotOption("proto_version", "1")
                    .withSlotOption("publication_names", endpoint.effectivePublication());
            if (endpoint.isMessages()) {
                b.withSlotOption("messages", true);
            }
        } else if ("test_decoding".equals(endpoint.getPlugin())) {
            b.withSlotOption("include-xids", true)
                    .withSlotOption("include-timestamp", true)
                    .withSlotOption("skip-empty-xacts", true);
        } else {
            b.withSlotOption("format-version", 2)
                    .withSlotOption("include-transaction", true)
                    .withSlotOption("include-xids", true)
                    .withSlotOption("include-timestamp", true)
                    .withSlotOption("include-lsn", true)
                    .withSlotOption("include-type-oids", true)
                    .withSlotOption("include-pk", true);
        }
        try {
            stream = b.start();
        } catch (SQLException e) {
            if ("55006".equals(e.getSQLState())) {
                throw replicationSlot.inUse(null, e);
            }
            if ("42501".equals(e.getSQLState())) {
                throw new DbLogConfigurationException("User '" + endpoint.getUsername()
                                                      + "' may not stream from slot " + endpoint.getSlot() + ": "
                                                      + e.getMessage(),
                        "ALTER ROLE \"" + endpoint.getUsername() + "\" WITH REPLICATION;", e);
            }
            throw e;
        }
    }

    @Override
    public void stream(ChangeEventSink<PgPosition> sink) throws Exception {
        streamThread = Thread.currentThread();
        boolean failed = true;
        try {
            if (advanceToStart) {
                // "latest" resolved: store it, so a restart does not jump ahead past what happens meanwhile
                advance(sink, PgPosition.at(startLsn));
            }
            midTransaction = resumeAt != null && resumeAt.rowsDone() > 0;
            if (!midTransaction) {
                // nothing of a transaction is half done here: a snapshot may read its first chunk at once
                betweenTransactions(sink, PgPosition.at(startLsn));
            }
            // a snapshot reading chunks between two messages keeps the server's status coming
            endpoint.replicationKeepalive(this::keepAliveIfDue);
            long park = BUSY_PARK_NANOS;
            while (!closed) {
                ByteBuffer buf = stream.readPending();
                if (buf == null) {
                    sendAcks();
                    heartbeat(sink);
                    idleBetweenTransactions(sink);
                    captureNewTables(sink);
                    LockSupport.parkNanos(park);
                    park = Math.min(park * 2, IDLE_PARK_NANOS);
                    continue;
                }
                park = BUSY_PARK_NANOS;
                PgMessage m = decoder.decode(buf, stream.getLastReceiveLSN().asLong());
                if (m != null) {
                    handle(m, sink);
                }
                sendAcks();
                captureNewTables(sink);
            }
            failed = false;
        } catch (SQLException e) {
            if (!closed) {
                DbLogConfigurationException missing = PublicationAtSlot.missingAtSlot(endpoint, e);
                throw missing != null ? missing : e;
            }
            failed = false;
        } finally {
            if (!failed) {
                finalStatus();
            }
            closeConnections();
            streamDone.countDown();
        }
    }

    private void handle(PgMessage m, ChangeEventSink<PgPosition> sink) throws Exception {
        if (m instanceof PgMessage.Begin b) {
            txn = b;
            rowsInTxn = 0;
            emittedInTxn = false;
            rowsToSkip = 0;
            if (resumeAt != null) {
                int c = Long.compareUnsigned(b.commitLsn(), resumeAt.lsn());
                if (c < 0) {
                    rowsToSkip = Long.MAX_VALUE; // before the resume point (the server should not even send it)
                } else if (c == 0) {
                    rowsToSkip = resumeAt.rowsDone();
                } else {
                    resumeAt = null;
                }
            }
        } else if (m instanceof PgMessage.Row r) {
            inTransaction(r);
            rowsInTxn++;
            if (rowsInTxn > rowsToSkip && filter.matches(r.relation().schema(), r.relation().table())) {
                emit(sink, r.relation(), r.op(), r.before(), r.after(), r);
            }
        } else if (m instanceof PgMessage.Truncate t) {
            inTransaction(t);
            // a text plugin lists a partitioned table and each partition, which all carry the root's name
            Set<String> truncated = new HashSet<>();
            for (PgRelation rel : t.relations()) {
                rowsInTxn++;
                boolean firstOfItsName = truncated.add(rel.qualifiedName()); // also when skipped on a resume
                if (firstOfItsName && rowsInTxn > rowsToSkip && filter.matches(rel.qualifiedName())) {
                    emit(sink, rel, Operation.TRUNCATE, null, null, null);
                }
            }
        } else if (m instanceof PgMessage.Commit c) {
            midTransaction = false;
            if (txn != null) {
                endpoint.deliveredTransactions().add(txn.xid());
            }
            txn = null;
            PgPosition after = PgPosition.at(c.endLsn());
            if (!emittedInTxn && endpoint.getHeartbeatInterval() > 0
                    && System.nanoTime() - lastProgressNanos >= TimeUnit.MILLISECONDS.toNanos(endpoint.getHeartbeatInterval())) {
                // only filtered tables changed: remember we are past it, now and then
                advance(sink, after);
            }
            betweenTransactions(sink, after);
        } else if (m instanceof PgMessage.LogicalMessage lm) {
            LOG.debug("{}: logical decoding message prefix={} ({} bytes) at {}", endpoint.getEndpointBaseUri(),
                    lm.prefix(), lm.content().length, Lsn.format(lm.lsn()));
        }
    }

    private void inTransaction(PgMessage m) {
        if (txn == null) {
            throw new IllegalStateException("Change outside a transaction from the decoding plugin: " + m);
        }
    }

    private void emit(ChangeEventSink<PgPosition> sink, PgRelation rel, Operation op, Map<String, Object> before,
            Map<String, Object> after, PgMessage.Row row) throws Exception {
        PgPosition position = new PgPosition(txn.commitLsn(), rowsInTxn);
        SourceInfo source = endpoint.source(rel.schema(), rel.table(), PgMessage.epochMillis(txn.commitTimeMicros()))
                .position(commitLsnText())
                .extra("txId", txn.xid())
                .extra("lsn", row == null || row.lsn() == 0 ? null : Lsn.format(row.lsn()))
                .build();
        // the decoders make each row's maps for it, and key(...) its key: handed over, not copied
        ChangeEvent.Builder b = ChangeEvent.builder().ownMaps().op(op).before(before).after(after).source(source)
                .key(key(rel, op == Operation.DELETE ? before : after)).position(position);
        if (row != null) {
            row.unchanged().forEach(b::unchangedColumn);
        }
        sink.emit(b.build());
        emittedInTxn = true;
        lastPosition = position;
        lastProgressNanos = System.nanoTime();
    }

    /** Between transactions: tables that started to match are added to the publication, their rows read. */
    private void captureNewTables(ChangeEventSink<PgPosition> sink) throws Exception {
        if (newTables != null && txn == null && newTables.due()) {
            long[] lastStatus = { System.nanoTime() };
            newTables.check((rel, row) -> emitExisting(sink, rel, row), () -> {
                if (System.nanoTime() - lastStatus[0] > TimeUnit.MILLISECONDS.toNanos(endpoint.getStatusInterval())) {
                    keepAlive();
                    lastStatus[0] = System.nanoTime();
                }
            });
        }
    }

    /**
     * A row a new table held when it was added to the publication: not in the stream, so delivered as a read,
     * at the position reached (between transactions), which a restart continues from.
     */
    private void emitExisting(ChangeEventSink<PgPosition> sink, PgRelation rel, Map<String, Object> row)
            throws Exception {
        if (Long.compareUnsigned(betweenLsn, lastPosition.lsn()) > 0) {
            // between transactions, never behind a position already delivered (snapshot rows go out there)
            lastPosition = PgPosition.at(betweenLsn);
        }
        SourceInfo source = endpoint.source(rel.schema(), rel.table(), System.currentTimeMillis())
                .position(Lsn.format(lastPosition.lsn()))
                .build();
        sink.emit(ChangeEvent.builder().op(Operation.READ).after(row).source(source).key(key(rel, row))
                .position(lastPosition).build());
        lastProgressNanos = System.nanoTime();
    }

    /**
     * While the stream is not read for longer than statusInterval (a snapshot delivering chunk after chunk of an
     * idle database), the server still wants status, or it ends the connection after wal_sender_timeout.
     */
    private void keepAliveIfDue() {
        if (stream != null && System.nanoTime() - lastStatusNanos > TimeUnit.MILLISECONDS.toNanos(endpoint.getStatusInterval())) {
            keepAlive();
        }
    }

    /** While the stream is not read (rows of a new table are delivered), the server still wants status. */
    private void keepAlive() {
        lastStatusNanos = System.nanoTime();
        try {
            sendAcks();
            stream.forceUpdateStatus();
        } catch (SQLException e) {
            LOG.debug("Status update to the server failed", e);
        }
    }

    /** The open transaction's commit LSN as text: the same for each of its rows, formatted once. */
    private String commitLsnText() {
        if (commitLsnTextOf != txn) {
            commitLsnText = Lsn.format(txn.commitLsn());
            commitLsnTextOf = txn;
        }
        return commitLsnText;
    }

    private static Map<String, Object> key(PgRelation rel, Map<String, Object> row) {
        if (row == null || rel.keyColumns().isEmpty()) {
            return Map.of();
        }
        Map<String, Object> key = new LinkedHashMap<>();
        for (String k : rel.keyColumns()) {
            key.put(k, row.get(k));
        }
        return key;
    }

    /**
     * Between transactions and with nothing to read, everything the server decoded up to its last keepalive
     * was delivered: move the stored position (and so the slot) there, so WAL written for other tables or
     * databases does not pile up while the captured tables are idle.
     */
    private void heartbeat(ChangeEventSink<PgPosition> sink) {
        long every = endpoint.getHeartbeatInterval();
        if (every <= 0 || txn != null
                || System.nanoTime() - lastProgressNanos < TimeUnit.MILLISECONDS.toNanos(every)) {
            return;
        }
        long server = stream.getLastReceiveLSN().asLong();
        if (server != 0 && Long.compareUnsigned(server, lastPosition.lsn()) > 0) {
            advance(sink, PgPosition.at(server));
            decoder.passed(server);
        } else {
            lastProgressNanos = System.nanoTime();
        }
    }

    /**
     * Nothing to read and no transaction open: everything the server decoded up to its last message or keepalive
     * (its WAL end) is delivered, so a snapshot whose watermark that passes can deliver its chunk even while the
     * database is idle. The keepalive's LSN is a position a restart continues from without reading anything
     * twice, the same the heartbeat stores.
     */
    private void idleBetweenTransactions(ChangeEventSink<PgPosition> sink) throws Exception {
        if (txn != null || midTransaction) {
            return;
        }
        long server = stream.getLastReceiveLSN().asLong();
        if (server != 0 && Long.compareUnsigned(server, betweenLsn) > 0) {
            decoder.passed(server);
            betweenTransactions(sink, PgPosition.at(server));
        } else if (betweenLsn != 0) {
            betweenTransactions(sink, PgPosition.at(betweenLsn));
        }
    }

    /** The sink's hook between transactions (a snapshot reads or delivers a chunk there), at a position never behind the last one. */
    private void betweenTransactions(ChangeEventSink<PgPosition> sink, PgPosition p) throws Exception {
        if (Long.compareUnsigned(p.lsn(), betweenLsn) < 0) {
            p = PgPosition.at(betweenLsn);
        }
        betweenLsn = p.lsn();
        sink.betweenTransactions(p);
    }

    private void advance(ChangeEventSink<PgPosition> sink, PgPosition p) {
        sink.advance(p);
        lastPosition = p;
        lastProgressNanos = System.nanoTime();
    }

    @Override
    public void positionStored(PgPosition position) {
        storedLsn.accumulateAndGet(position.lsn(), (a, b) -> Long.compareUnsigned(a, b) >= 0 ? a : b);
    }

    /** Confirms to the server what is stored, never more: the server discards WAL up to the confirmed LSN. */
    private void sendAcks() {
        long s = storedLsn.get();
        if (s != 0 && Long.compareUnsigned(s, ackedLsn) > 0) {
            LogSequenceNumber lsn = LogSequenceNumber.valueOf(s);
            stream.setFlushedLSN(lsn);
            stream.setAppliedLSN(lsn);
            ackedLsn = s;
        }
    }

    private void finalStatus() {
        try {
            if (stream != null && !stream.isClosed()) {
                sendAcks();
                stream.forceUpdateStatus();
            }
        } catch (SQLException | RuntimeException e) {
            LOG.debug("Final status update to the server failed", e);
        }
    }

    @Override
    public void close() {
        closed = true;
        endpoint.replicationKeepalive(null);
        Thread t = streamThread;
        if (t != null && t != Thread.currentThread()) {
            try {
                // let the stream thread leave its loop and send the last confirmed position itself
                streamDone.await(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        closeConnections();
    }

    private synchronized void closeConnections() {
        closeQuietly(stream);
        stream = null;
        closeQuietly(replication);
        replication = null;
        closeQuietly(jdbc);
        jdbc = null;
    }

    private static void closeQuietly(AutoCloseable c) {
        if (c != null) {
            try {
                c.close();
            } catch (Exception e) {
                LOG.debug("Closing {} failed", c, e);
            }
        }
    }
}

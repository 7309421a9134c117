package io.cameldblog.core.consumer;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.atomic.AtomicLong;

import io.cameldblog.core.ChangeEvent;
import io.cameldblog.core.DbLogConfigurationException;
import io.cameldblog.core.LogPosition;
import io.cameldblog.core.PositionGoneException;
import io.cameldblog.core.StartPosition;
import io.cameldblog.core.resume.BatchingResumeStrategy;
import io.cameldblog.core.resume.DbLogResumeAdapter;
import io.cameldblog.core.resume.PositionResumable;
import io.cameldblog.core.resume.StoredPositionNotifier;
import io.cameldblog.core.snapshot.SnapshotMode;
import io.cameldblog.core.snapshot.SnapshotPosition;
import io.cameldblog.core.snapshot.SnapshotProgress;
import io.cameldblog.core.snapshot.SnapshotSignal;
import io.cameldblog.core.snapshot.Snapshotter;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.Processor;
import org.apache.camel.resume.OffsetKey;
import org.apache.camel.resume.ResumeAware;
import org.apache.camel.resume.ResumeStrategy;
import org.apache.camel.support.DefaultConsumer;
import org.apache.camel.support.resume.ResumeStrategyHelper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The consumer of every camel-dblog endpoint: opens the source's {@link ChangeLogReader} when the route starts,
 * streams on its own thread ({@link ChangeStreamLoop}), routes each event synchronously and in order, and marks
 * each exchange with its position so that the route's resume strategy stores it only once it was processed.
 * <p>
 * Processing is synchronous on purpose: the next event is not read until the previous one is done, so the
 * stored position can never pass an event that is still in flight, and a slow route back-pressures the log
 * reader instead of buffering it in memory.
 */
public class DbLogConsumer<P extends LogPosition> extends DefaultConsumer
        implements ResumeAware<ResumeStrategy>, ChangeEventSink<P> {

    private static final Logger LOG = LoggerFactory.getLogger(DbLogConsumer.class);

    private final DbLogEndpoint<P> endpoint;
    private final AtomicLong eventCount = new AtomicLong();
    /** The key of every position this consumer hands to the resume strategy (its endpoint's name). */
    private OffsetKey<String> offsetKey;

    private ResumeStrategy resumeStrategy;
    private DbLogConsumerHealthCheck healthCheck;
    private ExecutorService executor;
    private ChangeStreamLoop<P> loop;
    private AutoCloseable storedListener;

    private volatile Snapshotter<P> snapshotter;
    /** The snapshot progress stored with the position the start resolved (none when nothing was stored). */
    private SnapshotProgress storedProgress;
    private volatile StartPosition<P> startPosition;
    private volatile P lastPosition;
    private volatile boolean connected;
    private volatile Throwable lastError;

    public DbLogConsumer(DbLogEndpoint<P> endpoint, Processor processor) {
        super(endpoint, processor);
        this.endpoint = endpoint;
    }

    @Override
    public DbLogEndpoint<P> getEndpoint() {
        return endpoint;
    }

    @Override
    protected void doBuild() throws Exception {
        super.doBuild();
        // Camel's consumers health-check repository asks each route's consumer for its own check
        healthCheck = new DbLogConsumerHealthCheck(this, getRouteId());
        if (endpoint.getComponent() instanceof DbLogComponent c) {
            healthCheck.setEnabled(c.isHealthCheckConsumerEnabled());
        }
        setHealthCheck(healthCheck);
    }

    @Override
    protected void doStart() throws Exception {
        super.doStart();
        offsetKey = PositionResumable.key(endpoint.getName());
        SnapshotMode mode = endpoint.snapshotModeValue();
        storedProgress = null;
        startPosition = resolveStartPosition();
        SnapshotProgress progress = startPosition.isRestored() ? storedProgress
                : mode.snapshotsWhenNothingStored() ? initialSnapshot() : SnapshotProgress.none();
        LOG.info("{} starting from {}{}", endpoint.getEndpointBaseUri(), startPosition,
                progress.isDone() ? "" : ", with a " + progress);
        if (resumeStrategy == null) {
            LOG.warn("Route {} stores no positions of {} (the route has no resumable()): after a restart it {}."
                     + " Add resumable() with a resume strategy to continue where it stopped.",
                    getRouteId(), endpoint.getEndpointBaseUri(), endpoint.restartWithoutStoredPosition());
        }

        // open on the caller's thread: a configuration error fails the route's start instead of a log line
        ChangeLogReader<P> reader = endpoint.createReader();
        try {
            reader.open(startPosition);
        } catch (PositionGoneException e) {
            reader.close();
            if (mode != SnapshotMode.WHEN_NEEDED) {
                lastError = e;
                throw e;
            }
            LOG.warn("{}: {} snapshotMode=when_needed: starting at the end of the log with a snapshot of every"
                     + " captured table.", endpoint.getEndpointBaseUri(), e.getMessage());
            startPosition = StartPosition.latest();
            progress = initialSnapshot();
            reader = endpoint.createReader();
            try {
                reader.open(startPosition);
            } catch (Exception again) {
                reader.close();
                lastError = again;
                throw again;
            }
        } catch (Exception e) {
            reader.close();
            lastError = e;
            throw e;
        }
        snapshotter = new Snapshotter<>(endpoint.getEndpointBaseUri(), progress, endpoint.getSnapshotChunkSize(),
                endpoint::createSnapshotSource, endpoint::isSnapshotTable, this::initialSnapshotDone);
        if (mode == SnapshotMode.INITIAL_ONLY && startPosition.isRestored() && progress.isDone()) {
            LOG.info("{}: the snapshot is complete (a position without snapshot progress is stored);"
                     + " snapshotMode=initial_only reads nothing more", endpoint.getEndpointBaseUri());
            reader.close();
            stopRouteLater();
            return;
        }
        connected = true;
        lastError = null;

        if (resumeStrategy instanceof StoredPositionNotifier notifier) {
            storedListener = notifier.onStored(endpoint.getName(), this::onPositionStored);
        }
        loop = new ChangeStreamLoop<>(this, reader, new ReconnectBackoff(endpoint.getReconnectDelay(),
                endpoint.getMaxReconnectDelay()));
        executor = endpoint.getCamelContext().getExecutorServiceManager()
                .newSingleThreadExecutor(this, "DbLog-" + endpoint.getName());
        executor.submit(loop);
    }

    @Override
    protected void doStop() throws Exception {
        if (loop != null) {
            loop.stop();
        }
        if (executor != null) {
            endpoint.getCamelContext().getExecutorServiceManager().shutdownGraceful(executor, 30_000);
            executor = null;
        }
        loop = null;
        connected = false;
        if (snapshotter != null) {
            snapshotter.close();
        }
        if (resumeStrategy instanceof BatchingResumeStrategy positions) {
            // no longer the reader (route stop, or master: moved the leadership): store the newest now or drop it,
            // so it is never written later over the position of the reader that took over
            positions.readerStopped(endpoint.getName());
        }
        if (storedListener != null) {
            storedListener.close();
            storedListener = null;
        }
        super.doStop();
    }

    /** A stored position wins over the {@code startPosition} option: it is where the last run left off. */
    private StartPosition<P> resolveStartPosition() throws Exception {
        if (resumeStrategy != null) {
            if (!(resumeStrategy.getAdapter() instanceof DbLogResumeAdapter)) {
                // none yet, or the generic one Camel gave a wrapping consumer (master:): positions need ours
                resumeStrategy.setAdapter(new DbLogResumeAdapter());
            }
            ResumeStrategyHelper.resume(endpoint.getCamelContext(), this, resumeStrategy, null,
                    DbLogResumeAdapter.class);
            DbLogResumeAdapter adapter = resumeStrategy.getAdapter(DbLogResumeAdapter.class);
            Optional<Map<String, Object>> stored = adapter == null
                    ? Optional.empty() : adapter.storedPosition(endpoint.getName());
            if (stored.isPresent()) {
                try {
                    storedProgress = SnapshotPosition.progressOf(stored.get());
                    return StartPosition.restored(
                            endpoint.positionCodec().fromMap(SnapshotPosition.withoutProgress(stored.get())));
                } catch (RuntimeException e) {
                    throw new DbLogConfigurationException(
                            "The position stored for '" + endpoint.getName() + "' cannot be read: " + stored.get()
                                                          + " (" + e.getMessage() + ").",
                            "check that the resume strategy's entry for this endpoint name belongs to a "
                                                                                      + endpoint.connectorName()
                                                                                      + " source, or remove it to"
                                                                                      + " start from startPosition.",
                            e);
                }
            }
        }
        return endpoint.configuredStartPosition();
    }

    private static SnapshotProgress initialSnapshot() {
        return SnapshotProgress.none().with(List.of(new SnapshotProgress.Step(null, null, true)));
    }

    /** The last row of the initial snapshot is delivered: {@code initial_only} stops reading here. */
    private void initialSnapshotDone() {
        if (endpoint.snapshotModeValue() == SnapshotMode.INITIAL_ONLY) {
            LOG.info("{}: the initial snapshot is complete; snapshotMode=initial_only stops route {}",
                    endpoint.getEndpointBaseUri(), getRouteId());
            stopRouteLater();
        }
    }

    private void stopRouteLater() {
        String routeId = getRouteId();
        // not on this thread: stopping the route waits for the reader's thread, which may be this one
        Thread stopper = new Thread(() -> {
            try {
                endpoint.getCamelContext().getRouteController().stopRoute(routeId);
            } catch (Exception e) {
                LOG.warn("Could not stop route {} after its snapshot: {}", routeId, e.getMessage(), e);
            }
        }, "DbLog-snapshot-done-" + endpoint.getName());
        stopper.setDaemon(true);
        stopper.start();
    }

    /**
     * Asks for a snapshot of {@code tables} ({@code db.table} / {@code schema.table} names; every captured table when
     * null or empty), optionally of the rows matching {@code where}, read while streaming. Not stored until the
     * reader takes it up: for a request that survives a restart, insert a row into the signal table.
     */
    public void requestSnapshot(List<String> tables, String where) {
        Snapshotter<P> s = snapshotter;
        if (s == null) {
            throw new IllegalStateException(endpoint.getEndpointBaseUri() + " is not started");
        }
        s.request(tables, where);
    }

    public SnapshotProgress getSnapshotProgress() {
        Snapshotter<P> s = snapshotter;
        return s == null ? SnapshotProgress.none() : s.progress();
    }

    @Override
    public void emit(ChangeEvent event) throws Exception {
        if (endpoint.isSignalTable(event.source())) {
            signal(event);
            return;
        }
        snapshotter.onLogEvent(event);
        Exchange exchange = createExchange(false);
        try {
            Message message = exchange.getMessage();
            message.setBody(event);
            setHeaders(message, event);
            try {
                getProcessor().process(exchange);
            } catch (Exception e) {
                exchange.setException(e);
            }
            Exception failure = exchange.getException();
            if (failure != null) {
                getExceptionHandler().handleException("Change event not processed; it will be delivered again",
                        exchange, failure);
                throw new EventNotProcessedException(event.position(), failure);
            }
            eventCount.incrementAndGet();
            progressed();
            if (event.position() != null) {
                @SuppressWarnings("unchecked")
                P p = (P) event.position();
                lastPosition = p;
                if (!(resumeStrategy instanceof StoredPositionNotifier)) {
                    // nothing will tell us when (or whether) it is stored: completion is all we know
                    confirmStored(p);
                }
            }
        } finally {
            releaseExchange(exchange, false);
        }
    }

    private void setHeaders(Message message, ChangeEvent event) {
        // the offset is read by the route's ResumableCompletion once the exchange is done: stored only on success
        @SuppressWarnings("unchecked")
        P p = (P) event.position();
        message.getHeaders().putAll(new ChangeEventHeaders(event,
                p == null ? null : new PositionResumable(offsetKey, snapshotter.decorate(p))));
    }

    @Override
    public void advance(P position) {
        if (!position.equals(lastPosition)) {
            progressed();
        }
        lastPosition = position;
        if (resumeStrategy == null) {
            confirmStored(position);
            return;
        }
        // every event before this position was processed (emit is synchronous), so storing it breaks no rule
        try {
            resumeStrategy.updateLastOffset(new PositionResumable(offsetKey, snapshotter.decorate(position)));
            if (!(resumeStrategy instanceof StoredPositionNotifier)) {
                confirmStored(position);
            }
        } catch (Exception e) {
            LOG.warn("{}: could not store position {} ({}); it will be stored with a later one",
                    endpoint.getEndpointBaseUri(), position.text(), e.getMessage());
        }
    }

    @Override
    public void betweenTransactions(P position) throws Exception {
        snapshotter.betweenTransactions(position, this);
    }

    @Override
    public boolean snapshotUnderWay() {
        return snapshotter.isActive();
    }

    /** A row of the signal table: never routed; a snapshot request is taken up now, so the position stored with it holds it. */
    private void signal(ChangeEvent event) {
        try {
            SnapshotSignal signal = SnapshotSignal.of(event);
            if (signal != null) {
                snapshotter.signal(signal.tables(), signal.where());
            }
        } catch (IllegalArgumentException e) {
            LOG.warn("{}: ignoring a row of the signal table {}: {}. A snapshot signal is a row with type"
                     + " 'execute-snapshot' and data like {{\"data-collections\": [\"db.table\"]}}.",
                    endpoint.getEndpointBaseUri(), event.source().table(), e.getMessage());
        }
        if (event.position() != null) {
            @SuppressWarnings("unchecked")
            P p = (P) event.position();
            advance(p);
        }
    }

    private void onPositionStored(Map<String, Object> stored) {
        try {
            confirmStored(endpoint.positionCodec().fromMap(SnapshotPosition.withoutProgress(stored)));
        } catch (RuntimeException e) {
            LOG.warn("{}: ignoring a stored position that cannot be read: {}", endpoint.getEndpointBaseUri(), stored, e);
        }
    }

    private void progressed() {
        ChangeStreamLoop<P> l = loop;
        if (l != null) {
            l.progressed();
        }
    }

    private void confirmStored(P position) {
        ChangeStreamLoop<P> l = loop;
        if (l != null) {
            l.positionStored(position);
        }
    }

    /** Where a new connection continues after a failure: right after the last processed event. */
    StartPosition<P> restartPosition() {
        Snapshotter<P> s = snapshotter;
        if (s != null) {
            s.connectionLost();
        }
        P p = lastPosition;
        return p != null ? StartPosition.at(p) : startPosition;
    }

    void connected(boolean connected, Throwable error) {
        this.connected = connected;
        this.lastError = error;
    }

    public boolean isConnected() {
        return connected;
    }

    public Throwable getLastError() {
        return lastError;
    }

    public P getLastPosition() {
        return lastPosition;
    }

    public long getEventCount() {
        return eventCount.get();
    }

    @Override
    public void setResumeStrategy(ResumeStrategy resumeStrategy) {
        this.resumeStrategy = resumeStrategy;
    }

    @Override
    public ResumeStrategy getResumeStrategy() {
        return resumeStrategy;
    }

    @Override
    public String adapterFactoryService() {
        return DbLogResumeAdapter.FACTORY_SERVICE;
    }

}

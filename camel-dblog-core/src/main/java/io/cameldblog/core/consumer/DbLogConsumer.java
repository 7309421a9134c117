package io.cameldblog.core.consumer;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.atomic.AtomicLong;

import io.cameldblog.core.ChangeEvent;
import io.cameldblog.core.DbLogConfigurationException;
import io.cameldblog.core.LogPosition;
import io.cameldblog.core.StartPosition;
import io.cameldblog.core.resume.BatchingResumeStrategy;
import io.cameldblog.core.resume.DbLogResumeAdapter;
import io.cameldblog.core.resume.PositionResumable;
import io.cameldblog.core.resume.StoredPositionNotifier;
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
        startPosition = resolveStartPosition();
        LOG.info("{} starting from {}", endpoint.getEndpointBaseUri(), startPosition);
        if (resumeStrategy == null) {
            LOG.warn("Route {} stores no positions of {} (the route has no resumable()): after a restart it {}."
                     + " Add resumable() with a resume strategy to continue where it stopped.",
                    getRouteId(), endpoint.getEndpointBaseUri(), endpoint.restartWithoutStoredPosition());
        }

        // open on the caller's thread: a configuration error fails the route's start instead of a log line
        ChangeLogReader<P> reader = endpoint.createReader();
        try {
            reader.open(startPosition);
        } catch (Exception e) {
            reader.close();
            lastError = e;
            throw e;
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
                    return StartPosition.restored(endpoint.positionCodec().fromMap(stored.get()));
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

    @Override
    public void emit(ChangeEvent event) throws Exception {
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
        message.getHeaders().putAll(new ChangeEventHeaders(event,
                event.position() == null ? null : new PositionResumable(offsetKey, event.position())));
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
            resumeStrategy.updateLastOffset(new PositionResumable(offsetKey, position));
            if (!(resumeStrategy instanceof StoredPositionNotifier)) {
                confirmStored(position);
            }
        } catch (Exception e) {
            LOG.warn("{}: could not store position {} ({}); it will be stored with a later one",
                    endpoint.getEndpointBaseUri(), position.text(), e.getMessage());
        }
    }

    private void onPositionStored(Map<String, Object> stored) {
        try {
            confirmStored(endpoint.positionCodec().fromMap(stored));
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

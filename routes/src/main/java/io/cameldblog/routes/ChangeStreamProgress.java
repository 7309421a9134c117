package io.cameldblog.routes;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import io.cameldblog.core.DbLogConstants;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.camel.CamelContext;
import org.apache.camel.CamelContextAware;
import org.apache.camel.Exchange;
import org.apache.camel.spi.CamelEvent;
import org.apache.camel.support.EventNotifierSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The progress line an operator watches: every few seconds, per change-stream route, events processed (total
 * and per second), how far behind the source it is (commit time to processing, in ms) and the position of the
 * last processed event. Counts only exchanges that completed, i.e. events whose position may be stored.
 */
public class ChangeStreamProgress extends EventNotifierSupport implements CamelContextAware {

    private static final Logger LOG = LoggerFactory.getLogger(ChangeStreamProgress.class);

    private final Map<String, RouteProgress> routes = new ConcurrentHashMap<>();
    private CamelContext camelContext;
    private ScheduledExecutorService scheduler;
    private long intervalMillis = 5000;

    static final class RouteProgress {
        final AtomicLong events = new AtomicLong();
        volatile long reported;
        volatile long lagMillis;
        volatile String position;
    }

    public void setIntervalMillis(long intervalMillis) {
        this.intervalMillis = intervalMillis;
    }

    @Override
    public void setCamelContext(CamelContext camelContext) {
        this.camelContext = camelContext;
    }

    @Override
    public CamelContext getCamelContext() {
        return camelContext;
    }

    @Override
    protected void doInit() throws Exception {
        super.doInit();
        setIgnoreExchangeCreatedEvent(true);
        setIgnoreExchangeSendingEvents(true);
        setIgnoreExchangeSentEvents(true);
        setIgnoreExchangeAsyncProcessingStartedEvents(true);
        setIgnoreCamelContextEvents(true);
        setIgnoreRouteEvents(true);
        setIgnoreServiceEvents(true);
        setIgnoreStepEvents(true);
    }

    @Override
    public boolean isEnabled(CamelEvent event) {
        return event instanceof CamelEvent.ExchangeCompletedEvent;
    }

    @Override
    public void notify(CamelEvent event) {
        Exchange exchange = ((CamelEvent.ExchangeCompletedEvent) event).getExchange();
        String position = exchange.getMessage().getHeader(DbLogConstants.POSITION, String.class);
        if (position == null || exchange.isFailed() || exchange.getFromRouteId() == null) {
            return;
        }
        RouteProgress p = routes.computeIfAbsent(exchange.getFromRouteId(), this::register);
        p.events.incrementAndGet();
        p.position = position;
        Long committed = exchange.getMessage().getHeader(DbLogConstants.TIMESTAMP, Long.class);
        if (committed != null) {
            p.lagMillis = Math.max(0, System.currentTimeMillis() - committed);
        }
    }

    @Override
    protected void doStart() throws Exception {
        super.doStart();
        scheduler = camelContext.getExecutorServiceManager().newSingleThreadScheduledExecutor(this, "DbLogProgress");
        scheduler.scheduleAtFixedRate(this::report, intervalMillis, intervalMillis, TimeUnit.MILLISECONDS);
    }

    @Override
    protected void doStop() throws Exception {
        if (scheduler != null) {
            camelContext.getExecutorServiceManager().shutdown(scheduler);
            scheduler = null;
        }
        report();
        super.doStop();
    }

    /**
     * A new change-stream route: its counters, also as Micrometer meters when the application has a registry
     * ({@code camel.metrics.enabled}), so /observe/metrics shows events, lag and how far each stream got.
     */
    private RouteProgress register(String routeId) {
        RouteProgress p = new RouteProgress();
        MeterRegistry meters = camelContext.getRegistry().findSingleByType(MeterRegistry.class);
        if (meters != null) {
            FunctionCounter.builder("dblog.events", p, r -> r.events.get())
                    .description("change events processed").tag("route", routeId).register(meters);
            Gauge.builder("dblog.lag", p, r -> r.lagMillis).baseUnit("milliseconds")
                    .description("processing time minus the source's commit time of the last event")
                    .tag("route", routeId).register(meters);
        }
        return p;
    }

    /** Total events per route, for metrics and tests. */
    public Map<String, Long> totals() {
        Map<String, Long> totals = new TreeMap<>();
        routes.forEach((id, p) -> totals.put(id, p.events.get()));
        return totals;
    }

    private void report() {
        new TreeMap<>(routes).forEach((id, p) -> {
            long total = p.events.get();
            long delta = total - p.reported;
            p.reported = total;
            LOG.info("{}: {} events (+{}, {}/s), lag {} ms, at {}", id, total, delta,
                    String.format("%.1f", delta * 1000.0 / intervalMillis), p.lagMillis, p.position);
        });
    }
}

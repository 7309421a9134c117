package io.cameldblog.routes;

import io.cameldblog.core.resume.BatchingResumeStrategy;
import org.apache.camel.Route;
import org.apache.camel.resume.ResumeAware;
import org.apache.camel.spi.CamelEvent;
import org.apache.camel.support.EventNotifierSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * When a route has stopped, the positions its store did not take (store down, or the stop cut short): one line per
 * position, so the operator knows where the next start will replay from and what comes again.
 */
final class UnstoredPositionsReport extends EventNotifierSupport {

    private static final Logger LOG = LoggerFactory.getLogger(UnstoredPositionsReport.class);

    @Override
    public boolean isEnabled(CamelEvent event) {
        return event instanceof CamelEvent.RouteStoppedEvent;
    }

    @Override
    public void notify(CamelEvent event) {
        Route route = ((CamelEvent.RouteStoppedEvent) event).getRoute();
        if (route.getConsumer() instanceof ResumeAware<?> aware
            && aware.getResumeStrategy() instanceof BatchingResumeStrategy strategy) {
            strategy.unstoredPositions().forEach((endpoint, position) -> LOG.warn(
                    "{}: position {} not stored (endpoint {}, store {}): the next start replays the events after"
                    + " the last stored position", route.getRouteId(), position, endpoint,
                    PositionStore.describe(strategy)));
        }
    }
}

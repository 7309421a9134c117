package io.cameldblog.routes;

import java.lang.reflect.Field;

import org.apache.camel.CamelContext;
import org.apache.camel.Consumer;
import org.apache.camel.Route;
import org.apache.camel.component.master.MasterConsumer;
import org.apache.camel.spi.CamelEvent;
import org.apache.camel.support.EventNotifierSupport;
import org.apache.camel.support.service.ServiceHelper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A clean stop hands a stream over without duplicates: the change-stream consumer of each {@code master:} route
 * is stopped (and its last position stored) before the route's leadership is given up. Camel's
 * {@link MasterConsumer} does it the other way round — it leaves the election first and stops the consumer it wraps
 * after — so the standby started from the stored position while the old leader was still processing events.
 */
final class StandbyHandover extends EventNotifierSupport {

    private static final Logger LOG = LoggerFactory.getLogger(StandbyHandover.class);
    private static final Field DELEGATED_CONSUMER = delegatedConsumerField();

    private final CamelContext camel;

    StandbyHandover(CamelContext camel) {
        this.camel = camel;
    }

    @Override
    public boolean isEnabled(CamelEvent event) {
        return event instanceof CamelEvent.CamelContextStoppingEvent;
    }

    @Override
    public void notify(CamelEvent event) {
        if (DELEGATED_CONSUMER == null) {
            return;
        }
        for (Route route : camel.getRoutes()) {
            if (route.getConsumer() instanceof MasterConsumer master && master.isMaster()) {
                try {
                    Consumer c = changeStream(master);
                    if (c != null) {
                        ServiceHelper.stopService(c);
                        LOG.info("Route {}: change stream stopped before giving up the leadership", route.getRouteId());
                    }
                } catch (Exception e) {
                    LOG.warn("Route {}: could not stop the change stream before giving up the leadership: {}",
                            route.getRouteId(), e.getMessage());
                }
            }
        }
    }

    /** The change-stream consumer a master: route runs while it leads, or null (standby, not started yet). */
    static Consumer changeStream(MasterConsumer master) {
        if (DELEGATED_CONSUMER == null) {
            return null;
        }
        try {
            return DELEGATED_CONSUMER.get(master) instanceof Consumer c ? c : null;
        } catch (IllegalAccessException e) {
            return null;
        }
    }

    /** Camel keeps the wrapped consumer private; null when a later Camel renamed it (the handover then duplicates). */
    private static Field delegatedConsumerField() {
        try {
            Field field = MasterConsumer.class.getDeclaredField("delegatedConsumer");
            field.setAccessible(true);
            return field;
        } catch (ReflectiveOperationException | RuntimeException e) {
            LoggerFactory.getLogger(StandbyHandover.class).warn(
                    "Camel's MasterConsumer has no field delegatedConsumer: a clean stop may process the last events"
                    + " on both instances ({})", e.getMessage());
            return null;
        }
    }
}

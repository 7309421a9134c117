package io.cameldblog.core.consumer;

import java.util.Map;

import org.apache.camel.health.HealthCheckResultBuilder;
import org.apache.camel.impl.health.AbstractHealthCheck;

/**
 * UP while the consumer holds a live connection to its change log, DOWN while it is disconnected or failing
 * (with the last error, so the health endpoint says why).
 */
public class DbLogConsumerHealthCheck extends AbstractHealthCheck {

    private final DbLogConsumer<?> consumer;

    public DbLogConsumerHealthCheck(DbLogConsumer<?> consumer, String routeId) {
        super("camel", "consumer:" + routeId);
        this.consumer = consumer;
    }

    @Override
    protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
        builder.detail("endpoint", consumer.getEndpoint().getEndpointBaseUri());
        builder.detail("events", consumer.getEventCount());
        if (consumer.getLastPosition() != null) {
            builder.detail("position", consumer.getLastPosition().text());
        }
        if (consumer.isConnected()) {
            builder.up();
            return;
        }
        builder.down();
        Throwable error = consumer.getLastError();
        if (error != null) {
            builder.message(error.getMessage() != null ? error.getMessage() : error.getClass().getName());
            builder.error(error);
        } else {
            builder.message("Not connected to " + consumer.getEndpoint().getEndpointBaseUri());
        }
    }
}

package io.cameldblog.core.testing;

import java.util.Collection;

import org.apache.camel.CamelContext;
import org.apache.camel.health.HealthCheck;
import org.apache.camel.health.HealthCheckHelper;
import org.apache.camel.health.HealthCheckRegistry;

/** The change-stream consumer's health check, as an orchestrator reads it from camel-main. */
public final class ConsumerHealth {

    private ConsumerHealth() {
    }

    /** What {@code camel.health.enabled} and {@code camel.health.consumers-enabled} do in camel-main. */
    public static void enable(CamelContext context) {
        HealthCheckRegistry registry = HealthCheckRegistry.get(context);
        registry.setEnabled(true);
        registry.register(registry.resolveById("consumers"));
    }

    /** The current result of the consumer check of route {@code routeId}. */
    public static HealthCheck.Result of(CamelContext context, String routeId) {
        Collection<HealthCheck.Result> results = HealthCheckHelper.invoke(context);
        return results.stream().filter(r -> r.getCheck().getId().equals("consumer:" + routeId)).findFirst()
                .orElseThrow(() -> new AssertionError("no health check of route " + routeId + "'s consumer among "
                                                      + results.stream().map(r -> r.getCheck().getId()).toList()));
    }
}

package io.cameldblog.core.consumer;

import org.apache.camel.support.HealthCheckComponent;

/**
 * Base of the three source components: gives each the {@code healthCheckConsumerEnabled} option and the
 * consumer health check wiring of {@link DbLogConsumer}.
 */
public abstract class DbLogComponent extends HealthCheckComponent {
}

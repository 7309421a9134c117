package io.cameldblog.springboot;

import org.apache.camel.spring.boot.ComponentConfigurationPropertiesCommon;

/**
 * The component-level options the three camel-dblog components share (they come from Camel's
 * {@code HealthCheckComponent}); each component's configuration class only adds its prefix. Values left unset
 * keep the component's own default. {@code ComponentOptionsCoverageTest} checks this class against the
 * components' generated JSON, so a new component option cannot be forgotten here.
 */
public abstract class DbLogComponentConfigurationProperties extends ComponentConfigurationPropertiesCommon {

    /**
     * Whether to enable auto configuration of the component. This is enabled by default.
     */
    private Boolean enabled;
    /**
     * Allows for bridging the consumer to the Camel routing Error Handler: exceptions while the consumer reads the
     * change log are then processed as a message by the route's error handler instead of being logged.
     */
    private Boolean bridgeErrorHandler = false;
    /**
     * Whether autowiring is enabled: options marked as autowired are looked up in the registry by type.
     */
    private Boolean autowiredEnabled = true;
    /**
     * Whether the consumers' health checks (DOWN while disconnected from the database) are enabled.
     */
    private Boolean healthCheckConsumerEnabled = true;
    /**
     * Whether producer health checks are enabled (the components only consume; kept for Camel's common option set).
     */
    private Boolean healthCheckProducerEnabled = true;

    public Boolean getBridgeErrorHandler() {
        return bridgeErrorHandler;
    }

    public void setBridgeErrorHandler(Boolean bridgeErrorHandler) {
        this.bridgeErrorHandler = bridgeErrorHandler;
    }

    public Boolean getAutowiredEnabled() {
        return autowiredEnabled;
    }

    public void setAutowiredEnabled(Boolean autowiredEnabled) {
        this.autowiredEnabled = autowiredEnabled;
    }

    public Boolean getHealthCheckConsumerEnabled() {
        return healthCheckConsumerEnabled;
    }

    public void setHealthCheckConsumerEnabled(Boolean healthCheckConsumerEnabled) {
        this.healthCheckConsumerEnabled = healthCheckConsumerEnabled;
    }

    public Boolean getHealthCheckProducerEnabled() {
        return healthCheckProducerEnabled;
    }

    public void setHealthCheckProducerEnabled(Boolean healthCheckProducerEnabled) {
        this.healthCheckProducerEnabled = healthCheckProducerEnabled;
    }
}

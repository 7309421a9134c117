package io.cameldblog.springboot;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The {@code pgwal:} component (PostgreSQL write-ahead log (logical decoding)) as {@code camel.component.pgwal.*}.
 */
@ConfigurationProperties(prefix = "camel.component.pgwal")
public class PgWalComponentConfiguration extends DbLogComponentConfigurationProperties {
}

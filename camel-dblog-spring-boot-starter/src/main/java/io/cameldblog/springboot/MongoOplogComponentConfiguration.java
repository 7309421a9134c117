package io.cameldblog.springboot;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The {@code mongooplog:} component (MongoDB oplog or change streams) as {@code camel.component.mongooplog.*}.
 */
@ConfigurationProperties(prefix = "camel.component.mongooplog")
public class MongoOplogComponentConfiguration extends DbLogComponentConfigurationProperties {
}

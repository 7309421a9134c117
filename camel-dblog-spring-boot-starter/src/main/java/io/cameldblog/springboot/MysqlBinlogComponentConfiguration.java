package io.cameldblog.springboot;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The {@code mysqlbinlog:} component (MySQL / MariaDB binary log) as {@code camel.component.mysqlbinlog.*}.
 */
@ConfigurationProperties(prefix = "camel.component.mysqlbinlog")
public class MysqlBinlogComponentConfiguration extends DbLogComponentConfigurationProperties {
}

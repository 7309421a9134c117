package io.cameldblog.springboot;

import io.cameldblog.mysql.MysqlBinlogComponent;
import org.apache.camel.CamelContext;
import org.apache.camel.spi.ComponentCustomizer;
import org.apache.camel.spring.boot.CamelAutoConfiguration;
import org.apache.camel.spring.boot.ComponentConfigurationProperties;
import org.apache.camel.spring.boot.util.ConditionalOnCamelContextAndAutoConfigurationBeans;
import org.apache.camel.spring.boot.util.ConditionalOnHierarchicalProperties;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Lazy;

/**
 * Applies {@code camel.component.mysqlbinlog.*} to the {@code mysqlbinlog:} component, as Camel's own starters do
 * (switched off with {@code camel.component.mysqlbinlog.enabled=false}).
 */
@AutoConfiguration(after = CamelAutoConfiguration.class)
@ConditionalOnClass(MysqlBinlogComponent.class)
@Conditional(ConditionalOnCamelContextAndAutoConfigurationBeans.class)
@EnableConfigurationProperties({ ComponentConfigurationProperties.class, MysqlBinlogComponentConfiguration.class })
@ConditionalOnHierarchicalProperties({ "camel.component", "camel.component.mysqlbinlog" })
public class MysqlBinlogComponentAutoConfiguration {

    @Lazy
    @Bean
    public ComponentCustomizer configureMysqlBinlogComponent(
            CamelContext camelContext, ApplicationContext applicationContext, MysqlBinlogComponentConfiguration configuration) {
        return new DbLogComponentCustomizer(camelContext, applicationContext, "mysqlbinlog", MysqlBinlogComponent.class,
                configuration);
    }
}

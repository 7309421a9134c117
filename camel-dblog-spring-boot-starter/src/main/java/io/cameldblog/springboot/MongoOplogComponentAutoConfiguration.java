package io.cameldblog.springboot;

import io.cameldblog.mongo.MongoOplogComponent;
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
 * Applies {@code camel.component.mongooplog.*} to the {@code mongooplog:} component, as Camel's own starters do
 * (switched off with {@code camel.component.mongooplog.enabled=false}).
 */
@AutoConfiguration(after = CamelAutoConfiguration.class)
@ConditionalOnClass(MongoOplogComponent.class)
@Conditional(ConditionalOnCamelContextAndAutoConfigurationBeans.class)
@EnableConfigurationProperties({ ComponentConfigurationProperties.class, MongoOplogComponentConfiguration.class })
@ConditionalOnHierarchicalProperties({ "camel.component", "camel.component.mongooplog" })
public class MongoOplogComponentAutoConfiguration {

    @Lazy
    @Bean
    public ComponentCustomizer configureMongoOplogComponent(
            CamelContext camelContext, ApplicationContext applicationContext, MongoOplogComponentConfiguration configuration) {
        return new DbLogComponentCustomizer(camelContext, applicationContext, "mongooplog", MongoOplogComponent.class,
                configuration);
    }
}

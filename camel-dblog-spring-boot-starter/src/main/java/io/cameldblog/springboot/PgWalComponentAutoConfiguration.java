package io.cameldblog.springboot;

import io.cameldblog.postgres.PgWalComponent;
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
 * Applies {@code camel.component.pgwal.*} to the {@code pgwal:} component, as Camel's own starters do
 * (switched off with {@code camel.component.pgwal.enabled=false}).
 */
@AutoConfiguration(after = CamelAutoConfiguration.class)
@ConditionalOnClass(PgWalComponent.class)
@Conditional(ConditionalOnCamelContextAndAutoConfigurationBeans.class)
@EnableConfigurationProperties({ ComponentConfigurationProperties.class, PgWalComponentConfiguration.class })
@ConditionalOnHierarchicalProperties({ "camel.component", "camel.component.pgwal" })
public class PgWalComponentAutoConfiguration {

    @Lazy
    @Bean
    public ComponentCustomizer configurePgWalComponent(
            CamelContext camelContext, ApplicationContext applicationContext, PgWalComponentConfiguration configuration) {
        return new DbLogComponentCustomizer(camelContext, applicationContext, "pgwal", PgWalComponent.class,
                configuration);
    }
}

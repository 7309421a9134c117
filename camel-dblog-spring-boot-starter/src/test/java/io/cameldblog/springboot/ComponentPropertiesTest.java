package io.cameldblog.springboot;

import io.cameldblog.core.consumer.DbLogComponent;
import io.cameldblog.mongo.MongoOplogComponent;
import io.cameldblog.mysql.MysqlBinlogComponent;
import io.cameldblog.postgres.PgWalComponent;
import io.cameldblog.springboot.app.ChangeStreamApplication;
import org.apache.camel.CamelContext;
import org.apache.camel.spring.boot.CamelAutoConfiguration;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * camel.component.&lt;scheme&gt;.* reaches each of the three components in a running Spring Boot application, only
 * the component it names, {@code enabled=false} leaves a component as Camel creates it, and a component the
 * application did not add is not configured.
 */
class ComponentPropertiesTest {

    @Test
    void eachComponentGetsItsOwnProperties() {
        try (ConfigurableApplicationContext app = start(
                "--camel.component.mysqlbinlog.bridge-error-handler=true",
                "--camel.component.pgwal.health-check-consumer-enabled=false",
                "--camel.component.mongooplog.autowired-enabled=false")) {
            CamelContext camel = app.getBean(CamelContext.class);
            DbLogComponent mysql = camel.getComponent("mysqlbinlog", MysqlBinlogComponent.class);
            DbLogComponent pg = camel.getComponent("pgwal", PgWalComponent.class);
            DbLogComponent mongo = camel.getComponent("mongooplog", MongoOplogComponent.class);

            assertThat(mysql.isBridgeErrorHandler()).isTrue();
            assertThat(mysql.isHealthCheckConsumerEnabled()).isTrue();
            assertThat(pg.isHealthCheckConsumerEnabled()).isFalse();
            assertThat(pg.isBridgeErrorHandler()).isFalse();
            assertThat(mongo.isAutowiredEnabled()).isFalse();
            assertThat(mongo.isHealthCheckConsumerEnabled()).isTrue();
        }
    }

    @Test
    void aDisabledComponentConfigurationIsNotApplied() {
        try (ConfigurableApplicationContext app = start("--camel.component.pgwal.enabled=false",
                "--camel.component.pgwal.health-check-consumer-enabled=false")) {
            PgWalComponent pg = app.getBean(CamelContext.class).getComponent("pgwal", PgWalComponent.class);
            assertThat(pg.isHealthCheckConsumerEnabled()).isTrue();
            assertThat(app.getBeanNamesForType(PgWalComponentConfiguration.class)).isEmpty();
        }
    }

    @Test
    void aComponentMissingFromTheClasspathIsNotConfigured() {
        ApplicationContextRunner runner = new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(
                CamelAutoConfiguration.class, MysqlBinlogComponentAutoConfiguration.class,
                PgWalComponentAutoConfiguration.class));
        runner.withClassLoader(new FilteredClassLoader(MysqlBinlogComponent.class)).run(ctx -> {
            assertThat(ctx).hasNotFailed();
            assertThat(ctx).doesNotHaveBean(MysqlBinlogComponentConfiguration.class);
            assertThat(ctx).hasSingleBean(PgWalComponentConfiguration.class);
        });
    }

    /** The test application without routes: only the components are looked at. */
    private static ConfigurableApplicationContext start(String... args) {
        String[] all = new String[args.length + 1];
        all[0] = "--camel.main.routes-include-pattern=classpath:no-routes/*.yaml";
        System.arraycopy(args, 0, all, 1, args.length);
        return new SpringApplicationBuilder(ChangeStreamApplication.class).run(all);
    }
}

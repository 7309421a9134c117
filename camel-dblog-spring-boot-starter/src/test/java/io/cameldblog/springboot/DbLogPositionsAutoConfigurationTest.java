package io.cameldblog.springboot;

import io.cameldblog.core.resume.FileResumeStrategy;
import io.cameldblog.core.resume.ZooKeeperResumeStrategy;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

/** Which {@code positions} bean camel.dblog.positions.* gives, and the error when it is ambiguous. */
class DbLogPositionsAutoConfigurationTest {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(DbLogPositionsAutoConfiguration.class));

    @Test
    void aDirectoryGivesFilePositionsWithTheBatchingOptions() {
        runner.withPropertyValues("camel.dblog.positions.directory=/var/lib/app/offsets",
                "camel.dblog.positions.batch-size=100", "camel.dblog.positions.batch-interval=2s",
                "camel.dblog.positions.max-unstored=500").run(ctx -> {
                    FileResumeStrategy positions = ctx.getBean("positions", FileResumeStrategy.class);
                    assertThat(positions.getDirectory()).hasToString("/var/lib/app/offsets");
                    assertThat(positions.getBatchSize()).isEqualTo(100);
                    assertThat(positions.getBatchIntervalMillis()).isEqualTo(2000);
                    assertThat(positions.getMaxUnstored()).isEqualTo(500);
                });
    }

    @Test
    void aConnectStringGivesZooKeeperPositions() {
        runner.withPropertyValues("camel.dblog.positions.zookeeper.connect-string=zk1:2181,zk2:2181",
                "camel.dblog.positions.zookeeper.base-path=/shop/positions/").run(ctx -> {
                    ZooKeeperResumeStrategy positions = ctx.getBean("positions", ZooKeeperResumeStrategy.class);
                    assertThat(positions.getConnectString()).isEqualTo("zk1:2181,zk2:2181");
                    assertThat(positions.getBasePath()).isEqualTo("/shop/positions");
                    assertThat(positions.getBatchSize()).isEqualTo(1);
                });
    }

    @Test
    void nothingConfiguredGivesNoBean() {
        runner.run(ctx -> assertThat(ctx).doesNotHaveBean("positions"));
    }

    @Test
    void bothLocationsFailTheStartNamingTheFix() {
        runner.withPropertyValues("camel.dblog.positions.directory=offsets",
                "camel.dblog.positions.zookeeper.connect-string=zk1:2181").run(ctx -> {
                    assertThat(ctx).hasFailed();
                    assertThat(ctx.getStartupFailure()).rootCause()
                            .hasMessageContaining("camel.dblog.positions.directory")
                            .hasMessageContaining("keep one");
                });
    }

    @Test
    void anApplicationsOwnPositionsBeanWins() {
        runner.withPropertyValues("camel.dblog.positions.directory=offsets")
                .withBean("positions", ZooKeeperResumeStrategy.class, () -> new ZooKeeperResumeStrategy("own:2181"))
                .run(ctx -> assertThat(ctx.getBean("positions")).isInstanceOf(ZooKeeperResumeStrategy.class));
    }
}

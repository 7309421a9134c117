package io.cameldblog.springboot;

import io.cameldblog.core.DbLogConfigurationException;
import io.cameldblog.core.resume.BatchingResumeStrategy;
import io.cameldblog.core.resume.FileResumeStrategy;
import io.cameldblog.core.resume.ZooKeeperResumeStrategy;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.AnyNestedCondition;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;

/**
 * Registers the bean {@code positions} (a {@link ZooKeeperResumeStrategy} or a {@link FileResumeStrategy}) from
 * {@code camel.dblog.positions.*}, unless the application defines its own bean of that name. Spring stops it
 * after the Camel context, so the positions of the last exchanges are stored on shutdown.
 */
@AutoConfiguration
@EnableConfigurationProperties(DbLogPositionsConfiguration.class)
public class DbLogPositionsAutoConfiguration {

    /** The bean name routes refer to in {@code resumable: resumeStrategy: positions}. */
    public static final String BEAN_NAME = "positions";

    @Bean(name = BEAN_NAME, destroyMethod = "stop")
    @ConditionalOnMissingBean(name = BEAN_NAME)
    @Conditional(PositionStoreConfigured.class)
    public BatchingResumeStrategy positions(DbLogPositionsConfiguration config) {
        DbLogPositionsConfiguration.ZooKeeper zk = config.getZookeeper();
        boolean hasZooKeeper = zk.getConnectString() != null && !zk.getConnectString().isBlank();
        boolean hasDirectory = config.getDirectory() != null && !config.getDirectory().isBlank();
        if (hasZooKeeper && hasDirectory) {
            throw new DbLogConfigurationException(
                    "Both camel.dblog.positions.zookeeper.connect-string and camel.dblog.positions.directory are set.",
                    "keep one: ZooKeeper when the route may run on several machines, a directory for one machine.");
        }
        BatchingResumeStrategy strategy;
        if (hasZooKeeper) {
            ZooKeeperResumeStrategy zooKeeper = new ZooKeeperResumeStrategy(zk.getConnectString());
            zooKeeper.setBasePath(zk.getBasePath());
            zooKeeper.setSessionTimeoutMillis(Math.toIntExact(zk.getSessionTimeout().toMillis()));
            zooKeeper.setConnectionTimeoutMillis(Math.toIntExact(zk.getConnectionTimeout().toMillis()));
            zooKeeper.setDigestAuth(zk.getDigestAuth());
            zooKeeper.setRestrictAcl(zk.isRestrictAcl());
            strategy = zooKeeper;
        } else {
            FileResumeStrategy files = new FileResumeStrategy();
            files.setDirectory(config.getDirectory());
            strategy = files;
        }
        strategy.setBatchSize(config.getBatchSize());
        if (config.getBatchInterval() != null) {
            strategy.setBatchIntervalMillis(config.getBatchInterval().toMillis());
        }
        if (config.getWriteInterval() != null) {
            strategy.setWriteIntervalMillis(config.getWriteInterval().toMillis());
        }
        strategy.setMaxUnstored(config.getMaxUnstored());
        return strategy;
    }

    /** A store is configured when either of its two locations is set. */
    static final class PositionStoreConfigured extends AnyNestedCondition {

        PositionStoreConfigured() {
            super(ConfigurationPhase.REGISTER_BEAN);
        }

        @ConditionalOnProperty(prefix = "camel.dblog.positions.zookeeper", name = "connect-string")
        static final class ZooKeeperConfigured {
        }

        @ConditionalOnProperty(prefix = "camel.dblog.positions", name = "directory")
        static final class DirectoryConfigured {
        }
    }
}

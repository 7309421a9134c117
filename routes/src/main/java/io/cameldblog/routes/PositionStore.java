package io.cameldblog.routes;

import java.nio.file.Path;

import io.cameldblog.core.resume.BatchingResumeStrategy;
import io.cameldblog.core.resume.FileResumeStrategy;
import io.cameldblog.core.resume.ZooKeeperResumeStrategy;
import org.apache.camel.CamelContext;
import org.apache.camel.resume.ResumeStrategy;
import org.apache.camel.spi.PropertiesComponent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The resume strategy the YAML routes name in {@code resumable: {resumeStrategy: positions}}: ZooKeeper when
 * {@code dblog.zookeeper} is set (env {@code DBLOG_ZOOKEEPER}), else files in {@code dblog.offsets} (env
 * {@code DBLOG_OFFSETS}). Bound as a prototype: each route gets its own instance, so stopping one route flushes
 * and closes only its own store connection while the others keep storing.
 */
final class PositionStore {

    static final String BEAN = "positions";
    private static final Logger LOG = LoggerFactory.getLogger(PositionStore.class);

    private PositionStore() {
    }

    static void bind(CamelContext camel) {
        PropertiesComponent props = camel.getPropertiesComponent();
        String zooKeeper = props.resolveProperty("dblog.zookeeper").map(String::trim).orElse("");
        String offsets = props.resolveProperty("dblog.offsets").map(String::trim).orElse("offsets");
        int batchSize = props.resolveProperty("dblog.positions.batch-size").map(v -> Integer.parseInt(v.trim()))
                .orElse(1);
        long batchMillis = props.resolveProperty("dblog.positions.batch-millis").map(v -> Long.parseLong(v.trim()))
                .orElse(0L);
        LOG.info("Positions stored in {}", zooKeeper.isEmpty() ? "directory " + Path.of(offsets).toAbsolutePath()
                : "ZooKeeper " + zooKeeper + "/camel-dblog/offsets");
        camel.getRegistry().bindAsPrototype(BEAN, ResumeStrategy.class, () -> {
            BatchingResumeStrategy strategy = zooKeeper.isEmpty()
                    ? new FileResumeStrategy(Path.of(offsets)) : new ZooKeeperResumeStrategy(zooKeeper);
            strategy.setBatchSize(batchSize);
            strategy.setBatchIntervalMillis(batchMillis);
            return strategy;
        });
    }
}

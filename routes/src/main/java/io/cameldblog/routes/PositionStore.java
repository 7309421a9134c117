package io.cameldblog.routes;

import java.nio.file.Path;
import java.util.Optional;

import io.cameldblog.core.resume.BatchingResumeStrategy;
import io.cameldblog.core.resume.FileResumeStrategy;
import io.cameldblog.core.resume.ZooKeeperResumeStrategy;
import org.apache.camel.CamelContext;
import org.apache.camel.model.Model;
import org.apache.camel.model.ProcessorDefinition;
import org.apache.camel.model.ResumableDefinition;
import org.apache.camel.model.RouteDefinition;
import org.apache.camel.resume.ResumeStrategy;
import org.apache.camel.spi.PropertiesComponent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The resume strategy the YAML routes name in {@code resumable: {resumeStrategy: positions}}: ZooKeeper when
 * {@code dblog.zookeeper} is set (env {@code DBLOG_ZOOKEEPER}, or the ensemble of {@code DBLOG_CLUSTER}), else
 * files in {@code dblog.offsets} (env {@code DBLOG_OFFSETS}). Bound as a prototype: each route gets its own
 * instance, so stopping one route flushes and closes only its own store connection while the others keep storing.
 * <p>
 * Only a default: a bean of that name declared by the user (YAML {@code beans:}, {@code camel.beans.positions})
 * always wins, since binding over it would silently store positions somewhere else than the user configured.
 */
final class PositionStore {

    static final String BEAN = "positions";
    private static final Logger LOG = LoggerFactory.getLogger(PositionStore.class);

    private PositionStore() {
    }

    static void bind(CamelContext camel) {
        if (camel.getRegistry().lookupByName(BEAN) != null) {
            LOG.info("Positions: using the bean '{}' declared in the configuration (the app's default is not bound)",
                    BEAN);
            return;
        }
        PropertiesComponent props = camel.getPropertiesComponent();
        String zooKeeper = zooKeeper(props);
        String offsets = props.resolveProperty("dblog.offsets").map(String::trim).orElse("offsets");
        int batchSize = props.resolveProperty("dblog.positions.batch-size").map(v -> Integer.parseInt(v.trim()))
                .orElse(1);
        long batchMillis = props.resolveProperty("dblog.positions.batch-millis").map(v -> Long.parseLong(v.trim()))
                .orElse(0L);
        Long writeMillis = props.resolveProperty("dblog.positions.write-interval-millis")
                .map(v -> Long.parseLong(v.trim())).orElse(null);
        LOG.info("Positions stored in {}", zooKeeper.isEmpty() ? "directory " + Path.of(offsets).toAbsolutePath()
                : "ZooKeeper " + zooKeeper + "/camel-dblog/offsets");
        camel.getRegistry().bindAsPrototype(BEAN, ResumeStrategy.class, () -> {
            BatchingResumeStrategy strategy = zooKeeper.isEmpty()
                    ? new FileResumeStrategy(Path.of(offsets)) : new ZooKeeperResumeStrategy(zooKeeper);
            strategy.setBatchSize(batchSize);
            strategy.setBatchIntervalMillis(batchMillis);
            if (writeMillis != null) {
                strategy.setWriteIntervalMillis(writeMillis);
            }
            return strategy;
        });
    }

    /** {@code dblog.zookeeper}, else the cluster's ensemble: instances that share a leader share positions. */
    private static String zooKeeper(PropertiesComponent props) {
        String zooKeeper = props.resolveProperty("dblog.zookeeper").map(String::trim).orElse("");
        return zooKeeper.isEmpty() ? HighAvailability.clusterNodes(props) : zooKeeper;
    }

    /** One line per resumable route: which bean stores its positions, and where that bean writes them. */
    static void logRoutes(CamelContext camel) {
        Model model = camel.getCamelContextExtension().getContextPlugin(Model.class);
        for (RouteDefinition route : model.getRouteDefinitions()) {
            resumable(route).ifPresent(r -> {
                Object bean = r.getResumeStrategyBean() != null ? r.getResumeStrategyBean()
                        : camel.getRegistry().lookupByName(r.getResumeStrategy());
                String name = r.getResumeStrategy() != null ? "'" + r.getResumeStrategy() + "'" : "(inline)";
                LOG.info("Route {}: positions in {} (resume strategy {})", route.getRouteId(), describe(bean), name);
            });
        }
    }

    private static Optional<ResumableDefinition> resumable(RouteDefinition route) {
        for (ProcessorDefinition<?> step : route.getOutputs()) {
            if (step instanceof ResumableDefinition r) {
                return Optional.of(r);
            }
        }
        return Optional.empty();
    }

    static String describe(Object strategy) {
        if (strategy instanceof ZooKeeperResumeStrategy zk) {
            return "ZooKeeper " + (zk.getConnectString() != null ? zk.getConnectString() : "(client)")
                   + zk.getBasePath();
        }
        if (strategy instanceof FileResumeStrategy file) {
            return "directory " + (file.getDirectory() != null ? file.getDirectory().toAbsolutePath() : "(unset)");
        }
        return strategy == null ? "nothing: no such bean" : strategy.getClass().getName();
    }
}

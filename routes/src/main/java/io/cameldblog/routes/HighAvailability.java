package io.cameldblog.routes;

import java.net.InetAddress;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import org.apache.camel.CamelContext;
import org.apache.camel.cluster.CamelClusterService;
import org.apache.camel.component.zookeeper.cluster.ZooKeeperClusterService;
import org.apache.camel.health.HealthCheckRegistry;
import org.apache.camel.model.FromDefinition;
import org.apache.camel.model.Model;
import org.apache.camel.model.RouteDefinition;
import org.apache.camel.spi.PropertiesComponent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Several instances of the app, one reading each change stream: {@code DBLOG_CLUSTER=zk1:2181,...} adds a
 * ZooKeeper cluster service and turns every change-stream route into {@code master:<route id>:<uri>}, so
 * ZooKeeper elects one instance per route; the others stand by and take over from the stored position.
 * <p>
 * Also fills what Camel's {@link ZooKeeperClusterService} leaves to the user, whether the app or the user's YAML
 * declared it: the member id (required; defaults to host name and process id) and the session timeout, which
 * bounds how long a killed leader blocks the takeover (Camel's default asks for 60 s, capped by the server to
 * 20 ticks, i.e. 40 s on a usual ensemble).
 */
final class HighAvailability {

    static final String BASE_PATH = "/camel-dblog/cluster";
    /** Schemes whose routes become {@code master:} routes: the change streams, which must have one reader. */
    static final List<String> CHANGE_STREAM_SCHEMES = List.of("mysqlbinlog:", "pgwal:", "mongooplog:");

    private static final Logger LOG = LoggerFactory.getLogger(HighAvailability.class);

    private HighAvailability() {
    }

    /** The ZooKeeper ensemble of {@code dblog.cluster} (env {@code DBLOG_CLUSTER}), or empty. */
    static String clusterNodes(PropertiesComponent props) {
        return props.resolveProperty("dblog.cluster").map(String::trim).orElse("");
    }

    /** Before the context starts: the cluster service (when asked for), its defaults, the master: routes. */
    static void configure(CamelContext camel) throws Exception {
        PropertiesComponent props = camel.getPropertiesComponent();
        String nodes = clusterNodes(props);
        String id = props.resolveProperty("dblog.instance-id").map(String::trim).filter(s -> !s.isEmpty())
                .orElseGet(HighAvailability::defaultInstanceId);
        long sessionTimeout = props.resolveProperty("dblog.cluster.session-timeout-millis")
                .map(v -> Long.parseLong(v.trim())).orElse(4000L);

        Set<CamelClusterService> declared = clusterServices(camel);
        if (!nodes.isEmpty() && declared.isEmpty()) {
            ZooKeeperClusterService service = new ZooKeeperClusterService();
            service.setNodes(nodes);
            service.setBasePath(BASE_PATH);
            applyDefaults(service, id, sessionTimeout);
            camel.addService(service);
            declared = Set.of(service);
        } else {
            for (CamelClusterService service : declared) {
                if (service instanceof ZooKeeperClusterService zk) {
                    applyDefaults(zk, id, sessionTimeout);
                }
                if (!camel.hasServices(CamelClusterService.class).contains(service)) {
                    camel.addService(service);
                }
            }
        }
        for (CamelClusterService service : declared) {
            LOG.info("High availability: member '{}' of {}", service.getId(), describe(service));
        }
        if (!nodes.isEmpty()) {
            wrapChangeStreams(camel);
        }
        if (!declared.isEmpty()) {
            camel.getManagementStrategy().addEventNotifier(new StandbyHandover(camel));
            HealthCheckRegistry health = HealthCheckRegistry.get(camel);
            if (health != null) {
                health.register(new ClusterRoleHealthCheck(camel));
            }
        }
    }

    /** The member id and session timeout, unless the user set them on the bean. */
    private static void applyDefaults(ZooKeeperClusterService zk, String id, long sessionTimeout) {
        if (zk.getId() == null || zk.getId().isBlank()) {
            zk.setId(id);
        }
        if (zk.getSessionTimeout() == 0) {
            zk.setSessionTimeout(sessionTimeout);
            // already initialised (added to the context before us): its configuration holds the copied value
            if (zk.getConfiguration() != null) {
                zk.getConfiguration().setSessionTimeout(sessionTimeout);
            }
        }
    }

    private static Set<CamelClusterService> clusterServices(CamelContext camel) {
        Set<CamelClusterService> services = new LinkedHashSet<>(camel.hasServices(CamelClusterService.class));
        services.addAll(camel.getRegistry().findByType(CamelClusterService.class));
        return services;
    }

    private static String describe(CamelClusterService service) {
        if (service instanceof ZooKeeperClusterService zk) {
            long timeout = zk.getSessionTimeout() != 0 ? zk.getSessionTimeout()
                    : zk.getConfiguration() != null ? zk.getConfiguration().getSessionTimeout() : 0;
            return "ZooKeeper " + zk.getNodes() + zk.getBasePath() + " (session timeout " + timeout + " ms)";
        }
        return service.getClass().getName();
    }

    /** Every change-stream route that is not already a master: route becomes one, named after the route. */
    private static void wrapChangeStreams(CamelContext camel) {
        Model model = camel.getCamelContextExtension().getContextPlugin(Model.class);
        for (RouteDefinition route : model.getRouteDefinitions()) {
            FromDefinition from = route.getInput();
            String uri = from == null ? null : from.getEndpointUri();
            if (uri == null || CHANGE_STREAM_SCHEMES.stream().noneMatch(uri::startsWith)) {
                continue;
            }
            String namespace = route.getRouteId() != null ? route.getRouteId()
                    : uri.substring(0, uri.indexOf('?') < 0 ? uri.length() : uri.indexOf('?')).replace(':', '-');
            from.setUri("master:" + namespace + ":" + uri);
            LOG.info("Route {}: runs on the elected instance only (master:{})", route.getRouteId(), namespace);
        }
    }

    /** Host name and process id: unique per running instance, and says where it runs. */
    static String defaultInstanceId() {
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (Exception e) {
            host = System.getenv().getOrDefault("HOSTNAME", "localhost");
        }
        return host + "-" + ProcessHandle.current().pid();
    }
}

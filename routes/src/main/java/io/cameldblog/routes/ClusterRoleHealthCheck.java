package io.cameldblog.routes;

import java.util.Map;
import java.util.TreeMap;

import org.apache.camel.CamelContext;
import org.apache.camel.Route;
import org.apache.camel.component.master.MasterConsumer;
import org.apache.camel.health.HealthCheckResultBuilder;
import org.apache.camel.impl.health.AbstractHealthCheck;

/**
 * The role of this instance per {@code master:} route: {@code leader} (it reads the change stream) or
 * {@code standby} (another instance does; this one takes over when it goes). Always UP: a standby is healthy,
 * and an orchestrator that restarted it would only lose the spare.
 */
final class ClusterRoleHealthCheck extends AbstractHealthCheck {

    private final CamelContext camel;

    ClusterRoleHealthCheck(CamelContext camel) {
        super("dblog", "cluster");
        this.camel = camel;
    }

    @Override
    public boolean isLiveness() {
        return false;
    }

    @Override
    protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
        Map<String, String> roles = new TreeMap<>();
        for (Route route : camel.getRoutes()) {
            // a route not started (yet, or disabled) takes no part in the election: neither leader nor standby
            if (route.getConsumer() instanceof MasterConsumer master && master.isStarted()) {
                roles.put(route.getRouteId(), master.isMaster() ? "leader" : "standby");
            }
        }
        roles.forEach(builder::detail);
        builder.message(roles.isEmpty() ? "no master: routes"
                : roles.containsValue("leader") ? (roles.containsValue("standby") ? "leader and standby" : "leader")
                : "standby");
        builder.up();
    }
}

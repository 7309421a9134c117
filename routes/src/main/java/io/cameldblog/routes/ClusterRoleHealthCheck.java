package io.cameldblog.routes;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.apache.camel.CamelContext;
import org.apache.camel.Consumer;
import org.apache.camel.Route;
import org.apache.camel.component.master.MasterConsumer;
import org.apache.camel.health.HealthCheck;
import org.apache.camel.health.HealthCheckAware;
import org.apache.camel.health.HealthCheckResultBuilder;
import org.apache.camel.impl.health.AbstractHealthCheck;
import org.apache.camel.support.service.ServiceHelper;

/**
 * The role of this instance per {@code master:} route: {@code leader} (it reads the change stream) or
 * {@code standby} (another instance does; this one takes over when it goes). A standby is UP: it is healthy,
 * and an orchestrator that restarted it would only lose the spare. A leader is DOWN when its change stream is DOWN
 * or did not start (then nobody reads the stream).
 */
final class ClusterRoleHealthCheck extends AbstractHealthCheck {

    private static final long STARTUP_GRACE_MILLIS = 15_000;

    private final CamelContext camel;
    private final Map<String, Long> leaderWithoutStreamSince = new java.util.concurrent.ConcurrentHashMap<>();

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
        List<String> problems = new ArrayList<>();
        for (Route route : camel.getRoutes()) {
            // a route not started (yet, or disabled) takes no part in the election: neither leader nor standby
            if (route.getConsumer() instanceof MasterConsumer master && master.isStarted()) {
                roles.put(route.getRouteId(), master.isMaster() ? "leader" : "standby");
                if (master.isMaster()) {
                    leaderProblem(route.getRouteId(), master).ifPresent(problems::add);
                }
            }
        }
        roles.forEach(builder::detail);
        if (!problems.isEmpty()) {
            builder.message(String.join("; ", problems));
            builder.down();
            return;
        }
        builder.message(roles.isEmpty() ? "no master: routes"
                : roles.containsValue("leader") ? (roles.containsValue("standby") ? "leader and standby" : "leader")
                : "standby");
        builder.up();
    }

    /**
     * A leader must read its stream: Camel's master: gives up starting the consumer after a few seconds of
     * failures (e.g. a PostgreSQL slot still held by the dead leader's connection) and keeps the leadership, so
     * only this check tells that nobody reads. DOWN then, so an orchestrator restarts the instance and another
     * one is elected.
     */
    private java.util.Optional<String> leaderProblem(String routeId, MasterConsumer master) {
        Consumer stream = StandbyHandover.changeStream(master);
        if (stream == null || !ServiceHelper.isStarted(stream)) {
            Long since = leaderWithoutStreamSince.computeIfAbsent(routeId, k -> System.nanoTime());
            long millis = (System.nanoTime() - since) / 1_000_000;
            // the consumer starts 1 s after the leadership is taken; give it time to connect
            return millis > STARTUP_GRACE_MILLIS
                    ? java.util.Optional.of(routeId + ": leader without a running change stream for " + millis + " ms")
                    : java.util.Optional.empty();
        }
        leaderWithoutStreamSince.remove(routeId);
        if (stream instanceof HealthCheckAware aware && aware.getHealthCheck() != null
            && aware.getHealthCheck().isEnabled()) {
            HealthCheck.Result result = aware.getHealthCheck().call();
            if (result.getState() == HealthCheck.State.DOWN) {
                return java.util.Optional.of(routeId + ": " + result.getMessage().orElse("change stream DOWN"));
            }
        }
        return java.util.Optional.empty();
    }
}

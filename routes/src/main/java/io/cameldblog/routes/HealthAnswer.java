package io.cameldblog.routes;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import io.vertx.ext.web.RoutingContext;
import org.apache.camel.CamelContext;
import org.apache.camel.component.platform.http.main.ManagementHttpServer;
import org.apache.camel.health.HealthCheck;
import org.apache.camel.health.HealthCheckHelper;
import org.apache.camel.util.json.JsonArray;
import org.apache.camel.util.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The answer of {@code /observe/health} (and {@code /live}, {@code /ready}) while {@code dblog.health.details} is
 * off, the default: the status, and per check its name, status, one-line message and (with {@code ?data=true})
 * its details — never the exception chain ({@code error-message}) or stack trace that Camel's own answer gives
 * any client asking with {@code ?exposureLevel=full} or {@code ?stackTrace=true}, on a port without
 * authentication. With {@code DBLOG_HEALTH_DETAILS=true} Camel's answer is served as is.
 */
final class HealthAnswer {

    private static final Logger LOG = LoggerFactory.getLogger(HealthAnswer.class);

    private HealthAnswer() {
    }

    /** Puts this answer in front of Camel's on the management server, when there is one and details are off. */
    static void install(CamelContext camel) {
        boolean details = camel.getPropertiesComponent().resolveProperty("dblog.health.details")
                .map(v -> Boolean.parseBoolean(v.trim())).orElse(false);
        ManagementHttpServer server = camel.hasService(ManagementHttpServer.class);
        if (server != null) {
            // Camel's own summary always prints 0.0.0.0, whatever the server is bound to
            LOG.info("Health on http://{}:{}{}, metrics on {}", server.getHost(), server.getPort(),
                    server.getHealthPath(), "/observe/metrics");
        }
        if (details || server == null || !server.isHealthCheckEnabled() || server.getRouter() == null) {
            return;
        }
        String path = server.getHealthPath();
        for (String p : List.of(path, path + "/live", path + "/ready")) {
            server.getRouter().route(p).order(-1).blockingHandler(ctx -> answer(camel, ctx, p, path), true);
        }
        LOG.debug("Health answers without error details on {}", path);
    }

    private static void answer(CamelContext camel, RoutingContext ctx, String route, String path) {
        String level = ctx.request().getParam("exposureLevel");
        Collection<HealthCheck.Result> results;
        boolean readiness = route.endsWith("/ready");
        if (route.equals(path)) {
            results = HealthCheckHelper.invoke(camel, level);
        } else if (route.endsWith("/live")) {
            results = HealthCheckHelper.invokeLiveness(camel, level);
        } else {
            results = HealthCheckHelper.invokeReadiness(camel, level);
        }
        boolean up = HealthCheckHelper.isResultsUp(results, readiness);
        boolean all = "full".equals(level);
        boolean data = "true".equals(ctx.request().getParam("data"));

        JsonObject root = new JsonObject();
        root.put("status", up ? "UP" : "DOWN");
        if (!"oneline".equals(level)) {
            JsonArray checks = new JsonArray();
            for (HealthCheck.Result result : results) {
                if (all || result.getState() == HealthCheck.State.DOWN) {
                    checks.add(check(result, data));
                }
            }
            if (!checks.isEmpty()) {
                root.put("checks", checks);
            }
        }
        ctx.response().putHeader("content-type", "application/json");
        if (!up) {
            ctx.response().setStatusCode(503);
        }
        ctx.end(root.toJson());
    }

    private static JsonObject check(HealthCheck.Result result, boolean data) {
        JsonObject check = new JsonObject();
        check.put("name", result.getCheck().getId());
        check.put("status", result.getState().name());
        result.getMessage().ifPresent(m -> check.put("message", m));
        if (data && result.getDetails() != null && !result.getDetails().isEmpty()) {
            Map<String, Object> details = new TreeMap<>();
            result.getDetails().forEach((k, v) -> details.put(k, v == null ? "" : v));
            check.put("data", new JsonObject(details));
        }
        return check;
    }
}

package io.cameldblog.mysql;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.cameldblog.core.testing.CapturedLog;
import io.cameldblog.core.testing.ConsumerHealth;
import io.cameldblog.sandbox.SandboxMariaDb;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.health.HealthCheck;
import org.apache.camel.health.HealthCheckHelper;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.model.ModelCamelContext;
import org.apache.camel.support.PluginHelper;
import org.apache.logging.log4j.core.LogEvent;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A failing run, read the way an operator reads it: every log line (with stack traces), the start failure's
 * message, the route dump and the health answers. The passwords appear in none of them.
 */
class MysqlBinlogSecretsTest {

    private static final String PASSWORD = "pw-Zq81-never-shown";
    private static final String TRUST_PASSWORD = "ts-Kx42-never-shown";

    @Test
    void noPasswordInLogsErrorsRouteDumpsOrHealthOfAFailingRun() throws Exception {
        List<String> seen = new ArrayList<>();
        SandboxMariaDb db = SandboxMariaDb.start();
        boolean stopped = false;
        try (CapturedLog log = CapturedLog.everything()) {
            for (String host : new String[] { "localhost", "127.0.0.1" }) {
                db.execute("CREATE USER 'norepl'@'" + host + "' IDENTIFIED BY '" + PASSWORD + "'",
                        "GRANT SELECT ON *.* TO 'norepl'@'" + host + "'",
                        "CREATE USER 'cdc'@'" + host + "' IDENTIFIED BY '" + PASSWORD + "'",
                        "GRANT SELECT, REPLICATION SLAVE, REPLICATION CLIENT, BINLOG MONITOR ON *.* TO 'cdc'@'"
                        + host + "'");
            }
            // as users write it: the secret from a property (an environment variable in the routes app)
            String base = "mysqlbinlog:%s?host=127.0.0.1&port=" + db.port() + "&username=%s"
                          + "&password={{db.password}}&reconnectDelay=100";
            // a start that fails: the user lacks the replication grant
            CamelContext refused = withSecrets(new DefaultCamelContext());
            refused.addRoutes(route(String.format(base, "refused", "norepl"), "refused"));
            try {
                refused.start();
            } catch (Exception e) {
                for (Throwable t = e; t != null; t = t.getCause()) {
                    seen.add(String.valueOf(t.getMessage()));
                    seen.add(t.toString());
                }
            } finally {
                refused.stop();
            }
            assertThat(seen).as("the start failed").anyMatch(m -> m.contains("REPLICATION SLAVE"));

            // a stream that breaks: the server goes away under it
            CamelContext broken = withSecrets(new DefaultCamelContext());
            ConsumerHealth.enable(broken);
            broken.addRoutes(route(String.format(base, "broken", "cdc") + "&trustStorePassword={{db.trust}}"
                                   + "&sslMode=disabled&keyStorePassword={{db.trust}}", "broken"));
            try {
                broken.start();
            } catch (Exception e) {
                seen.add(String.valueOf(e.getMessage()));
            }
            if (!broken.getStatus().isStarted()) {
                // a trust store with TLS off is refused: the message must not show its password either
                broken.stop();
                broken = withSecrets(new DefaultCamelContext());
                ConsumerHealth.enable(broken);
                broken.addRoutes(route(String.format(base, "broken", "cdc"), "broken"));
                broken.start();
            }
            CamelContext context = broken;
            try {
                await().atMost(Duration.ofSeconds(20)).until(() -> ConsumerHealth.of(context, "broken").getState() == HealthCheck.State.UP);
                seen.add(dump(context));
                seen.add(context.getRoutes().get(0).getEndpoint().toString());
                db.close();
                stopped = true;
                await().atMost(Duration.ofSeconds(30)).until(() -> ConsumerHealth.of(context, "broken").getState() == HealthCheck.State.DOWN);
                for (HealthCheck.Result r : HealthCheckHelper.invoke(context)) {
                    seen.add(String.valueOf(r.getMessage().orElse("")));
                    seen.add(String.valueOf(r.getDetails()));
                    r.getError().ifPresent(e -> seen.add(e.toString()));
                }
            } finally {
                context.stop();
            }
            for (LogEvent event : log.events().toList()) {
                seen.add(event.getMessage().getFormattedMessage());
                for (Throwable t = event.getThrown(); t != null; t = t.getCause()) {
                    seen.add(t.toString());
                }
            }
            assertThat(log.events().count()).as("the run logged its failure").isGreaterThan(5);
        } finally {
            if (!stopped) {
                db.close();
            }
        }
        assertThat(seen).noneMatch(s -> s.contains(PASSWORD)).noneMatch(s -> s.contains(TRUST_PASSWORD));
    }

    private static CamelContext withSecrets(CamelContext context) {
        java.util.Properties secrets = new java.util.Properties();
        secrets.setProperty("db.password", PASSWORD);
        secrets.setProperty("db.trust", TRUST_PASSWORD);
        context.getPropertiesComponent().setInitialProperties(secrets);
        return context;
    }

    private static RouteBuilder route(String uri, String id) {
        return new RouteBuilder() {
            @Override
            public void configure() {
                from(uri).routeId(id).to("log:received?level=DEBUG");
            }
        };
    }

    private static String dump(CamelContext context) throws Exception {
        ModelCamelContext model = (ModelCamelContext) context;
        return PluginHelper.getModelToYAMLDumper(context).dumpModelAsYaml(context,
                model.getRouteDefinitions().get(0));
    }
}

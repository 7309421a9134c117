package io.cameldblog.mysql;

import java.time.Duration;
import java.util.Collection;

import io.cameldblog.sandbox.SandboxMariaDb;
import org.apache.camel.health.HealthCheck;
import org.apache.camel.health.HealthCheckHelper;
import org.apache.camel.health.HealthCheckRegistry;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The consumer's health check is UP while streaming and DOWN, with the cause, once the server is gone. */
class MysqlBinlogHealthTest {

    @Test
    void healthIsUpWhileConnectedAndDownWithTheCauseWhenTheServerStops() throws Exception {
        SandboxMariaDb db = SandboxMariaDb.start();
        boolean stopped = false;
        try (CapturingRoute route = new CapturingRoute(MysqlBinlogStreamTest.uri("health", "reconnectDelay=200", db))) {
            // what camel.health.enabled and camel.health.consumers-enabled do in camel-main
            HealthCheckRegistry registry = HealthCheckRegistry.get(route.context());
            assertThat(registry).isNotNull();
            registry.setEnabled(true);
            registry.register(registry.resolveById("consumers"));
            route.start();
            await().atMost(Duration.ofSeconds(20)).until(() -> consumerCheck(route).getState() == HealthCheck.State.UP);
            assertThat(consumerCheck(route).getDetails()).containsKey("endpoint");

            db.close();
            stopped = true;
            await().atMost(Duration.ofSeconds(30)).until(() -> consumerCheck(route).getState() == HealthCheck.State.DOWN);
            HealthCheck.Result down = consumerCheck(route);
            assertThat(down.getMessage()).isPresent();
            assertThat(down.getMessage().get()).contains("127.0.0.1:" + db.port());
        } finally {
            if (!stopped) {
                db.close();
            }
        }
    }

    private static HealthCheck.Result consumerCheck(CapturingRoute route) {
        Collection<HealthCheck.Result> results = HealthCheckHelper.invoke(route.context());
        return results.stream().filter(r -> r.getCheck().getId().contains("capture")).findFirst()
                .orElseThrow(() -> new AssertionError("no health check of the consumer among "
                                                      + results.stream().map(r -> r.getCheck().getId()).toList()));
    }
}

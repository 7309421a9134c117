package io.cameldblog.mysql;

import java.time.Duration;

import io.cameldblog.core.testing.ConsumerHealth;
import io.cameldblog.sandbox.SandboxMariaDb;
import org.apache.camel.health.HealthCheck;
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
            ConsumerHealth.enable(route.context());
            route.start();
            await().atMost(Duration.ofSeconds(20)).until(() -> ConsumerHealth.of(route.context(), "capture").getState() == HealthCheck.State.UP);
            assertThat(ConsumerHealth.of(route.context(), "capture").getDetails()).containsKey("endpoint");

            db.close();
            stopped = true;
            await().atMost(Duration.ofSeconds(30)).until(() -> ConsumerHealth.of(route.context(), "capture").getState() == HealthCheck.State.DOWN);
            HealthCheck.Result down = ConsumerHealth.of(route.context(), "capture");
            assertThat(down.getMessage()).isPresent();
            assertThat(down.getMessage().get()).contains("127.0.0.1:" + db.port());
        } finally {
            if (!stopped) {
                db.close();
            }
        }
    }

}

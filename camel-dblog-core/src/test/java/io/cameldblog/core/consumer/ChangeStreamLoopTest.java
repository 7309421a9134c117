package io.cameldblog.core.consumer;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.cameldblog.core.testing.ConsumerHealth;
import io.cameldblog.core.ChangeEvent;
import io.cameldblog.core.consumer.ScriptedSource.Connection;
import io.cameldblog.core.consumer.ScriptedSource.Seq;
import io.cameldblog.core.testing.CapturedLog;
import org.apache.camel.CamelContext;
import org.apache.camel.Endpoint;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.health.HealthCheck;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultComponent;
import org.apache.logging.log4j.core.LogEvent;
import org.junit.jupiter.api.Test;

import static io.cameldblog.core.consumer.ScriptedSource.IDLE;
import static io.cameldblog.core.consumer.ScriptedSource.emit;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The consumer's loop driven through failures: an {@link Error} in the stream thread, a connection that keeps
 * failing, a poison event. What a user sees: health, the log, the delays between attempts, the events.
 */
class ChangeStreamLoopTest {

    private static final Pattern DELAY = Pattern.compile("(?:reconnecting|retrying) in (\\d+) ms");

    /** A route over a scripted source, with the consumers health check enabled as camel-main does. */
    private static final class Run implements AutoCloseable {
        final List<Long> processed = new CopyOnWriteArrayList<>();
        final CamelContext context = new DefaultCamelContext();

        Run(ScriptedSource source, long reconnectDelay, long maxDelay, long poison) throws Exception {
            ConsumerHealth.enable(context);
            DefaultComponent component = new DbLogComponent() {
                @Override
                protected Endpoint createEndpoint(String uri, String remaining, Map<String, Object> parameters) {
                    throw new UnsupportedOperationException();
                }
            };
            component.setCamelContext(context);
            Endpoint endpoint = source.endpoint("scripted", component, reconnectDelay, maxDelay);
            context.addRoutes(new RouteBuilder() {
                @Override
                public void configure() {
                    errorHandler(noErrorHandler());
                    from(endpoint).routeId("scripted").process(e -> {
                        long n = ((Seq) e.getMessage().getBody(ChangeEvent.class).position()).n();
                        if (n == poison) {
                            throw new IllegalStateException("the target rejects event " + n);
                        }
                        processed.add(n);
                    });
                }
            });
            context.start();
        }

        HealthCheck.Result health() {
            return ConsumerHealth.of(context, "scripted");
        }

        @Override
        public void close() {
            context.stop();
        }
    }

    private static List<Long> delays(CapturedLog log) {
        return log.messages().stream().filter(m -> m.startsWith("scripted:scripted:")).map(DELAY::matcher)
                .filter(Matcher::find).map(m -> Long.parseLong(m.group(1))).toList();
    }

    @Test
    void anErrorInTheStreamThreadMarksItDownIsLoggedOnceWithItsCauseAndIsRetried() throws Exception {
        Error bug = new NoClassDefFoundError("com/example/Missing");
        Connection failsAfterOne = (first, sink, closed) -> {
            emit(sink, 1, 1);
            throw bug;
        };
        Connection failsAtOnce = (first, sink, closed) -> {
            throw bug;
        };
        Connection deliversTheRest = (first, sink, closed) -> {
            emit(sink, 2, 3);
            closed.await();
        };
        ScriptedSource source = new ScriptedSource(List.of(failsAfterOne, failsAtOnce, deliversTheRest));
        try (CapturedLog log = CapturedLog.warnings(); Run run = new Run(source, 500, 5000, -1)) {
            await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(20))
                    .until(() -> run.health().getState() == HealthCheck.State.DOWN);
            HealthCheck.Result down = run.health();
            assertThat(down.getMessage()).hasValue("com/example/Missing");
            assertThat(down.getError()).containsSame(bug);

            await().atMost(Duration.ofSeconds(10)).until(() -> run.processed.size() == 3);
            assertThat(run.processed).containsExactly(1L, 2L, 3L);
            assertThat(run.health().getState()).isEqualTo(HealthCheck.State.UP);
            // each reconnect continues right after the last processed event
            assertThat(source.starts.subList(1, 3)).allSatisfy(s -> assertThat(s.position()).isEqualTo(new Seq(1)));

            List<LogEvent> reported = log.containing("com/example/Missing");
            assertThat(reported).hasSize(2);
            assertThat(reported.get(0).getThrown()).as("first report carries the cause").isSameAs(bug);
            assertThat(reported.get(1).getThrown()).as("the same failure again is one line").isNull();
            assertThat(reported.get(1).getMessage().getFormattedMessage()).contains("failed again");
        }
    }

    @Test
    void theBackOffDoublesUpToItsCapAndStartsAgainOnlyAfterEventsFlow() throws Exception {
        Connection refused = (first, sink, closed) -> {
            throw new IOException("connection refused");
        };
        Connection deliversOneThenDrops = (first, sink, closed) -> {
            emit(sink, 1, 1);
            throw new IOException("connection reset");
        };
        ScriptedSource source = new ScriptedSource(List.of(refused, refused, refused, refused, refused, refused,
                deliversOneThenDrops, refused, IDLE));
        try (CapturedLog log = CapturedLog.warnings(); Run run = new Run(source, 10, 80, -1)) {
            await().atMost(Duration.ofSeconds(10)).until(() -> source.starts.size() == 9);
            assertThat(delays(log)).containsExactly(10L, 20L, 40L, 80L, 80L, 80L, 10L, 20L);
            assertThat(run.processed).containsExactly(1L);
            await().atMost(Duration.ofSeconds(5)).until(() -> run.health().getState() == HealthCheck.State.UP);
        }
    }

    @Test
    void aPoisonEventIsRetriedWithGrowingDelaysNotEverySecondForever() throws Exception {
        Connection deliversFromStart = (first, sink, closed) -> {
            emit(sink, first, 3);
            closed.await();
        };
        ScriptedSource source = new ScriptedSource(List.of(deliversFromStart));
        try (CapturedLog log = CapturedLog.warnings(); Run run = new Run(source, 10, 160, 2)) {
            await().atMost(Duration.ofSeconds(10)).until(() -> delays(log).size() >= 6);
            assertThat(delays(log).subList(0, 6)).containsExactly(10L, 20L, 40L, 80L, 160L, 160L);
            assertThat(run.processed).containsExactly(1L);
            assertThat(run.health().getState()).isEqualTo(HealthCheck.State.DOWN);
        }
    }
}

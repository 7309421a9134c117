package io.cameldblog.core.testing;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntPredicate;

import io.cameldblog.core.ChangeEvent;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.resume.ResumeStrategy;

/**
 * One run of a resumable route, as a restart test sees it: the integer {@code keyField} of every processed row, in
 * order; rows for which {@code failOn} holds are rejected by the "target" every time they are offered.
 */
public final class ResumableRun implements AutoCloseable {

    public final List<Integer> processed = new CopyOnWriteArrayList<>();
    public final AtomicInteger failures = new AtomicInteger();
    private final CamelContext context = new DefaultCamelContext();

    public ResumableRun(String uri, ResumeStrategy strategy, String keyField, IntPredicate failOn) throws Exception {
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from(uri).routeId("resumable").resumable(strategy).process(e -> {
                    int id = ((Number) e.getMessage().getBody(ChangeEvent.class).after().get(keyField)).intValue();
                    if (failOn.test(id)) {
                        failures.incrementAndGet();
                        throw new IllegalStateException("target rejected row " + id);
                    }
                    processed.add(id);
                });
            }
        });
        context.start();
    }

    @Override
    public void close() {
        context.stop();
    }
}

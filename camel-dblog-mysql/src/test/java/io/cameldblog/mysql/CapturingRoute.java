package io.cameldblog.mysql;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import io.cameldblog.core.ChangeEvent;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;

/** A Camel context with one route from a camel-dblog URI that keeps every event and its headers, in order. */
final class CapturingRoute implements AutoCloseable {

    record Received(ChangeEvent event, Map<String, Object> headers) {
    }

    private final CamelContext context = new DefaultCamelContext();
    private final List<Received> received = new CopyOnWriteArrayList<>();

    CapturingRoute(String uri) throws Exception {
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from(uri).routeId("capture")
                        .process(e -> received.add(new Received(e.getMessage().getBody(ChangeEvent.class),
                                Map.copyOf(e.getMessage().getHeaders()))));
            }
        });
    }

    CapturingRoute start() {
        context.start();
        return this;
    }

    CamelContext context() {
        return context;
    }

    List<Received> received() {
        return received;
    }

    List<ChangeEvent> events() {
        List<ChangeEvent> events = new ArrayList<>();
        received.forEach(r -> events.add(r.event()));
        return events;
    }

    @Override
    public void close() {
        context.stop();
    }
}

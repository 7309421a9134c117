package io.cameldblog.core.consumer;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;

import io.cameldblog.core.ChangeEvent;
import io.cameldblog.core.LogPosition;
import io.cameldblog.core.Operation;
import io.cameldblog.core.PositionCodec;
import io.cameldblog.core.SourceInfo;
import io.cameldblog.core.StartPosition;
import org.apache.camel.Endpoint;

/**
 * A change log whose connections do what a test scripts, so that the consumer's loop (reconnects, back-off,
 * health, logging) can be driven through failures a real server produces only by chance. Positions are sequence
 * numbers; event {@code n} is at position {@code n}.
 */
final class ScriptedSource {

    record Seq(long n) implements LogPosition {
        @Override
        public String text() {
            return "seq:" + n;
        }

        @Override
        public Map<String, Object> toMap() {
            return Map.of("seq", n);
        }
    }

    /**
     * What one connection does once open: {@code first} is the number of the first event it should deliver
     * (right after its start position); {@code closed} opens when the consumer closes it.
     */
    @FunctionalInterface
    interface Connection {
        void stream(long first, ChangeEventSink<Seq> sink, CountDownLatch closed) throws Exception;
    }

    /** Delivers events {@code from..to}, then returns to let the script go on. */
    static void emit(ChangeEventSink<Seq> sink, long from, long to) throws Exception {
        for (long n = from; n <= to; n++) {
            sink.emit(ChangeEvent.builder().op(Operation.INSERT).position(new Seq(n)).tsMs(n)
                    .key(Map.of("id", n)).after(Map.of("id", n))
                    .source(SourceInfo.builder().connector("scripted").name("scripted").db("db").table("t").tsMs(n)
                            .position("seq:" + n).build())
                    .build());
        }
    }

    /** Streams until the consumer closes the connection, as a healthy idle connection does. */
    static final Connection IDLE = (first, sink, closed) -> closed.await();

    private final List<Connection> script;
    /** Where each connection was asked to start, in order (the first one is the route's start). */
    final List<StartPosition<Seq>> starts = new CopyOnWriteArrayList<>();

    ScriptedSource(List<Connection> script) {
        this.script = List.copyOf(script);
    }

    Endpoint endpoint(String name, org.apache.camel.Component component, long reconnectDelay, long maxDelay) {
        Scripted endpoint = new Scripted("scripted:" + name, component);
        endpoint.setName(name);
        endpoint.setReconnectDelay(reconnectDelay);
        endpoint.setMaxReconnectDelay(maxDelay);
        return endpoint;
    }

    private final class Scripted extends DbLogEndpoint<Seq> {

        Scripted(String uri, org.apache.camel.Component component) {
            super(uri, component);
        }

        @Override
        public String connectorName() {
            return "scripted";
        }

        @Override
        public PositionCodec<Seq> positionCodec() {
            return new PositionCodec<>() {
                @Override
                public Seq fromMap(Map<String, Object> stored) {
                    return new Seq(((Number) stored.get("seq")).longValue());
                }

                @Override
                public Seq parse(String text) {
                    return new Seq(Long.parseLong(text.replace("seq:", "")));
                }
            };
        }

        @Override
        public String positionExample() {
            return "seq:1";
        }

        @Override
        public ChangeLogReader<Seq> createReader() {
            return new ChangeLogReader<>() {
                private final CountDownLatch closed = new CountDownLatch(1);
                private Connection connection;
                private long first;

                @Override
                public void open(StartPosition<Seq> start) {
                    starts.add(start);
                    connection = script.get(Math.min(starts.size(), script.size()) - 1);
                    first = start.position() == null ? 1 : start.position().n() + 1;
                }

                @Override
                public void stream(ChangeEventSink<Seq> sink) throws Exception {
                    connection.stream(first, sink, closed);
                }

                @Override
                public void close() {
                    closed.countDown();
                }
            };
        }
    }
}

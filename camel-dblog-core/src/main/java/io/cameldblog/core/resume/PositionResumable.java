package io.cameldblog.core.resume;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

import io.cameldblog.core.LogPosition;
import io.cameldblog.core.json.ChangeEventJson;
import org.apache.camel.resume.Offset;
import org.apache.camel.resume.OffsetKey;
import org.apache.camel.resume.Resumable;

/**
 * An exchange's position as Camel's {@link Resumable} (the {@code CamelOffset} header that {@code resumable()} hands
 * to the strategy once the exchange completed): one object per exchange, which is its own {@link Offset}, and the
 * endpoint's {@link OffsetKey} made once per consumer ({@link #key(String)}). Camel's {@code Resumables.of} makes a
 * resumable, a key and an offset per exchange.
 */
public final class PositionResumable implements Resumable, Offset<LogPosition> {

    private final OffsetKey<String> key;
    private final LogPosition position;

    public PositionResumable(OffsetKey<String> key, LogPosition position) {
        this.key = key;
        this.position = position;
    }

    /** The key of an endpoint's positions: its name (what the strategies store them under). */
    public static OffsetKey<String> key(String endpointName) {
        return new EndpointKey(endpointName);
    }

    @Override
    public OffsetKey<String> getOffsetKey() {
        return key;
    }

    @Override
    public Offset<LogPosition> getLastOffset() {
        return this;
    }

    @Override
    public LogPosition getValue() {
        return position;
    }

    @Override
    public void update(LogPosition offset) {
        throw new UnsupportedOperationException("An exchange's position does not change");
    }

    /** The position as the JSON object {@link DbLogResumeAdapter#deserialize} reads back. */
    @Override
    public ByteBuffer serialize() {
        return ByteBuffer.wrap(ChangeEventJson.write(position.toMap()).getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public String toString() {
        return key.getValue() + "@" + position.text();
    }

    private record EndpointKey(String name) implements OffsetKey<String> {
        @Override
        public void setValue(String key) {
            throw new UnsupportedOperationException("An endpoint's name does not change");
        }

        @Override
        public String getValue() {
            return name;
        }

        @Override
        public ByteBuffer serialize() {
            return ByteBuffer.wrap(name.getBytes(StandardCharsets.UTF_8));
        }
    }
}

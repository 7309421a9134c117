package io.cameldblog.mongo;

import java.util.Map;

import io.cameldblog.core.PositionCodec;

/**
 * Positions of either mode: a stored map with {@code token} is a change-stream position, one with {@code ts} an
 * oplog position; text is read in the endpoint's mode ({@code seconds:increment} or a resume token).
 */
final class MongoPositionCodec implements PositionCodec<MongoPosition> {

    private final boolean changeStream;

    MongoPositionCodec(boolean changeStream) {
        this.changeStream = changeStream;
    }

    @Override
    public MongoPosition fromMap(Map<String, Object> stored) {
        Object token = stored.get("token");
        if (token instanceof String t) {
            return new ResumeTokenPosition(t);
        }
        return OplogPositionCodec.INSTANCE.fromMap(stored);
    }

    @Override
    public MongoPosition parse(String text) {
        return changeStream ? new ResumeTokenPosition(text.trim()) : OplogPositionCodec.INSTANCE.parse(text);
    }
}

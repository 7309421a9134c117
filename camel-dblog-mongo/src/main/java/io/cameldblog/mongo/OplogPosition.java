package io.cameldblog.mongo;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalInt;

/**
 * Where an oplog reader continues: the oplog entry's timestamp ({@code seconds:increment}) and how many of its
 * operations are processed (an {@code applyOps} transaction holds several). {@code opsDone} equal to the entry's
 * operation count means "the whole entry is done".
 */
public final class OplogPosition implements MongoPosition, Comparable<OplogPosition> {

    /** "Past every operation of the entry": a started-from-latest reader skips that entry entirely. */
    public static final int ALL_OPS = Integer.MAX_VALUE;

    private final int seconds;
    private final int increment;
    private final int opsDone;

    public OplogPosition(int seconds, int increment, int opsDone) {
        if (opsDone < 0) {
            throw new IllegalArgumentException("opsDone must not be negative: " + opsDone);
        }
        this.seconds = seconds;
        this.increment = increment;
        this.opsDone = opsDone;
    }

    public int seconds() {
        return seconds;
    }

    public int increment() {
        return increment;
    }

    public int opsDone() {
        return opsDone;
    }

    /** The timestamp as BSON's {@code BsonTimestamp#getValue()}: seconds in the high 32 bits. */
    public long timestampValue() {
        return ((long) seconds << 32) | (increment & 0xFFFFFFFFL);
    }

    @Override
    public String text() {
        return Integer.toUnsignedString(seconds) + ":" + Integer.toUnsignedString(increment);
    }

    @Override
    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("ts", text());
        m.put("ops", opsDone);
        return m;
    }

    @Override
    public int compareTo(OplogPosition o) {
        int c = Long.compareUnsigned(timestampValue(), o.timestampValue());
        return c != 0 ? c : Integer.compare(opsDone, o.opsDone);
    }

    @Override
    public OptionalInt compareToStored(Map<String, Object> stored) {
        try {
            return OptionalInt.of(compareTo(OplogPositionCodec.INSTANCE.fromMap(stored)));
        } catch (IllegalArgumentException e) {
            return OptionalInt.empty();
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof OplogPosition p && p.seconds == seconds && p.increment == increment && p.opsDone == opsDone;
    }

    @Override
    public int hashCode() {
        return (31 * seconds + increment) * 31 + opsDone;
    }

    @Override
    public String toString() {
        return opsDone == 0 ? text() : text() + " (+" + (opsDone == ALL_OPS ? "all" : opsDone) + " ops)";
    }
}

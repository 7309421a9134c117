package io.cameldblog.core;

import java.util.Map;
import java.util.OptionalInt;

/**
 * A place in a source's change log that a reader can start from again.
 * <p>
 * Implementations are immutable value objects (see Debezium's {@code Lsn}). Besides the log coordinate they
 * carry how far into the current transaction the reader had got, so that a restart in the middle of a
 * multi-row transaction neither loses nor repeats rows.
 */
public interface LogPosition {

    /** The position in the source's own text form (the {@code CamelDbLogPosition} header). */
    String text();

    /**
     * The fields a resume strategy stores, all of them JSON-friendly (strings, numbers, booleans). A source
     * module turns this map back into its position type with its {@link PositionCodec}.
     */
    Map<String, Object> toMap();

    /**
     * Orders this position against a stored one of the same endpoint ({@link #toMap()} of another position of this
     * source): negative when this one comes first, zero when equal, positive when it comes after. A resume strategy
     * uses it to refuse writing a position older than the one stored (positions never move backwards, e.g. when a
     * former leader writes late). Empty when the two cannot be ordered (another source's map, positions of different
     * servers): the strategy then writes as it always did.
     */
    default OptionalInt compareToStored(Map<String, Object> stored) {
        return OptionalInt.empty();
    }
}

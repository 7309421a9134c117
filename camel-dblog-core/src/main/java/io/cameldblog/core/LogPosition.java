package io.cameldblog.core;

import java.util.Map;

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
}

package io.cameldblog.core.resume;

import java.util.Map;
import java.util.OptionalInt;

import io.cameldblog.core.LogPosition;

/** A source position as the resume strategies see any of them: a text form and a map. */
record TestPosition(String file, long offset, int rows) implements LogPosition {

    @Override
    public String text() {
        return file + ":" + offset;
    }

    @Override
    public Map<String, Object> toMap() {
        return Map.of("file", file, "pos", offset, "rows", rows);
    }

    /** Ordered within one file by offset, then rows, as the real sources are. */
    @Override
    public OptionalInt compareToStored(Map<String, Object> stored) {
        if (!file.equals(stored.get("file"))) {
            return OptionalInt.empty();
        }
        int c = Long.compare(offset, ((Number) stored.get("pos")).longValue());
        return OptionalInt.of(c != 0 ? c : Integer.compare(rows, ((Number) stored.get("rows")).intValue()));
    }
}

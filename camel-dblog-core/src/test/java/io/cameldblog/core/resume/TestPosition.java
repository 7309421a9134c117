package io.cameldblog.core.resume;

import java.util.Map;

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
}

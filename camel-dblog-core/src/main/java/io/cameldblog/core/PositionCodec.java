package io.cameldblog.core;

import java.util.Map;

/**
 * Turns a source's stored or user-given position back into its value object.
 */
public interface PositionCodec<P extends LogPosition> {

    /** The map a resume strategy stored ({@link LogPosition#toMap()}). */
    P fromMap(Map<String, Object> stored);

    /**
     * The text form a user writes in {@code startPosition} ({@code mysql-bin.000003:1234}, {@code 0/16B3748}, ...).
     *
     * @throws IllegalArgumentException with a message that names the expected form
     */
    P parse(String text);
}

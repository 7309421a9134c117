package io.cameldblog.core;

import java.util.Map;

import io.cameldblog.core.json.ChangeEventJson;
import org.apache.camel.Converter;

/**
 * Camel type converters for the body of camel-dblog exchanges: {@code convertBodyTo(Map.class)} gives the
 * envelope with Java values, {@code String}/{@code byte[]} give it as JSON.
 */
@Converter(generateLoader = true)
public final class ChangeEventConverter {

    private ChangeEventConverter() {
    }

    @Converter
    public static Map<String, Object> toMap(ChangeEvent event) {
        return event.toMap();
    }

    @Converter
    public static String toJson(ChangeEvent event) {
        return ChangeEventJson.toJson(event);
    }

    @Converter
    public static byte[] toJsonBytes(ChangeEvent event) {
        return ChangeEventJson.toJsonBytes(event);
    }
}

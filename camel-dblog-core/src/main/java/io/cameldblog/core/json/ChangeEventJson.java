package io.cameldblog.core.json;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.cameldblog.core.ChangeEvent;

/**
 * The one place that decides how change events and stored positions look as JSON.
 * <p>
 * DECIMAL/NUMERIC stay exact (BigDecimal written plain, never in exponent form, and read back as BigDecimal);
 * date/time values are ISO-8601 strings with their fractional seconds; byte arrays are base64; JSON columns
 * and documents, held as Map/List, are nested JSON.
 */
public final class ChangeEventJson {

    private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {
    };

    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .addModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .disable(SerializationFeature.WRITE_DURATIONS_AS_TIMESTAMPS)
            .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS)
            .enable(JsonGenerator.Feature.WRITE_BIGDECIMAL_AS_PLAIN)
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .build();

    private ChangeEventJson() {
    }

    /** The shared, configured mapper; do not reconfigure it. */
    public static ObjectMapper mapper() {
        return MAPPER;
    }

    public static String toJson(ChangeEvent event) {
        return write(event.toMap());
    }

    public static byte[] toJsonBytes(ChangeEvent event) {
        try {
            return MAPPER.writeValueAsBytes(event.toMap());
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write change event as JSON: " + event.source(), e);
        }
    }

    /**
     * The row's primary key as a JSON object ({@code {"id":7}}), in column order: the record key a compacted topic
     * keeps the latest row under, as Debezium writes it.
     */
    public static String keyJson(ChangeEvent event) {
        return write(event.key());
    }

    public static String write(Object value) {
        try {
            return MAPPER.writeValueAsString(value);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write value as JSON", e);
        }
    }

    /**
     * Parses JSON text (a JSON column, a stored position) into Java values: objects to ordered maps, numbers
     * with a fraction to BigDecimal, whole numbers to the smallest of Integer, Long and BigInteger that holds
     * them.
     */
    public static Object parse(String json) {
        try {
            return MAPPER.readValue(json, Object.class);
        } catch (IOException e) {
            throw new IllegalArgumentException("Not valid JSON: " + abbreviate(json), e);
        }
    }

    public static Map<String, Object> parseObject(String json) {
        try {
            return MAPPER.readValue(json, MAP);
        } catch (IOException e) {
            throw new IllegalArgumentException("Not a JSON object: " + abbreviate(json), e);
        }
    }

    public static Map<String, Object> parseObject(byte[] json) {
        try {
            return MAPPER.readValue(json, MAP);
        } catch (IOException e) {
            throw new IllegalArgumentException("Not a JSON object: " + abbreviate(new String(json,
                    java.nio.charset.StandardCharsets.UTF_8)), e);
        }
    }

    private static String abbreviate(String s) {
        return s == null || s.length() <= 200 ? s : s.substring(0, 200) + "...";
    }
}

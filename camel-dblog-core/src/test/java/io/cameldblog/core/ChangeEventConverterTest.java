package io.cameldblog.core;

import java.nio.charset.StandardCharsets;
import java.util.Map;

import org.apache.camel.CamelContext;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The converters are found the way a route finds them: through the generated loader on the classpath. */
class ChangeEventConverterTest {

    private CamelContext context;

    private final ChangeEvent event = ChangeEvent.builder().op(Operation.UPDATE)
            .before(Map.of("id", 1, "qty", 1)).after(Map.of("id", 1, "qty", 2)).tsMs(5L)
            .source(SourceInfo.builder().connector("mysql").name("shop").db("shop").table("lines").tsMs(4L)
                    .position("f:1").build())
            .build();

    @BeforeEach
    void start() {
        context = new DefaultCamelContext();
        context.start();
    }

    @AfterEach
    void stop() {
        context.stop();
    }

    @Test
    void convertsToMap() {
        @SuppressWarnings("unchecked")
        Map<String, Object> map = context.getTypeConverter().convertTo(Map.class, event);

        assertThat(map).containsEntry("op", "u").containsEntry("ts_ms", 5L);
        assertThat(map.get("after")).isEqualTo(Map.of("id", 1, "qty", 2));
        assertThat(map.get("source")).asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.MAP)
                .containsEntry("table", "lines");
    }

    @Test
    void convertsToJsonTextAndBytes() {
        String json = context.getTypeConverter().convertTo(String.class, event);
        byte[] bytes = context.getTypeConverter().convertTo(byte[].class, event);

        assertThat(json).startsWith("{\"op\":\"u\",\"before\":{").contains("\"source\":{\"connector\":\"mysql\"");
        assertThat(new String(bytes, StandardCharsets.UTF_8)).isEqualTo(json);
    }
}

package io.cameldblog.springboot;

import java.io.InputStream;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;

import io.cameldblog.core.json.ChangeEventJson;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Camel's tooling groups options by label and treats remote endpoints differently (e.g. in route diagrams and
 * the catalog): every option of the three components carries one of Camel's labels, and the endpoints are
 * remote. Read from the component JSON that the tooling itself reads.
 */
class ComponentConventionsTest {

    private static final Set<String> LABELS = Set.of("common", "consumer", "security", "advanced");
    /** The health-check switches Camel's HealthCheckComponent brings carry Camel's own "health" label. */
    private static final Set<String> COMPONENT_LABELS = Set.of("common", "consumer", "security", "advanced", "health");

    @ParameterizedTest
    @ValueSource(strings = { "META-INF/io/cameldblog/mysql/mysqlbinlog.json",
                             "META-INF/io/cameldblog/postgres/pgwal.json",
                             "META-INF/io/cameldblog/mongo/mongooplog.json" })
    void everyOptionIsLabelledAndTheEndpointIsRemote(String componentJson) throws Exception {
        Map<String, Object> model;
        try (InputStream in = getClass().getClassLoader().getResourceAsStream(componentJson)) {
            assertThat(in).as(componentJson).isNotNull();
            model = ChangeEventJson.parseObject(in.readAllBytes());
        }
        assertThat(section(model, "component")).containsEntry("remote", true);
        assertLabels(section(model, "properties"), LABELS, componentJson);
        assertLabels(section(model, "componentProperties"), COMPONENT_LABELS, componentJson);
    }

    private static void assertLabels(Map<String, Object> options, Set<String> allowed, String where) {
        assertThat(options).isNotEmpty();
        options.forEach((name, value) -> {
            String label = String.valueOf(((Map<?, ?>) value).get("label"));
            assertThat(label).as("label of %s in %s", name, where).isNotBlank();
            assertThat(Arrays.asList(label.split(","))).as("label of %s in %s", name, where).isSubsetOf(allowed);
        });
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> section(Map<String, Object> model, String name) {
        return (Map<String, Object>) model.get(name);
    }
}

package io.cameldblog.springboot;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.cameldblog.core.json.ChangeEventJson;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every component option in a component's generated JSON (what Camel's tooling reads) is a
 * {@code camel.component.<scheme>.*} property in the starter's configuration metadata (what the IDE completes),
 * with the same default: a component option added later fails here until the starter exposes it.
 */
class ComponentOptionsCoverageTest {

    @ParameterizedTest
    @CsvSource({ "mysqlbinlog, META-INF/io/cameldblog/mysql/mysqlbinlog.json",
                 "pgwal, META-INF/io/cameldblog/postgres/pgwal.json",
                 "mongooplog, META-INF/io/cameldblog/mongo/mongooplog.json" })
    void everyComponentOptionIsASpringBootPropertyWithItsDefault(String scheme, String componentJson) throws Exception {
        Map<String, Object> component;
        try (InputStream in = getClass().getClassLoader().getResourceAsStream(componentJson)) {
            assertThat(in).as(componentJson).isNotNull();
            component = ChangeEventJson.parseObject(in.readAllBytes());
        }
        @SuppressWarnings("unchecked")
        Map<String, Map<String, Object>> options = (Map<String, Map<String, Object>>) component.get("componentProperties");
        assertThat(options).isNotEmpty();

        Map<String, Map<String, Object>> metadata = springBootProperties();
        for (Map.Entry<String, Map<String, Object>> option : options.entrySet()) {
            String property = "camel.component." + scheme + "." + kebab(option.getKey());
            assertThat(metadata).as("configuration metadata of the starter").containsKey(property);
            Object componentDefault = option.getValue().get("defaultValue");
            Object starterDefault = metadata.get(property).get("defaultValue");
            assertThat(String.valueOf(starterDefault)).as("default of " + property)
                    .isEqualTo(String.valueOf(componentDefault));
        }
        assertThat(metadata).containsKey("camel.component." + scheme + ".enabled");
    }

    /** What spring-boot-configuration-processor wrote for this module at compile time. */
    private static Map<String, Map<String, Object>> springBootProperties() throws Exception {
        Map<String, Object> json = ChangeEventJson.parseObject(
                Files.readAllBytes(Path.of("target/classes/META-INF/spring-configuration-metadata.json")));
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> properties = (List<Map<String, Object>>) json.get("properties");
        Map<String, Map<String, Object>> byName = new HashMap<>();
        properties.forEach(p -> byName.put((String) p.get("name"), p));
        return byName;
    }

    private static String kebab(String camelCase) {
        return camelCase.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase();
    }
}

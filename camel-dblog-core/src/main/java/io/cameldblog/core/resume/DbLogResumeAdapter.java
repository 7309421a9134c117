package io.cameldblog.core.resume;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import io.cameldblog.core.json.ChangeEventJson;
import org.apache.camel.resume.Deserializable;
import org.apache.camel.resume.ResumeAdapter;

/**
 * The resume adapter of every camel-dblog consumer.
 * <p>
 * A resume strategy's {@code loadCache()} hands it each stored entry through
 * {@link #deserialize(ByteBuffer, ByteBuffer)}: the key is the endpoint name (UTF-8), the value the JSON object
 * of {@link io.cameldblog.core.LogPosition#toMap()}. The consumer then asks for its own entry with
 * {@link #storedPosition(String)}. Camel creates it from the {@value #FACTORY_SERVICE} service file when a route
 * says {@code resumable()}.
 */
public class DbLogResumeAdapter implements ResumeAdapter, Deserializable {

    /** Our own factory name: Camel's default {@code adapter-factory} is registered by several Camel jars. */
    public static final String FACTORY_SERVICE = "dblog-resume-adapter-factory";

    private final Map<String, Map<String, Object>> positions = new ConcurrentHashMap<>();

    @Override
    public void resume() {
        // nothing to push: the consumer pulls its position with storedPosition() when it opens the log
    }

    @Override
    public boolean deserialize(ByteBuffer key, ByteBuffer value) {
        if (key == null || value == null) {
            return false;
        }
        String name = StandardCharsets.UTF_8.decode(key.duplicate()).toString();
        byte[] json = new byte[value.remaining()];
        value.duplicate().get(json);
        positions.put(name, ChangeEventJson.parseObject(json));
        return true;
    }

    /** Records a stored position directly (strategies that keep positions as maps). */
    public void put(String endpointName, Map<String, Object> position) {
        positions.put(endpointName, Map.copyOf(position));
    }

    public Optional<Map<String, Object>> storedPosition(String endpointName) {
        return Optional.ofNullable(positions.get(endpointName));
    }
}

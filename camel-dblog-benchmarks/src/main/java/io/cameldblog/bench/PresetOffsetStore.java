package io.cameldblog.bench;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Set;

import org.apache.kafka.connect.storage.MemoryOffsetBackingStore;

/**
 * Debezium's offsets in memory, holding at start the one offset {@link #preset} put there, so the MySQL connector
 * streams from a given binlog file and position (Debezium has no option for that). Debezium instantiates this class
 * by name, hence the static preset.
 */
public final class PresetOffsetStore extends MemoryOffsetBackingStore {

    private static volatile Map.Entry<String, String> preset;

    /** The offset as Kafka Connect's JSON converter writes it: key {@code ["engine",{partition}]}, value JSON. */
    static void preset(String key, String value) {
        preset = Map.entry(key, value);
    }

    @Override
    public void start() {
        super.start();
        Map.Entry<String, String> offset = preset;
        if (offset != null) {
            data.put(ByteBuffer.wrap(offset.getKey().getBytes(StandardCharsets.UTF_8)),
                    ByteBuffer.wrap(offset.getValue().getBytes(StandardCharsets.UTF_8)));
        }
    }

    @Override
    public Set<Map<String, Object>> connectorPartitions(String connectorName) {
        return Set.of();
    }
}

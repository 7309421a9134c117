package io.cameldblog.bench;

import java.util.Map;

/**
 * The camel-debezium endpoints, offsets in memory. Streaming only by default; with {@code snapshotMode=initial} in
 * the arguments, Debezium's default initial snapshot of the table first (PostgreSQL: it creates the slot). Debezium
 * cannot be told to start at a binlog file and position: for a MySQL backlog its offset is preset in memory
 * ({@link PresetOffsetStore}) and {@code snapshot.mode=recovery} rebuilds the schema history (a file) from the
 * tables before streaming from it. For PostgreSQL, {@code snapshot.mode=no_data} streams from the slot's position.
 */
final class DebeziumUris {

    private static final String MEMORY_OFFSETS = "org.apache.kafka.connect.storage.MemoryOffsetBackingStore";

    private DebeziumUris() {
    }

    static String uri(Map<String, String> p) {
        String name = p.get("name");
        if ("mysql".equals(p.get("source"))) {
            boolean fromFile = p.containsKey("binlogFile");
            String snapshotMode = p.getOrDefault("snapshotMode", fromFile ? "recovery" : "no_data");
            if (fromFile) {
                PresetOffsetStore.preset("[\"" + name + "\",{\"server\":\"" + name + "\"}]",
                        "{\"file\":\"" + p.get("binlogFile") + "\",\"pos\":" + p.get("binlogPos") + "}");
            }
            return "debezium-mysql:" + name + "?databaseHostname=" + p.get("host") + "&databasePort=" + p.get("port")
                   + "&databaseUser=" + p.get("user") + "&databasePassword=" + p.get("password")
                   + "&databaseServerId=" + (5000 + Math.abs(name.hashCode() % 1000)) + "&topicPrefix=" + name
                   + "&tableIncludeList=bench." + p.get("table") + "&includeSchemaChanges=false"
                   + "&databaseSslMode=disabled"
                   + "&schemaHistoryInternal=io.debezium.storage.file.history.FileSchemaHistory"
                   + "&schemaHistoryInternalFileFilename=" + p.get("historyFile")
                   + "&offsetStorage=" + (fromFile ? PresetOffsetStore.class.getName() : MEMORY_OFFSETS)
                   + "&snapshotMode=" + snapshotMode;
        }
        return "debezium-postgres:" + name + "?databaseHostname=" + p.get("host") + "&databasePort=" + p.get("port")
               + "&databaseUser=" + p.get("user") + "&databasePassword=" + p.get("password")
               + "&databaseDbname=" + p.get("database") + "&topicPrefix=" + name
               + "&pluginName=pgoutput&slotName=" + p.get("slot") + "&publicationName=" + p.get("publication")
               + "&publicationAutocreateMode=disabled&databaseSslmode=disable"
               + "&tableIncludeList=public." + p.get("table")
               + "&snapshotMode=" + p.getOrDefault("snapshotMode", "no_data")
               + "&offsetStorage=" + MEMORY_OFFSETS;
    }
}

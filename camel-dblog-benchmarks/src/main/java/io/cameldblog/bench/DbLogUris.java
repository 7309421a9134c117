package io.cameldblog.bench;

import java.util.Map;

/** The camel-dblog endpoint each contender reads, built from the contender's arguments. */
final class DbLogUris {

    private DbLogUris() {
    }

    static String uri(Map<String, String> p) {
        String snapshotMode = p.get("snapshotMode");
        String snapshot = snapshotMode == null ? "" : "&snapshotMode=" + snapshotMode;
        if ("mysql".equals(p.get("source"))) {
            return "mysqlbinlog:" + p.get("name") + "?host=" + p.get("host") + "&port=" + p.get("port")
                   + "&username=" + p.get("user") + "&password=" + p.get("password")
                   + "&includeTables=bench\\." + p.get("table") + "&startPosition=" + p.get("start") + snapshot;
        }
        // a snapshot reader creates its slot as it starts, as a first start does (and as Debezium does)
        return "pgwal:" + p.get("name") + "?host=" + p.get("host") + "&port=" + p.get("port")
               + "&database=" + p.get("database") + "&username=" + p.get("user") + "&password=" + p.get("password")
               + "&slot=" + p.get("slot") + "&publication=" + p.get("publication")
               + "&createSlot=" + (snapshotMode != null) + "&createPublication=false&startPosition=earliest"
               + (snapshotMode == null ? "" : "&includeTables=public\\." + p.get("table")) + snapshot;
    }
}

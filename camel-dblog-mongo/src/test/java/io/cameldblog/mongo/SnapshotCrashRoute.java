package io.cameldblog.mongo;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import io.cameldblog.core.json.ChangeEventJson;
import io.cameldblog.core.testing.CrashTestRoute;

/**
 * The route {@link MongoSnapshotCrashTest} runs in a child JVM and kills with {@code kill -9}: every event, of any
 * operation, is appended to a file as one JSON line (run, op, _id, after, patch, removed, snapshot); positions in
 * files with the given {@code maxUnstored}.
 * <p>
 * Arguments: uri outFile offsetsDir maxUnstored run.
 */
public final class SnapshotCrashRoute {

    private SnapshotCrashRoute() {
    }

    public static void main(String[] args) throws Exception {
        int run = Integer.parseInt(args[4]);
        CrashTestRoute.run(args[0], Path.of(args[1]), CrashTestRoute.files(args[2], args[3]), event -> {
            Map<String, Object> line = new LinkedHashMap<>();
            line.put("run", run);
            line.put("op", event.op().code());
            line.put("id", event.key().get("_id"));
            line.put("after", event.after());
            line.put("patch", OplogEntryMapper.isPatch(event));
            line.put("removed", event.source().extra().get("removed"));
            line.put("snapshot", event.source().extra().get("snapshot"));
            return ChangeEventJson.write(line) + "\n";
        });
    }
}

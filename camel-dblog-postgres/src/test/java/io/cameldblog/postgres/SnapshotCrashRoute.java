package io.cameldblog.postgres;

import java.nio.file.Path;
import java.util.Map;

import io.cameldblog.core.Operation;
import io.cameldblog.core.testing.CrashTestRoute;

/**
 * The route {@link PgWalSnapshotCrashTest} runs in a child JVM and kills with {@code kill -9}: every event of a table
 * {@code (id, v, payload)} is appended to a file as "run TAB op TAB id TAB v|payload TAB snapshot-flag TAB end",
 * positions in files.
 * <p>
 * Arguments: uri outFile offsetsDir maxUnstored run.
 */
public final class SnapshotCrashRoute {

    private SnapshotCrashRoute() {
    }

    public static void main(String[] args) throws Exception {
        String run = args[4];
        CrashTestRoute.run(args[0], Path.of(args[1]), CrashTestRoute.files(args[2], args[3]), event -> {
            Map<String, Object> row = event.op() == Operation.DELETE ? event.before() : event.after();
            String value = event.op() == Operation.DELETE ? "" : row.get("v") + "|" + row.get("payload");
            Object snapshot = event.source().extra().get("snapshot");
            return run + "\t" + event.op().code() + "\t" + row.get("id") + "\t" + value + "\t"
                   + (snapshot == null ? "" : snapshot) + "\tend\n";
        });
    }
}

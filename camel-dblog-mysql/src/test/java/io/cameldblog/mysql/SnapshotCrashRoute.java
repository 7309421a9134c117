package io.cameldblog.mysql;

import java.nio.file.Path;

import io.cameldblog.core.testing.CrashTestRoute;

/**
 * The resumable route {@link MysqlBinlogSnapshotCrashTest} runs in a child JVM and kills with {@code kill -9}: every
 * event is appended to a file as "run TAB op TAB id TAB snapshot-flag TAB row-text TAB ." (the final dot tells a
 * whole line from one the kill tore).
 * <p>
 * Arguments: uri outFile offsetsDir maxUnstored run.
 */
public final class SnapshotCrashRoute {

    private SnapshotCrashRoute() {
    }

    public static void main(String[] args) throws Exception {
        String run = args[4];
        CrashTestRoute.run(args[0], Path.of(args[1]), CrashTestRoute.files(args[2], args[3]),
                event -> run + "\t" + event.op().code() + "\t" + event.key().get("id") + "\t"
                         + event.source().extra().getOrDefault("snapshot", "-") + "\t"
                         + (event.after() == null ? "-" : RebuiltTable.text(event.after())) + "\t.\n");
    }
}

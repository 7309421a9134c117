package io.cameldblog.core.snapshot;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalInt;

import io.cameldblog.core.LogPosition;

/**
 * A log position stored together with a snapshot's progress: what a resume strategy writes while a snapshot is
 * under way, so that a restart continues the log and the snapshot each where they were.
 */
public final class SnapshotPosition implements LogPosition {

    private final LogPosition log;
    private final SnapshotProgress progress;

    public SnapshotPosition(LogPosition log, SnapshotProgress progress) {
        this.log = log;
        this.progress = progress;
    }

    public LogPosition log() {
        return log;
    }

    public SnapshotProgress progress() {
        return progress;
    }

    @Override
    public String text() {
        return log.text();
    }

    @Override
    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>(log.toMap());
        m.put(SnapshotProgress.KEY, progress.toMap());
        return m;
    }

    @Override
    public OptionalInt compareToStored(Map<String, Object> stored) {
        return log.compareToStored(withoutProgress(stored));
    }

    /** The stored map without the snapshot's progress: what the source's codec reads. */
    public static Map<String, Object> withoutProgress(Map<String, Object> stored) {
        if (!stored.containsKey(SnapshotProgress.KEY)) {
            return stored;
        }
        Map<String, Object> m = new HashMap<>(stored);
        m.remove(SnapshotProgress.KEY);
        return m;
    }

    /** The progress a stored map holds, or {@link SnapshotProgress#none()}. */
    public static SnapshotProgress progressOf(Map<String, Object> stored) {
        return stored.get(SnapshotProgress.KEY) instanceof Map<?, ?> m ? SnapshotProgress.fromMap(m)
                : SnapshotProgress.none();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SnapshotPosition p && log.equals(p.log) && progress.equals(p.progress);
    }

    @Override
    public int hashCode() {
        return log.hashCode() * 31 + progress.hashCode();
    }

    @Override
    public String toString() {
        return log.text() + " + " + progress;
    }
}

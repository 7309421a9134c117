package io.cameldblog.core.snapshot;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * How far a snapshot got, stored with the log position ({@code "snapshot"} in the position's map): the tables still
 * to read, the first one being read now, and the key of the last row of it delivered. A restart continues from the
 * next key, never from the beginning of the table.
 * <p>
 * Immutable: every step makes a new one.
 */
public final class SnapshotProgress {

    /** The key a position's map holds the progress under. */
    public static final String KEY = "snapshot";

    /**
     * One table to read, or every captured table ({@code table == null}, resolved when it is reached).
     *
     * @param initial part of the snapshot {@code snapshotMode} asked for (its end stops an {@code initial_only}
     *                stream), not of one a signal asked for
     */
    public record Step(String table, String where, boolean initial) {

        Map<String, Object> toMap() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("table", table);
            m.put("where", where);
            m.put("initial", initial);
            return m;
        }

        static Step fromMap(Map<?, ?> m) {
            return new Step((String) m.get("table"), (String) m.get("where"), Boolean.TRUE.equals(m.get("initial")));
        }
    }

    private static final SnapshotProgress NONE = new SnapshotProgress(List.of(), null);

    private final List<Step> steps;
    private final List<Object> afterKey;

    private SnapshotProgress(List<Step> steps, List<Object> afterKey) {
        this.steps = List.copyOf(steps);
        this.afterKey = afterKey == null ? null : List.copyOf(afterKey);
    }

    public static SnapshotProgress none() {
        return NONE;
    }

    public boolean isDone() {
        return steps.isEmpty();
    }

    public List<Step> steps() {
        return steps;
    }

    /** The table being read, or null when done. */
    public Step current() {
        return steps.isEmpty() ? null : steps.get(0);
    }

    /** The key of the last row of {@link #current()} delivered, or null when none yet. */
    public List<Object> afterKey() {
        return afterKey;
    }

    /** Whether a step of the initial snapshot is still to do. */
    public boolean initialPending() {
        return steps.stream().anyMatch(Step::initial);
    }

    /** The tables of a request appended (a table already waiting is not read twice). */
    public SnapshotProgress with(List<Step> more) {
        List<Step> all = new ArrayList<>(steps);
        for (Step s : more) {
            if (!all.contains(s)) {
                all.add(s);
            }
        }
        return new SnapshotProgress(all, afterKey);
    }

    /** The rows of the current table up to {@code key} are delivered. */
    public SnapshotProgress after(List<Object> key) {
        return new SnapshotProgress(steps, key);
    }

    /** The current table is done: the next one starts from its first row. */
    public SnapshotProgress nextTable() {
        return new SnapshotProgress(steps.subList(1, steps.size()), null);
    }

    /** The current step replaced by the tables it stands for (every captured table, once resolved). */
    public SnapshotProgress resolved(List<Step> tables) {
        List<Step> all = new ArrayList<>(tables);
        all.addAll(steps.subList(1, steps.size()));
        return new SnapshotProgress(all, null);
    }

    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        List<Object> list = new ArrayList<>();
        for (Step s : steps) {
            list.add(s.toMap());
        }
        m.put("steps", list);
        m.put("afterKey", afterKey);
        return m;
    }

    /** Reads {@link #toMap()} back (after the store's JSON round trip). */
    public static SnapshotProgress fromMap(Map<?, ?> m) {
        List<Step> steps = new ArrayList<>();
        if (m.get("steps") instanceof List<?> list) {
            for (Object o : list) {
                if (o instanceof Map<?, ?> step) {
                    steps.add(Step.fromMap(step));
                }
            }
        }
        List<Object> key = m.get("afterKey") instanceof List<?> k ? new ArrayList<>(k) : null;
        return steps.isEmpty() ? NONE : new SnapshotProgress(steps, key);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SnapshotProgress p && steps.equals(p.steps) && Objects.equals(afterKey, p.afterKey);
    }

    @Override
    public int hashCode() {
        return Objects.hash(steps, afterKey);
    }

    @Override
    public String toString() {
        Step s = current();
        return s == null ? "no snapshot" : "snapshot of " + (s.table() == null ? "every captured table" : s.table())
                                              + (afterKey == null ? " from its first row" : " after key " + afterKey)
                                              + (steps.size() > 1 ? " (then " + (steps.size() - 1) + " more)" : "");
    }
}

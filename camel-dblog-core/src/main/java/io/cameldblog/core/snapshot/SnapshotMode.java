package io.cameldblog.core.snapshot;

import java.util.Locale;

import io.cameldblog.core.DbLogConfigurationException;

/** The {@code snapshotMode} option: whether the rows that already exist are read before (and while) streaming. */
public enum SnapshotMode {
    /** Only what changes from the start position on (the default). */
    NEVER,
    /** When no position is stored: read every captured table, chunk by chunk, while the log streams. */
    INITIAL,
    /** As {@link #INITIAL}, then stop reading once the snapshot is complete. */
    INITIAL_ONLY,
    /** As {@link #INITIAL}, and also when the stored position is gone from the server's log. */
    WHEN_NEEDED;

    /** @throws DbLogConfigurationException naming the accepted values */
    public static SnapshotMode parse(String option) {
        if (option == null || option.isBlank()) {
            return NEVER;
        }
        try {
            return valueOf(option.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new DbLogConfigurationException("Option snapshotMode='" + option + "' is not a snapshot mode.",
                    "use never, initial, initial_only or when_needed.", e);
        }
    }

    /** Whether a stream that starts with no stored position begins with a snapshot. */
    public boolean snapshotsWhenNothingStored() {
        return this != NEVER;
    }
}

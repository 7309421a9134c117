package io.cameldblog.core;

import java.util.Objects;

/**
 * Where a reader starts when no position is stored: the {@code startPosition} option.
 */
public final class StartPosition<P extends LogPosition> {

    public enum Kind {
        /** The current end of the log. */
        LATEST,
        /** The oldest entry the source still has. */
        EARLIEST,
        /** A position given by the user or restored from a resume strategy. */
        AT
    }

    private final Kind kind;
    private final P position;
    private final boolean restored;

    private StartPosition(Kind kind, P position, boolean restored) {
        this.kind = kind;
        this.position = position;
        this.restored = restored;
    }

    public static <P extends LogPosition> StartPosition<P> latest() {
        return new StartPosition<>(Kind.LATEST, null, false);
    }

    public static <P extends LogPosition> StartPosition<P> earliest() {
        return new StartPosition<>(Kind.EARLIEST, null, false);
    }

    public static <P extends LogPosition> StartPosition<P> at(P position) {
        return new StartPosition<>(Kind.AT, Objects.requireNonNull(position), false);
    }

    /** A position a resume strategy stored: the last processed event, so the reader starts right after it. */
    public static <P extends LogPosition> StartPosition<P> restored(P position) {
        return new StartPosition<>(Kind.AT, Objects.requireNonNull(position), true);
    }

    /**
     * Parses the option: {@code latest} (also for null/blank), {@code earliest}, or the source's text form.
     *
     * @throws DbLogConfigurationException naming the option and the accepted forms
     */
    public static <P extends LogPosition> StartPosition<P> parse(String option, PositionCodec<P> codec,
            String textFormExample) {
        if (option == null || option.isBlank() || option.trim().equalsIgnoreCase("latest")) {
            return latest();
        }
        if (option.trim().equalsIgnoreCase("earliest")) {
            return earliest();
        }
        try {
            return at(codec.parse(option.trim()));
        } catch (IllegalArgumentException e) {
            throw new DbLogConfigurationException(
                    "Option startPosition='" + option + "' is not a position: " + e.getMessage(),
                    "use latest, earliest or a position in the source's text form, e.g. " + textFormExample + ".",
                    e);
        }
    }

    public Kind kind() {
        return kind;
    }

    public P position() {
        return position;
    }

    /** True when the position came from a resume strategy, false when from the endpoint's option. */
    public boolean isRestored() {
        return restored;
    }

    @Override
    public String toString() {
        return kind == Kind.AT ? (restored ? "stored " : "") + position.text() : kind.name().toLowerCase();
    }
}

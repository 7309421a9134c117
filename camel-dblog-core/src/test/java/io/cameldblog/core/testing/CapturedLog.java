package io.cameldblog.core.testing;

import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;

import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.Configuration;
import org.apache.logging.log4j.core.config.Property;

/**
 * What the log shows a user while it is open: every event at WARN and above (of any logger), with its message as
 * formatted and its throwable. Tests that promise "a warning says ..." read it here.
 */
public final class CapturedLog extends AbstractAppender implements AutoCloseable {

    private final List<LogEvent> events = new CopyOnWriteArrayList<>();

    private CapturedLog() {
        super("captured-" + UUID.randomUUID(), null, null, true, Property.EMPTY_ARRAY);
    }

    /** Starts capturing; close it to stop. */
    public static CapturedLog warnings() {
        return capture(Level.WARN);
    }

    /** Every line the log configuration lets through, INFO and below included: what a console shows. */
    public static CapturedLog everything() {
        return capture(Level.ALL);
    }

    private static CapturedLog capture(Level level) {
        CapturedLog log = new CapturedLog();
        log.start();
        LoggerContext context = (LoggerContext) LogManager.getContext(false);
        Configuration config = context.getConfiguration();
        config.addAppender(log);
        config.getRootLogger().addAppender(log, level, null);
        context.updateLoggers();
        return log;
    }

    @Override
    public void append(LogEvent event) {
        events.add(event.toImmutable());
    }

    /** The captured events whose formatted message contains {@code text}. */
    public List<LogEvent> containing(String text) {
        return events().filter(e -> e.getMessage().getFormattedMessage().contains(text)).toList();
    }

    /** The formatted messages, in order. */
    public List<String> messages() {
        return events().map(e -> e.getMessage().getFormattedMessage()).toList();
    }

    /** The formatted messages {@code loggerOf}'s logger wrote at {@code level}, in order. */
    public List<String> messages(Class<?> loggerOf, Level level) {
        return events().filter(e -> e.getLoggerName().equals(loggerOf.getName()) && e.getLevel().equals(level))
                .map(e -> e.getMessage().getFormattedMessage()).toList();
    }

    public Stream<LogEvent> events() {
        return events.stream();
    }

    @Override
    public void close() {
        LoggerContext context = (LoggerContext) LogManager.getContext(false);
        Configuration config = context.getConfiguration();
        config.getRootLogger().removeAppender(getName());
        context.updateLoggers();
        stop();
    }
}

package io.cameldblog.core.testing;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.Property;

/** The lines one logger writes while it is open, as "LEVEL message", for tests of what a user reads in the log. */
public final class LogCapture extends AbstractAppender implements AutoCloseable {

    private final List<String> lines = new CopyOnWriteArrayList<>();
    private final String loggerName;
    private final LoggerContext context = (LoggerContext) LogManager.getContext(false);

    public LogCapture(Class<?> loggerOf) {
        super("capture-" + loggerOf.getSimpleName(), null, null, true, Property.EMPTY_ARRAY);
        this.loggerName = loggerOf.getName();
        start();
        // on the root logger: every logger's events reach it, this one keeps its own
        context.getConfiguration().getRootLogger().addAppender(this, null, null);
        context.updateLoggers();
    }

    @Override
    public void append(LogEvent event) {
        if (loggerName.equals(event.getLoggerName())) {
            lines.add(event.getLevel() + " " + event.getMessage().getFormattedMessage());
        }
    }

    public List<String> lines() {
        return List.copyOf(lines);
    }

    public List<String> at(Level level) {
        return lines.stream().filter(l -> l.startsWith(level.name() + " ")).toList();
    }

    @Override
    public void close() {
        context.getConfiguration().getRootLogger().removeAppender(getName());
        context.updateLoggers();
        stop();
    }
}

package io.cameldblog.core.consumer;

import io.cameldblog.core.LogPosition;

/**
 * The route failed an exchange (its error handler did not handle the failure). Its position was not stored;
 * the consumer reconnects and delivers the event again.
 */
public class EventNotProcessedException extends Exception {

    private final transient LogPosition position;

    public EventNotProcessedException(LogPosition position, Throwable cause) {
        super("Change event at " + (position == null ? "?" : position.text())
              + " failed in the route and was not stored; it will be delivered again", cause);
        this.position = position;
    }

    public LogPosition position() {
        return position;
    }
}

package io.cameldblog.core;

/**
 * The position to continue from is no longer in the server's log (purged binlog, recycled WAL, rolled oplog): the
 * changes in between are gone. With {@code snapshotMode=when_needed} the consumer starts again with a snapshot;
 * otherwise the route does not start.
 */
public class PositionGoneException extends DbLogConfigurationException {

    public PositionGoneException(String problem, String fix) {
        super(problem, fix);
    }

    public PositionGoneException(String problem, String fix, Throwable cause) {
        super(problem, fix, cause);
    }
}
